package io.chatsdk.engine.types;

import java.util.regex.Pattern;

/** Input checks shared by every entry point; each failure names the field and the problem. */
public final class Validate {
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9@_\\-.]{1,255}");
    private static final Pattern CHANNEL_TYPE = Pattern.compile("[a-z0-9_\\-]{1,64}");
    private static final Pattern CHANNEL_ID = Pattern.compile("[A-Za-z0-9_\\-!]{1,64}");
    private static final Pattern MESSAGE_ID = Pattern.compile("[A-Za-z0-9_\\-:.]{1,255}");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_\\-]{1,64}");
    private static final Pattern NAME_LIKE = Pattern.compile("[a-z0-9_\\-]{1,64}");

    private Validate() {
    }

    public static String userId(String field, String value) {
        return matches(field, value, USER_ID, "may hold 1-255 of the characters a-z A-Z 0-9 @ _ - .");
    }

    public static String channelTypeName(String field, String value) {
        return matches(field, value, CHANNEL_TYPE, "may hold 1-64 of the characters a-z 0-9 _ -");
    }

    public static String channelId(String field, String value) {
        return matches(field, value, CHANNEL_ID, "may hold 1-64 of the characters a-z A-Z 0-9 _ - !");
    }

    public static String messageId(String field, String value) {
        return matches(field, value, MESSAGE_ID, "may hold 1-255 of the characters a-z A-Z 0-9 _ - : .");
    }

    /** Role and reaction-type names. */
    public static String name(String field, String value) {
        return matches(field, value, NAME_LIKE, "may hold 1-64 of the characters a-z 0-9 _ -");
    }

    /** Attachment types and similar identifiers: {@code image}, {@code voiceRecording}. */
    public static String token(String field, String value) {
        return matches(field, value, TOKEN, "may hold 1-64 of the characters a-z A-Z 0-9 _ -");
    }

    private static String matches(String field, String value, Pattern pattern, String rule) {
        if (value == null || value.isEmpty()) {
            throw ChatException.invalid(field, "is required");
        }
        if (!pattern.matcher(value).matches()) {
            throw ChatException.invalid(field, rule);
        }
        return value;
    }

    /**
     * Checks free text (names, message text): well-formed UTF-16 (no lone surrogates, which PostgreSQL's
     * UTF-8 cannot hold and the driver would silently turn into '?'), no NUL and no control characters other
     * than tab, line feed and carriage return, and at most {@code maxLength} code points.
     */
    public static String text(String field, String value, int maxLength) {
        if (value == null) {
            return null;
        }
        int codePoints = 0;
        for (int i = 0; i < value.length(); ) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    throw ChatException.invalid(field, "contains a lone surrogate at index " + i + " (broken Unicode)");
                }
                i += 2;
            } else if (Character.isLowSurrogate(c)) {
                throw ChatException.invalid(field, "contains a lone surrogate at index " + i + " (broken Unicode)");
            } else {
                if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
                    throw ChatException.invalid(field, "contains control character U+" + String.format("%04X", (int) c) + " at index " + i);
                }
                i++;
            }
            codePoints++;
        }
        if (codePoints > maxLength) {
            throw ChatException.invalid(field, "is " + codePoints + " characters long; the limit is " + maxLength);
        }
        return value;
    }

    public static int range(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw ChatException.invalid(field, "must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    /** An absolute http(s) URL of at most 2048 characters, or null: never {@code javascript:}, {@code data:} or a relative link. */
    public static String httpUrl(String field, String value) {
        if (value == null) {
            return null;
        }
        text(field, value, 2048);
        try {
            java.net.URI uri = new java.net.URI(value);
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http")) || uri.getHost() == null) {
                throw ChatException.invalid(field, "must be an absolute http(s) URL");
            }
        } catch (java.net.URISyntaxException e) {
            throw ChatException.invalid(field, "is not a valid URL");
        }
        return value;
    }

    /** Custom keys whose values clients render as links: {@code *_url}, {@code *_link} and {@code url}. */
    public static boolean isLinkField(String key) {
        return key.equals("url") || key.endsWith("_url") || key.endsWith("_link");
    }
}
