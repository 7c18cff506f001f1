package io.chatsdk.engine.files;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Copies a GIF block by block (GIF89a's structure: header, screen descriptor, colour table, then extensions, images and
 * the trailer), keeping images, graphic controls and the NETSCAPE loop, and dropping comments, plain text and other
 * application blocks (XMP among them) and anything after the trailer. Checks the screen's pixel count first.
 */
final class Gifs {
    private Gifs() {
    }

    static byte[] strip(byte[] in, long maxPixels) throws IOException {
        Reader r = new Reader(in);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        String header = new String(r.bytes(6), StandardCharsets.US_ASCII);
        if (!header.equals("GIF87a") && !header.equals("GIF89a")) {
            throw new IOException("not a GIF");
        }
        out.write(header.getBytes(StandardCharsets.US_ASCII));
        byte[] screen = r.bytes(7);
        Images.requirePixels((long) Images.u16(screen, 0, true) * Images.u16(screen, 2, true), maxPixels);
        out.write(screen);
        if ((screen[4] & 0x80) != 0) {
            out.write(r.bytes(3 * (1 << ((screen[4] & 0x07) + 1))));
        }
        int frames = 0;
        while (true) {
            int block = r.u8();
            if (block == 0x3B) {
                out.write(0x3B);
                break;
            }
            if (block == 0x2C) {
                byte[] desc = r.bytes(9);
                Images.requirePixels((long) Images.u16(desc, 4, true) * Images.u16(desc, 6, true), maxPixels);
                if (++frames > 10_000) {
                    throw new IOException("too many frames");
                }
                out.write(0x2C);
                out.write(desc);
                if ((desc[8] & 0x80) != 0) {
                    out.write(r.bytes(3 * (1 << ((desc[8] & 0x07) + 1))));
                }
                out.write(r.u8());   // LZW minimum code size
                r.subBlocks(out);
            } else if (block == 0x21) {
                int label = r.u8();
                ByteArrayOutputStream ext = new ByteArrayOutputStream();
                r.subBlocks(ext);
                byte[] body = ext.toByteArray();
                boolean loop = label == 0xFF && body.length >= 12 && new String(body, 1, 11, StandardCharsets.US_ASCII).equals("NETSCAPE2.0");
                if (label == 0xF9 || loop) {
                    out.write(0x21);
                    out.write(label);
                    out.write(body);
                }
            } else {
                throw new IOException("unknown GIF block 0x" + Integer.toHexString(block));
            }
        }
        if (frames == 0) {
            throw new IOException("a GIF without an image");
        }
        return out.toByteArray();
    }

    private static final class Reader {
        private final byte[] in;
        private int at;

        Reader(byte[] in) {
            this.in = in;
        }

        int u8() throws IOException {
            if (at >= in.length) {
                throw new IOException("truncated GIF");
            }
            return in[at++] & 0xFF;
        }

        byte[] bytes(int n) throws IOException {
            if (at + n > in.length) {
                throw new IOException("truncated GIF");
            }
            byte[] b = java.util.Arrays.copyOfRange(in, at, at + n);
            at += n;
            return b;
        }

        /** Copies data sub-blocks, with their length bytes and the terminator, to {@code out}. */
        void subBlocks(ByteArrayOutputStream out) throws IOException {
            for (int n = u8(); ; n = u8()) {
                out.write(n);
                if (n == 0) {
                    return;
                }
                out.write(bytes(n));
            }
        }
    }
}
