package io.chatsdk.engine.audit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;

/**
 * Builds the byte strings that audit hashes and signatures are computed over: a domain tag, then fields, each a
 * 4-byte big-endian length and that many UTF-8 bytes, with length {@code -1} and no bytes for {@code null}. The
 * length prefix is what keeps {@code ("ab","c")} and {@code ("a","bc")} apart. Not thread-safe: one per message.
 */
final class Fields {
    /** Orders strings by their UTF-8 bytes (unsigned), which is code point order: what the docs promise auditors. */
    static final Comparator<String> UTF8_ORDER =
            (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private static final HexFormat HEX = HexFormat.of();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

    Fields(String domainTag) {
        out.writeBytes(domainTag.getBytes(StandardCharsets.UTF_8));
    }

    Fields raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    Fields add(String value) {
        if (value == null) {
            writeInt(-1);
        } else {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            writeInt(utf8.length);
            out.writeBytes(utf8);
        }
        return this;
    }

    Fields add(long value) {
        return add(Long.toString(value));
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void writeInt(int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    /** Lowercase hex, the only form the export format accepts. */
    static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /** Parses lowercase hex of exactly {@code length} bytes, or returns {@code null} if it is anything else. */
    static byte[] parseHex(String text, int length) {
        if (text == null || text.length() != length * 2) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return null;
            }
        }
        return HEX.parseHex(text);
    }
}
