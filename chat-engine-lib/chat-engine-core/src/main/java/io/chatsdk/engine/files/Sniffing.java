package io.chatsdk.engine.files;

import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;

import org.apache.tika.Tika;

import java.util.Locale;
import java.util.Set;

/**
 * Decides what an upload is from its first bytes (Apache Tika's magic), and refuses a declared type or a file name
 * that says otherwise, a type the app does not allow, and for images anything the engine cannot strip and resize.
 */
final class Sniffing {
    private static final Tika TIKA = new Tika();
    /** Types a browser runs or renders as a document: never adopted from a client, never served inline. */
    static final Set<String> ACTIVE = Set.of("text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml",
            "application/javascript", "text/javascript", "application/ecmascript", "text/ecmascript");
    static final Set<String> IMAGES = Set.of("image/png", "image/jpeg", "image/gif");
    /** Text formats with a name of their own, which Tika's core sniffs as plain text. */
    private static final Set<String> TEXTUAL = Set.of("application/json", "application/x-ndjson", "application/ld+json", "application/yaml",
            "application/x-yaml", "application/toml", "application/sql", "application/csv");

    private static boolean textual(String type) {
        return TEXTUAL.contains(type) || (type.startsWith("text/") && !ACTIVE.contains(type));
    }

    /** What Tika's core says of ZIP- and OLE-based documents before a parser looks inside. */
    private static final Set<String> CONTAINERS = Set.of("application/zip", "application/x-tika-ooxml", "application/x-tika-msoffice",
            "application/x-tika-ooxml-protected");
    private static final String GENERIC = "application/octet-stream";

    private Sniffing() {
    }

    /** The type to store and serve the upload as; refuses it with {@code file_type_mismatch} or {@code file_type_not_allowed}. */
    static String check(byte[] head, String name, String declaredType, Files.Kind kind, UploadPolicy policy) {
        String sniffed = webm(head, ogg(head, base(TIKA.detect(head))));
        String declared = declaredType == null ? null : base(declaredType);
        if (sniffed.equals("video/webm") && "audio/webm".equals(declared)) {
            sniffed = declared;   // a browser's voice note (MediaRecorder): the header cannot tell audio-only WebM from video
        }
        String type = sniffed;
        String byName = base(TIKA.detect(name));
        if (WEBM.contains(byName) && WEBM.contains(type)) {
            byName = type;   // "voice-note.webm" names the container, whichever kind of track it holds
        }
        if (CONTAINERS.contains(sniffed) && byName.startsWith("application/vnd.")) {
            type = sniffed = byName;   // an Office or OpenDocument file: Tika's core knows the container, the name says which
        }
        boolean plainText = sniffed.equals("text/plain");
        if (declared != null && !declared.equals(GENERIC) && !declared.equals(sniffed)) {
            if (plainText && textual(declared)) {
                type = declared;   // text with a more precise name: JSON, CSV, Markdown
            } else if (!topLevel(declared).equals(topLevel(sniffed)) || ACTIVE.contains(sniffed)) {
                throw new ChatException(ErrorCode.FILE_TYPE_MISMATCH, "the file was declared " + declared + " but its bytes are " + sniffed, "file", null);
            }
            if ((sniffed.equals("text/plain") || sniffed.equals(GENERIC)) && !ACTIVE.contains(declared)) {
                type = declared;   // a more precise name for the same kind of bytes (text/csv for text)
            }
        }
        if (!byName.equals(GENERIC) && !byName.equals(type) && !(plainText && textual(byName))
                && (!topLevel(byName).equals(topLevel(type)) || ACTIVE.contains(byName) || ACTIVE.contains(type))) {
            throw new ChatException(ErrorCode.FILE_TYPE_MISMATCH, "the file is named like " + byName + " but its bytes are " + type, "file", null);
        }
        if (kind == Files.Kind.IMAGE && !IMAGES.contains(type)) {
            throw new ChatException(ErrorCode.FILE_TYPE_NOT_ALLOWED, "images must be PNG, JPEG or GIF; this is " + type, "file", null);
        }
        String refusal = policy.refusal(type, extension(name));
        if (refusal != null) {
            throw new ChatException(ErrorCode.FILE_TYPE_NOT_ALLOWED, refusal, "file", null);
        }
        return type;
    }

    private static final Set<String> WEBM = Set.of("audio/webm", "video/webm");
    private static final Set<String> MATROSKA = Set.of("application/x-matroska", "video/x-matroska", "video/webm", "audio/webm");

    /**
     * Tika's core magic may say only "Matroska" of a WebM file (what browsers' MediaRecorder writes): the EBML header's
     * DocType element (ID 0x4282) says "webm".
     */
    static String webm(byte[] head, String sniffed) {
        if (!MATROSKA.contains(sniffed) || head.length < 8 || (head[0] & 0xFF) != 0x1A || (head[1] & 0xFF) != 0x45
                || (head[2] & 0xFF) != 0xDF || (head[3] & 0xFF) != 0xA3) {
            return sniffed;
        }
        for (int i = 4; i + 6 < Math.min(head.length, 64); i++) {
            if ((head[i] & 0xFF) == 0x42 && (head[i + 1] & 0xFF) == 0x82 && (head[i + 2] & 0xFF) == 0x84
                    && head[i + 3] == 'w' && head[i + 4] == 'e' && head[i + 5] == 'b' && head[i + 6] == 'm') {
                return "video/webm";
            }
        }
        return sniffed;
    }

    /** Tika's core magic says only "Ogg": the first packet tells audio (Opus, Vorbis) from video (Theora). */
    private static String ogg(byte[] head, String sniffed) {
        if (!sniffed.equals("application/ogg") || head.length < 36) {
            return sniffed;
        }
        String first = new String(head, 28, 8, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (first.equals("OpusHead") || first.startsWith("\u0001vorbis")) {
            return "audio/ogg";
        }
        return first.startsWith("\u0080theora") ? "video/ogg" : sniffed;
    }

    static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot <= 0 || dot == name.length() - 1 ? null : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static String base(String type) {
        int semi = type.indexOf(';');
        String t = (semi < 0 ? type : type.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
        return t.matches("[a-z0-9.+-]{1,64}/[a-z0-9.+-]{1,128}") ? t : GENERIC;
    }

    private static String topLevel(String type) {
        return type.substring(0, type.indexOf('/'));
    }
}
