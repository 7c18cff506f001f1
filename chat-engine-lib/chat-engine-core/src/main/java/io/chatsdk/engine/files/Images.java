package io.chatsdk.engine.files;

import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;

/**
 * What the engine does to images before it stores them: refuses decompression bombs by their declared pixel count
 * before decoding, and writes PNG and JPEG again from their pixels alone, so that EXIF (GPS included), XMP, ICC
 * comments and anything appended to the image (a polyglot's HTML) are gone; a JPEG's EXIF orientation is applied to
 * its pixels first. GIFs keep their frames and loop but lose their comment and application blocks. Java's own ImageIO
 * codecs; no native code.
 */
final class Images {
    private Images() {
    }

    /** The longest side of the thumbnail stored with each image. */
    static final int THUMB = 512;
    /** The largest side a resize may ask for. */
    static final int MAX_SIDE = 4096;
    private static final com.github.benmanes.caffeine.cache.Cache<String, byte[]> RESIZED = com.github.benmanes.caffeine.cache.Caffeine.newBuilder()
            .maximumWeight(64L * 1024 * 1024).<String, byte[]>weigher((k, v) -> v.length).build();

    /** How a resize fills {@code w} x {@code h}: fit inside it, or cover it and cut the rest away from one side or the middle. */
    enum Crop {
        FIT, CENTER, TOP, BOTTOM, LEFT, RIGHT;

        static Crop of(String wire) {
            if (wire == null || wire.isEmpty()) {
                return FIT;
            }
            try {
                return valueOf(wire.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ChatException.invalid("crop", "must be center, top, bottom, left or right");
            }
        }
    }

    /** A thumbnail of the stored image: its longest side at most {@link #THUMB}, PNG (JPEG for JPEGs). */
    static byte[] thumbnail(byte[] stored, String type) {
        return resize(stored, type, THUMB, THUMB, Crop.FIT);
    }

    /** The image resized to {@code w} x {@code h} (0: keep the proportion), cached by {@code cacheKey} while memory allows. */
    static byte[] resized(String cacheKey, byte[] source, String type, int w, int h, Crop crop) {
        return RESIZED.get(cacheKey + ":" + w + "x" + h + ":" + crop, k -> resize(source, type, w, h, crop));
    }

    private static byte[] resize(byte[] source, String type, int w, int h, Crop crop) {
        try {
            BufferedImage src = ImageIO.read(new ByteArrayInputStream(source));
            if (src == null) {
                throw new IOException("undecodable");
            }
            int sw = src.getWidth();
            int sh = src.getHeight();
            int tw = w == 0 ? Math.max(1, (int) Math.round((double) sw * h / sh)) : w;
            int th = h == 0 ? Math.max(1, (int) Math.round((double) sh * w / sw)) : h;
            double scale = crop == Crop.FIT ? Math.min((double) tw / sw, (double) th / sh) : Math.max((double) tw / sw, (double) th / sh);
            scale = Math.min(scale, 1.0);   // never enlarge
            int dw = Math.max(1, (int) Math.round(sw * scale));
            int dh = Math.max(1, (int) Math.round(sh * scale));
            int cw = crop == Crop.FIT ? dw : Math.min(dw, tw);
            int ch = crop == Crop.FIT ? dh : Math.min(dh, th);
            int x = switch (crop) {
                case LEFT -> 0;
                case RIGHT -> dw - cw;
                default -> (dw - cw) / 2;
            };
            int y = switch (crop) {
                case TOP -> 0;
                case BOTTOM -> dh - ch;
                default -> (dh - ch) / 2;
            };
            boolean jpeg = type.equals("image/jpeg");
            BufferedImage out = new BufferedImage(cw, ch, jpeg ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_INT_ARGB);
            Graphics2D g = out.createGraphics();
            g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(java.awt.RenderingHints.KEY_RENDERING, java.awt.RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(src, -x, -y, dw, dh, null);
            g.dispose();
            return encode(out, jpeg ? "image/jpeg" : "image/png");
        } catch (IOException e) {
            throw new ChatException(ErrorCode.INTERNAL, "the stored image could not be resized", null, e);
        }
    }

    static byte[] stripped(byte[] in, String type, long maxPixels) {
        try {
            return type.equals("image/gif") ? Gifs.strip(in, maxPixels) : reencode(in, type, maxPixels);
        } catch (IOException e) {
            throw new ChatException(ErrorCode.FILE_TYPE_MISMATCH, "the image cannot be decoded: " + e.getMessage(), "file", null);
        }
    }

    private static byte[] reencode(byte[] in, String type, long maxPixels) throws IOException {
        BufferedImage image;
        try (ImageInputStream iis = ImageIO.createImageInputStream(new ByteArrayInputStream(in))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) {
                throw new IOException("no decoder for " + type);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis, true, true);
                requirePixels((long) reader.getWidth(0) * reader.getHeight(0), maxPixels);
                image = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IllegalArgumentException | IndexOutOfBoundsException | UncheckedIOException e) {
            throw new IOException(e.getMessage(), e);
        }
        return encode(type.equals("image/jpeg") ? oriented(image, exifOrientation(in)) : image, type);
    }

