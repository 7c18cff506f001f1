package io.chatsdk.engine.redact;

import java.util.List;

/**
 * Writes the masked form of a text. Card numbers keep their first 6 and last 4 digits (the most PCI DSS 3.4.1
 * lets be displayed), SSNs their last 4 digits, IBANs their country code and last 4 characters; every other
 * digit or letter of those becomes {@code *} while separators stay, so {@code 4111 1111 1111 1111} becomes
 * {@code 4111 11** **** 1111}. E-mail addresses, phone numbers and custom matches are replaced whole by
 * {@code [email]}, {@code [phone]} and {@code [<name>]}. Stateless.
 */
final class Masks {
    private Masks() {
    }

    /** The text with every finding masked; findings must be sorted by start and must not overlap. */
    static String apply(String text, List<Finding> findings) {
        if (findings.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        for (Finding finding : findings) {
            out.append(text, at, finding.start());
            String match = text.substring(finding.start(), finding.end());
            switch (finding.kind()) {
                case CARD -> keep(out, match, 6, 4, false);
                case SSN -> keep(out, match, 0, 4, false);
                case IBAN -> keep(out, match, 2, 4, true);
                case EMAIL -> out.append("[email]");
                case PHONE -> out.append("[phone]");
                case CUSTOM -> out.append('[').append(finding.patternName()).append(']');
            }
            at = finding.end();
        }
        return out.append(text, at, text.length()).toString();
    }

    /**
     * Appends {@code match} keeping its first {@code head} and last {@code tail} significant code points
     * (digits, or digits and Latin letters when {@code letters}) and starring the other significant ones.
     */
    private static void keep(StringBuilder out, String match, int head, int tail, boolean letters) {
        int total = 0;
        for (int i = 0; i < match.length(); ) {
            int cp = match.codePointAt(i);
            total += significant(cp, letters) ? 1 : 0;
            i += Character.charCount(cp);
        }
        int seen = 0;
        for (int i = 0; i < match.length(); ) {
            int cp = match.codePointAt(i);
            if (significant(cp, letters)) {
                seen++;
                if (seen <= head || seen > total - tail) {
                    out.appendCodePoint(cp);
                } else {
                    out.append('*');
                }
            } else {
                out.appendCodePoint(cp);
            }
            i += Character.charCount(cp);
        }
    }

    private static boolean significant(int cp, boolean letters) {
        return letters ? CodePoints.asciiAlnum(cp) >= 0 : CodePoints.digit(cp) >= 0;
    }
}
