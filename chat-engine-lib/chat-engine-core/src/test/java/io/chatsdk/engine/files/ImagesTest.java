package io.chatsdk.engine.files;

import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What images go through before they are stored: orientation applied, metadata gone, bombs refused, GIFs filtered. */
class ImagesTest {

    static byte[] jpeg(int w, int h) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < w; x++) {
            img.setRGB(x, 0, x == 0 ? 0xFF0000 : 0x0000FF);   // the first column's top pixel red
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpeg", out);
        return out.toByteArray();
    }

    /** The JPEG with an APP1 Exif segment (big-endian TIFF, IFD0 with one entry: Orientation) after SOI. */
    static byte[] withOrientation(byte[] jpeg, int orientation, boolean littleEndian) {
        ByteBuffer tiff = ByteBuffer.allocate(26).order(littleEndian ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN);
        tiff.put(littleEndian ? "II".getBytes() : "MM".getBytes()).putShort((short) 42).putInt(8).putShort((short) 1)
                .putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0).putInt(0);
        byte[] payload = concat("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), tiff.array());
        int len = payload.length + 2;
        byte[] app1 = concat(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (len >> 8), (byte) len}, payload);
        return concat(concat(Arrays.copyOf(jpeg, 2), app1), Arrays.copyOfRange(jpeg, 2, jpeg.length));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void aPhonesOrientationIsAppliedBeforeTheMetadataGoes() throws Exception {
        byte[] sideways = withOrientation(jpeg(40, 20), 6, false);
        assertThat(Images.exifOrientation(sideways)).isEqualTo(6);
        assertThat(Images.exifOrientation(withOrientation(jpeg(40, 20), 8, true))).isEqualTo(8);
        assertThat(Images.exifOrientation(jpeg(40, 20))).isEqualTo(1);
        byte[] stored = Images.stripped(sideways, "image/jpeg", 1_000_000);
        BufferedImage upright = ImageIO.read(new ByteArrayInputStream(stored));
        assertThat(upright.getWidth()).isEqualTo(20);
        assertThat(upright.getHeight()).isEqualTo(40);
        assertThat(Images.exifOrientation(stored)).isEqualTo(1);
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("Exif");
    }

    @Test
    void everyOrientationTurnsTheFirstPixelWhereItBelongs() {
        BufferedImage src = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        src.setRGB(0, 0, 0xFF0000);
        int[][] expected = {{0, 0}, {2, 0}, {2, 1}, {0, 1}, {0, 0}, {1, 0}, {1, 2}, {0, 2}};   // where (0,0) lands for 1..8
        for (int o = 1; o <= 8; o++) {
            BufferedImage out = Images.oriented(src, o);
            assertThat(out.getRGB(expected[o - 1][0], expected[o - 1][1]) & 0xFFFFFF).as("orientation " + o).isEqualTo(0xFF0000);
        }
    }

    @Test
    void bombsAndBrokenImagesAreRefused() throws Exception {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(100_000).putInt(100_000).put((byte) 8).put((byte) 2).put(new byte[3]);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update("IHDR".getBytes());
        crc.update(ihdr.array());
        byte[] png = ByteBuffer.allocate(8 + 25).put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}).putInt(13).put("IHDR".getBytes())
                .put(ihdr.array()).putInt((int) crc.getValue()).array();
        assertThatThrownBy(() -> Images.stripped(png, "image/png", 40_000_000))
                .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FILE_TOO_LARGE));
        assertThatThrownBy(() -> Images.stripped("GIF89a".getBytes(), "image/gif", 40_000_000)).isInstanceOf(ChatException.class);
        assertThatThrownBy(() -> Images.stripped(Arrays.copyOf(jpeg(40, 20), 30), "image/jpeg", 40_000_000)).isInstanceOf(ChatException.class);
    }

    @Test
    void aGifKeepsItsFramesAndLoopButLosesCommentsAndOtherBlocks() throws Exception {
        ByteArrayOutputStream gif = new ByteArrayOutputStream();
        gif.writeBytes("GIF89a".getBytes());
        gif.writeBytes(new byte[] {2, 0, 2, 0, 0, 0, 0});                           // 2x2 screen, no global table
        gif.writeBytes(new byte[] {0x21, (byte) 0xFF, 11});                         // NETSCAPE2.0 loop
        gif.writeBytes("NETSCAPE2.0".getBytes());
        gif.writeBytes(new byte[] {3, 1, 0, 0, 0});
        gif.writeBytes(new byte[] {0x21, (byte) 0xFE, 7});                           // a comment
        gif.writeBytes("secret!".getBytes());
        gif.writeBytes(new byte[] {0});
        gif.writeBytes(new byte[] {0x21, (byte) 0xFF, 11});                         // XMP
        gif.writeBytes("XMP DataXMP".getBytes());
        gif.writeBytes(new byte[] {4, 'G', 'P', 'S', '!', 0});
        gif.writeBytes(new byte[] {0x2C, 0, 0, 0, 0, 2, 0, 2, 0, (byte) 0x80});     // image with a local table of 2
        gif.writeBytes(new byte[] {0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        gif.writeBytes(new byte[] {2, 2, 0x44, 0x01, 0});                          // LZW data
        gif.writeBytes(new byte[] {0x3B});
        gif.writeBytes("<html>after the trailer</html>".getBytes());
        String out = new String(Gifs.strip(gif.toByteArray(), 1000), StandardCharsets.ISO_8859_1);
        assertThat(out).contains("NETSCAPE2.0").doesNotContain("secret!").doesNotContain("XMP").doesNotContain("GPS!").doesNotContain("<html>");
        assertThat(out).endsWith(";");
    }
}
