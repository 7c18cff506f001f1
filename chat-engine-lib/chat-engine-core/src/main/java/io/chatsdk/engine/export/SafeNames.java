package io.chatsdk.engine.export;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Turns ids that may hold any character into names a stricter syntax accepts: e-mail local parts and
 * message ids, DNS labels, ZIP entry segments. Ids come from tenants, so nothing here may let an id
 * escape its slot (no {@code /}, {@code ..}, {@code @}, spaces or line breaks survive). Stateless.
 *
 * <p>Letters, digits, {@code _} and {@code -} are kept; every other UTF-8 byte becomes an escape
 * character and two upper-case hex digits, so distinct ids stay distinct. A name that would be too long
 * is cut and ends with {@code _} and 16 hex digits of the id's SHA-256, which keeps it unique.
 */
final class SafeNames {
    /** RFC 5321 limit of a mailbox local part. */
    static final int LOCAL_PART_MAX = 64;
    /** Keeps ZIP entry segments well under the 255 bytes file systems allow per path component. */
    static final int ZIP_SEGMENT_MAX = 100;
    private static final String SYNTHETIC_DOMAIN = ".chatsdk.invalid";
    private static final int HASH_HEX = 16;

    private SafeNames() {
    }

    /**
     * A valid dot-atom local part for {@code id}: {@code =XX} escapes ({@code =} is allowed in an
     * address, and reads like quoted-printable), at most 64 characters.
     */
    static String localPart(String id) {
        return encode(id, '=', LOCAL_PART_MAX);
    }

    /**
     * The mailbox domain of an app: {@code <app>.chatsdk.invalid}. {@code .invalid} (RFC 2606) can never
     * resolve, so no archive can send mail to these addresses by mistake.
     */
    static String domain(String appId) {
        StringBuilder label = new StringBuilder(Math.min(appId.length(), 63));
        for (char c : appId.toLowerCase(Locale.ROOT).toCharArray()) {
            boolean letterOrDigit = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            // a label may not start with '-'
            if (letterOrDigit || label.length() > 0) {
                label.append(letterOrDigit ? c : '-');
            }
        }
        label.setLength(Math.min(label.length(), 63));
        // nor end with it
        while (label.length() > 0 && label.charAt(label.length() - 1) == '-') {
            label.setLength(label.length() - 1);
        }
        return (label.length() == 0 ? "app" : label) + SYNTHETIC_DOMAIN;
    }

    /** The synthetic mailbox of a user: {@code localPart(userId)@domain(appId)}. */
    static String mailbox(String appId, String userId) {
        return localPart(userId) + '@' + domain(appId);
    }

    /** An RFC 5322 msg-id, angle brackets included, for {@code id} within the app. */
    static String messageId(String appId, String id) {
        return '<' + localPart(id) + '@' + domain(appId) + '>';
    }

    /** One path segment of a ZIP entry: {@code %XX} escapes, no dots (so no {@code ..}), no slashes. */
    static String zipSegment(String id) {
        return encode(id, '%', ZIP_SEGMENT_MAX);
    }

    private static String encode(String id, char escape, int maxLength) {
        StringBuilder out = new StringBuilder(id.length() + 8);
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean kept = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-';
            if (kept) {
                out.append((char) c);
            } else {
                out.append(escape).append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        if (out.length() <= maxLength) {
            return out.toString();
        }
        int cut = maxLength - HASH_HEX - 1;
        // never split an escape: hex digits are never the escape character
        if (out.charAt(cut - 1) == escape) {
            cut -= 1;
        } else if (out.charAt(cut - 2) == escape) {
            cut -= 2;
        }
        return out.substring(0, cut) + '_' + sha256Hex(id).substring(0, HASH_HEX);
    }

    private static String sha256Hex(String id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