    /**
     * The EXIF orientation of a JPEG (1-8; 1 when it has none): phones store the sensor's pixels and say how to turn
     * them. The metadata is dropped when the image is stored, so the turn is applied to the pixels first.
     */
    static int exifOrientation(byte[] jpeg) {
        int at = 2;
        while (at + 4 <= jpeg.length && (jpeg[at] & 0xFF) == 0xFF) {
            int marker = jpeg[at + 1] & 0xFF;
            int length = (jpeg[at + 2] & 0xFF) << 8 | (jpeg[at + 3] & 0xFF);
            if (marker == 0xDA || length < 2) {
                return 1;   // the image data: no more metadata segments
            }
            int body = at + 4;
            if (marker == 0xE1 && body + 14 <= jpeg.length && new String(jpeg, body, 6, java.nio.charset.StandardCharsets.ISO_8859_1).equals("Exif\0\0")) {
                int tiff = body + 6;
                boolean little = jpeg[tiff] == 'I';
                int ifd = tiff + (int) u32(jpeg, tiff + 4, little);
                if (ifd + 2 > jpeg.length || ifd < tiff) {
                    return 1;
                }
                int entries = u16(jpeg, ifd, little);
                for (int i = 0; i < entries; i++) {
                    int e = ifd + 2 + 12 * i;
                    if (e + 12 > jpeg.length) {
                        return 1;
                    }
                    if (u16(jpeg, e, little) == 0x0112) {
                        int v = u16(jpeg, e + 8, little);
                        return v >= 1 && v <= 8 ? v : 1;
                    }
                }
                return 1;
            }
            at = at + 2 + length;
        }
        return 1;
    }

    static int u16(byte[] b, int at, boolean little) {
        return little ? (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 : (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    private static long u32(byte[] b, int at, boolean little) {
        return little ? (u16(b, at, true) | (long) u16(b, at + 2, true) << 16) : ((long) u16(b, at, false) << 16 | u16(b, at + 2, false));
    }

    /** The pixels turned as EXIF orientation {@code o} says (2-8 flip, rotate, or both). */
    static BufferedImage oriented(BufferedImage src, int o) {
        if (o <= 1 || o > 8) {
            return src;
        }
        int w = src.getWidth();
        int h = src.getHeight();
        boolean swap = o >= 5;
        BufferedImage out = new BufferedImage(swap ? h : w, swap ? w : h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = src.getRGB(x, y);
                switch (o) {
                    case 2 -> out.setRGB(w - 1 - x, y, rgb);
                    case 3 -> out.setRGB(w - 1 - x, h - 1 - y, rgb);
                    case 4 -> out.setRGB(x, h - 1 - y, rgb);
                    case 5 -> out.setRGB(y, x, rgb);
                    case 6 -> out.setRGB(h - 1 - y, x, rgb);
                    case 7 -> out.setRGB(h - 1 - y, w - 1 - x, rgb);
                    default -> out.setRGB(y, w - 1 - x, rgb);
                }
            }
        }
        return out;
    }

    static void requirePixels(long pixels, long maxPixels) {
        if (pixels > maxPixels || pixels <= 0) {
            throw new ChatException(ErrorCode.FILE_TOO_LARGE, "the image has " + pixels + " pixels; the limit is " + maxPixels, "file", null);
        }
    }

    /** Encodes pixels as PNG, or as JPEG (quality 0.9, no alpha). */
    static byte[] encode(BufferedImage image, String type) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (type.equals("image/jpeg")) {
            BufferedImage rgb = image;
            if (image.getType() != BufferedImage.TYPE_INT_RGB && image.getType() != BufferedImage.TYPE_3BYTE_BGR) {
                rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
                Graphics2D g = rgb.createGraphics();
                g.drawImage(image, 0, 0, java.awt.Color.WHITE, null);
                g.dispose();
            }
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
                writer.setOutput(ios);
                ImageWriteParam p = writer.getDefaultWriteParam();
                p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                p.setCompressionQuality(0.9f);
                writer.write(null, new IIOImage(rgb, null, null), p);
            } finally {
                writer.dispose();
            }
        } else if (!ImageIO.write(image, "png", out)) {
            throw new IOException("no PNG encoder");
        }
        return out.toByteArray();
    }
}
