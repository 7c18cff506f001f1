package io.chatsdk.engine.files;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures voice notes while they stream into the store: for WAV (PCM 8/16/24/32-bit and 32-bit float) the duration
 * and a waveform of 100 peaks in 0..1; for Ogg (Opus, Vorbis) the duration from the last page's granule position.
 * Other audio gets no numbers here, and the client's are kept within their limits. Memory stays bounded whatever the
 * length: peaks are kept per window, and when there are too many, neighbours merge and the window doubles.
 */
final class Audio extends OutputStream {
    static final int WAVEFORM_POINTS = 100;
    private static final int MAX_PEAKS = 2048;

    /** What was measured; null fields were not. */
    record Measure(Double duration, List<Double> waveform) {
    }

    private final String type;
    // WAV
    private final byte[] header = new byte[64 * 1024];
    private int headerLength;
    private long dataStart = -1;
    private long dataLength;
    private int channels;
    private int sampleRate;
    private int bits;
    private boolean isFloat;
    private long position;
    private final byte[] frame = new byte[32];
    private int frameFill;
    private long framesInWindow;
    private long windowFrames = 1;
    private double windowPeak;
    private final List<Double> peaks = new ArrayList<>();
    private long frames;
    // Ogg
    private final byte[] page = new byte[27];
    private int pageFill;
    private int segmentsLeft = -1;
    private long bodyLeft;
    private long lastGranule = -1;
    private int preSkip;
    private int opusHeadNeeded = 19;
    private final byte[] opusHead = new byte[19];
    private int rate = 48_000;

    Audio(String type) {
        this.type = type;
    }

    static boolean measurable(String type) {
        return type.equals("audio/vnd.wave") || type.equals("audio/wav") || type.equals("audio/x-wav") || type.equals("audio/ogg")
                || type.equals("audio/opus") || type.equals("audio/vorbis") || type.equals("application/ogg");
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        if (type.contains("wav") || type.contains("wave")) {
            wav(b, off, len);
        } else {
            ogg(b, off, len);
        }
    }

    Measure measure() {
        if (type.contains("wav") || type.contains("wave")) {
            if (sampleRate <= 0 || frames == 0) {
                return new Measure(null, null);
            }
            if (framesInWindow > 0) {
                peaks.add(windowPeak);
            }
            return new Measure(round((double) frames / sampleRate), waveform(peaks));
        }
        if (lastGranule < 0) {
            return new Measure(null, null);
        }
        return new Measure(round(Math.max(0, lastGranule - preSkip) / (double) rate), null);
    }

    // ---- WAV

