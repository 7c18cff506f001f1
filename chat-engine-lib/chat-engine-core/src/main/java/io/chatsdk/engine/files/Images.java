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
 * comments and anything appended to the image (a polyglot's HTML) are gone. GIFs keep their frames and loop but lose
 * their comment and application blocks. Java's own ImageIO codecs; no native code.
 */
final class Images {
    private Images() {
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
        return encode(image, type);
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
