package io.chatsdk.engine.redact;

import java.util.List;
import java.util.Map;

/**
 * Finds international bank account numbers: a two-letter country code, two check digits and the country's
 * BBAN, exactly as long as the IBAN registry says for that country, either unbroken
 * ({@code DE89370400440532013000}) or printed in groups of four separated by single spaces or dashes
 * ({@code DE89 3704 0044 0532 0130 00}), not glued to further letters or digits, with the ISO 7064 mod-97
 * check equal to 1. Letters may be lower-case or fullwidth, digits any decimal digits. Stateless.
 */
final class Ibans {
    /** IBAN length per country, from the SWIFT IBAN registry (89 countries in 2025). */
    static final Map<String, Integer> LENGTHS = Map.ofEntries(
            Map.entry("AD", 24), Map.entry("AE", 23), Map.entry("AL", 28), Map.entry("AT", 20), Map.entry("AZ", 28),
            Map.entry("BA", 20), Map.entry("BE", 16), Map.entry("BG", 22), Map.entry("BH", 22), Map.entry("BI", 27),
            Map.entry("BR", 29), Map.entry("BY", 28), Map.entry("CH", 21), Map.entry("CR", 22), Map.entry("CY", 28),
            Map.entry("CZ", 24), Map.entry("DE", 22), Map.entry("DJ", 27), Map.entry("DK", 18), Map.entry("DO", 28),
            Map.entry("EE", 20), Map.entry("EG", 29), Map.entry("ES", 24), Map.entry("FI", 18), Map.entry("FK", 18),
            Map.entry("FO", 18), Map.entry("FR", 27), Map.entry("GB", 22), Map.entry("GE", 22), Map.entry("GI", 23),
            Map.entry("GL", 18), Map.entry("GR", 27), Map.entry("GT", 28), Map.entry("HN", 28), Map.entry("HR", 21),
            Map.entry("HU", 28), Map.entry("IE", 22), Map.entry("IL", 23), Map.entry("IQ", 23), Map.entry("IS", 26),
            Map.entry("IT", 27), Map.entry("JO", 30), Map.entry("KW", 30), Map.entry("KZ", 20), Map.entry("LB", 28),
            Map.entry("LC", 32), Map.entry("LI", 21), Map.entry("LT", 20), Map.entry("LU", 20), Map.entry("LV", 21),
            Map.entry("LY", 25), Map.entry("MC", 27), Map.entry("MD", 24), Map.entry("ME", 22), Map.entry("MK", 19),
            Map.entry("MN", 20), Map.entry("MR", 27), Map.entry("MT", 31), Map.entry("MU", 30), Map.entry("NI", 28),
            Map.entry("NL", 18), Map.entry("NO", 15), Map.entry("OM", 23), Map.entry("PK", 24), Map.entry("PL", 28),
            Map.entry("PS", 29), Map.entry("PT", 25), Map.entry("QA", 29), Map.entry("RO", 24), Map.entry("RS", 22),
            Map.entry("RU", 33), Map.entry("SA", 24), Map.entry("SC", 31), Map.entry("SD", 18), Map.entry("SE", 24),
            Map.entry("SI", 19), Map.entry("SK", 24), Map.entry("SM", 27), Map.entry("SO", 23), Map.entry("ST", 25),
            Map.entry("SV", 28), Map.entry("TL", 23), Map.entry("TN", 24), Map.entry("TR", 26), Map.entry("UA", 29),
            Map.entry("VA", 22), Map.entry("VG", 24), Map.entry("XK", 20), Map.entry("YE", 30));
    static final int MAX_LENGTH = 34;
    private static final int GROUP = 4;

    private Ibans() {
    }

    static void find(String text, List<Finding> out) {
        char[] iban = new char[MAX_LENGTH];
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            // An IBAN starts a word: try only where the previous visible code point is no letter or digit.
            if (CodePoints.asciiAlnum(cp) >= 'A' && !CodePoints.isWordChar(CodePoints.previousVisible(text, i))) {
                int end = match(text, i, iban);
                if (end > 0) {
                    out.add(new Finding(DetectorKind.IBAN, null, i, end));
                    i = end;
                    continue;
                }
            }
            i += Character.charCount(cp);
        }
    }

    /** The end of a valid IBAN starting at {@code start}, or -1; {@code iban} is scratch space. */
    private static int match(String text, int start, char[] iban) {
        int length = -1;
        int count = 0;
        int sinceSeparator = 0;
        int end = start;
        int i = start;
        while (i < text.length() && count != length) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            int c = CodePoints.asciiAlnum(cp);
            if (c >= 0) {
                boolean letter = c >= 'A';
                if (count < 2 ? !letter : count < 4 && letter) {
                    return -1;
                }
                iban[count++] = (char) c;
                sinceSeparator++;
                end = next;
                if (count == 2) {
                    length = LENGTHS.getOrDefault(new String(iban, 0, 2), -1);
                    if (length < 0) {
                        return -1;
                    }
                }
            } else if (CodePoints.isSeparator(cp) && sinceSeparator == GROUP && count >= GROUP) {
                sinceSeparator = 0;
            } else if (!CodePoints.isTransparent(cp)) {
                break;
            }
            i = next;
        }
        if (count != length || CodePoints.isWordChar(nextVisible(text, end))) {
            return -1;
        }
        return mod97(iban, length) == 1 ? end : -1;
    }

    private static int nextVisible(String text, int from) {
        int at = CodePoints.skipTransparent(text, from);
        return at < text.length() ? text.codePointAt(at) : -1;
    }

    /** ISO 7064 MOD 97-10 of the IBAN moved to check order: BBAN, then country code and check digits. */
    static int mod97(char[] iban, int length) {
        int remainder = 0;
        for (int k = 0; k < length; k++) {
            char c = iban[(k + 4) % length];
            remainder = c <= '9'
                    ? (remainder * 10 + (c - '0')) % 97
                    : (remainder * 100 + (c - 'A' + 10)) % 97;
        }
        return remainder;
    }
}