    private void wav(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++, position++) {
            byte x = b[off + i];
            if (dataStart < 0) {
                if (headerLength < header.length) {
                    header[headerLength++] = x;
                    parseWavHeader();
                }
                continue;
            }
            if (position < dataStart || position - dataStart >= dataLength || channels == 0) {
                continue;
            }
            frame[frameFill++] = x;
            int frameBytes = channels * bits / 8;
            if (frameFill == frameBytes) {
                frameFill = 0;
                sample();
            }
        }
    }

    private void parseWavHeader() {
        if (headerLength < 12) {
            return;
        }
        ByteBuffer h = ByteBuffer.wrap(header, 0, headerLength).order(ByteOrder.LITTLE_ENDIAN);
        if (h.getInt(0) != 0x46464952 || h.getInt(8) != 0x45564157) {   // "RIFF" ... "WAVE"
            headerLength = header.length;   // not a WAV: stop looking
            return;
        }
        int at = 12;
        while (at + 8 <= headerLength) {
            int id = h.getInt(at);
            long size = Integer.toUnsignedLong(h.getInt(at + 4));
            if (id == 0x20746d66 && at + 8 + 16 <= headerLength) {   // "fmt "
                int format = h.getShort(at + 8) & 0xFFFF;
                channels = h.getShort(at + 10) & 0xFFFF;
                sampleRate = h.getInt(at + 12);
                bits = h.getShort(at + 22) & 0xFFFF;
                if (format == 0xFFFE && size >= 40 && at + 8 + 26 <= headerLength) {
                    format = h.getShort(at + 8 + 24) & 0xFFFF;   // WAVE_FORMAT_EXTENSIBLE: the sub-format
                }
                isFloat = format == 3;
                boolean ok = (format == 1 && (bits == 8 || bits == 16 || bits == 24 || bits == 32)) || (isFloat && bits == 32);
                if (!ok || channels < 1 || channels > 8 || sampleRate < 1 || sampleRate > 768_000) {
                    channels = 0;
                    sampleRate = 0;
                }
            } else if (id == 0x61746164) {   // "data"
                if (sampleRate > 0) {
                    dataStart = at + 8;
                    dataLength = size == 0xFFFFFFFFL || size == 0 ? Long.MAX_VALUE : size;
                }
                return;
            }
            if (at + 8 + size + (size & 1) > headerLength) {
                return;   // wait for more bytes
            }
            at += (int) (8 + size + (size & 1));
        }
    }

    private void sample() {
        double peak = 0;
        ByteBuffer f = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
        for (int c = 0; c < channels; c++) {
            double v = switch (bits) {
                case 8 -> ((frame[c] & 0xFF) - 128) / 128.0;
                case 16 -> f.getShort(c * 2) / 32768.0;
                case 24 -> ((frame[c * 3] & 0xFF) | (frame[c * 3 + 1] & 0xFF) << 8 | frame[c * 3 + 2] << 16) / 8388608.0;
                default -> isFloat ? f.getFloat(c * 4) : f.getInt(c * 4) / 2147483648.0;
            };
            if (Double.isFinite(v)) {
                peak = Math.max(peak, Math.min(1.0, Math.abs(v)));
            }
        }
        frames++;
        windowPeak = Math.max(windowPeak, peak);
        if (++framesInWindow == windowFrames) {
            peaks.add(windowPeak);
            windowPeak = 0;
            framesInWindow = 0;
            if (peaks.size() == MAX_PEAKS) {
                for (int i = 0; i < MAX_PEAKS / 2; i++) {
                    peaks.set(i, Math.max(peaks.get(2 * i), peaks.get(2 * i + 1)));
                }
                peaks.subList(MAX_PEAKS / 2, MAX_PEAKS).clear();
                windowFrames *= 2;
            }
        }
    }

    private static List<Double> waveform(List<Double> peaks) {
        if (peaks.isEmpty()) {
            return List.of();
        }
        int n = Math.min(WAVEFORM_POINTS, peaks.size());
        List<Double> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int from = (int) ((long) i * peaks.size() / n);
            int to = (int) ((long) (i + 1) * peaks.size() / n);
            double p = 0;
            for (int j = from; j < Math.max(to, from + 1); j++) {
                p = Math.max(p, peaks.get(j));
            }
            out.add(Math.round(p * 1000) / 1000.0);
        }
        return out;
    }

    // ---- Ogg: pages are "OggS", version, flags, granule (8, little-endian), serial, sequence, CRC, segment count, table

    private void ogg(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end) {
            if (segmentsLeft > 0) {
                bodyLeft += b[i++] & 0xFF;
                segmentsLeft--;
                continue;
            }
            if (bodyLeft > 0) {
                int n = (int) Math.min(bodyLeft, end - i);
                if (opusHeadNeeded > 0) {
                    int take = Math.min(n, opusHeadNeeded);
                    System.arraycopy(b, i, opusHead, 19 - opusHeadNeeded, take);
                    opusHeadNeeded -= take;
                    if (opusHeadNeeded == 0) {
                        if (new String(opusHead, 0, 8, java.nio.charset.StandardCharsets.US_ASCII).equals("OpusHead")) {
                            preSkip = (opusHead[10] & 0xFF) | (opusHead[11] & 0xFF) << 8;
                        } else if (opusHead[0] == 1 && new String(opusHead, 1, 6, java.nio.charset.StandardCharsets.US_ASCII).equals("vorbis")) {
                            rate = ByteBuffer.wrap(opusHead, 12, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
                            rate = rate <= 0 ? 48_000 : rate;
                        }
                    }
                }
                bodyLeft -= n;
                i += n;
                continue;
            }
            page[pageFill++] = b[i++];
            if (pageFill == 4 && !(page[0] == 'O' && page[1] == 'g' && page[2] == 'g' && page[3] == 'S')) {
                lastGranule = -1;   // not an Ogg stream
                opusHeadNeeded = 0;
                bodyLeft = Long.MAX_VALUE;
                return;
            }
            if (pageFill == 27) {
                long granule = ByteBuffer.wrap(page, 6, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                if (granule != -1) {
                    lastGranule = granule;
                }
                segmentsLeft = page[26] & 0xFF;
                pageFill = 0;
            }
        }
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
