package io.chatsdk.engine.redact;

/**
 * How the detectors see a code point. Detection works on the original string, code point by code point,
 * instead of on a normalised copy, so every offset it reports is an offset into the original text:
 * <ul>
 *   <li>a <em>digit</em> is any Unicode decimal digit ({@link Character#digit(int, int)}), so fullwidth
 *       {@code ４}, Arabic-Indic and mathematical digits count like ASCII ones;</li>
 *   <li>a <em>transparent</em> code point (combining marks, zero-width and other format characters, variation
 *       selectors, the keycap mark) is skipped, because it is invisible or decorates the digit before it and
 *       would otherwise let a card number with zero-width spaces between its digits slip past;</li>
 *   <li>a <em>separator</em> is a single space or dash, including their Unicode look-alikes.</li>
 * </ul>
 */
final class CodePoints {
    private CodePoints() {
    }

    /** The decimal value of a Unicode decimal digit, or -1. */
    static int digit(int cp) {
        return Character.digit(cp, 10);
    }

    static boolean isTransparent(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                || type == Character.COMBINING_SPACING_MARK || type == Character.FORMAT;
    }

    /** Letters and numbers of any script: what makes a digit run part of a longer word. */
    static boolean isWordChar(int cp) {
        if (Character.isLetterOrDigit(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER;
    }

    static boolean isSeparator(int cp) {
        return switch (cp) {
            // space, no-break space, figure space, narrow no-break space, ideographic space
            case ' ', '\u00A0', '\u2007', '\u202F', '\u3000' -> true;
            // hyphen-minus, hyphen, non-breaking hyphen, figure dash, en dash, minus sign, fullwidth hyphen-minus
            case '-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2212', '\uFF0D' -> true;
            default -> false;
        };
    }

    /**
     * The upper-case ASCII form of a Latin letter or decimal digit (ASCII or fullwidth letters, any decimal
     * digit), or -1: what an IBAN may be made of.
     */
    static int asciiAlnum(int cp) {
        int d = digit(cp);
        if (d >= 0) {
            return '0' + d;
        }
        if (cp >= 'a' && cp <= 'z') {
            return cp - 'a' + 'A';
        }
        if (cp >= 'A' && cp <= 'Z') {
            return cp;
        }
        if (cp >= '\uFF21' && cp <= '\uFF3A') {
            return cp - '\uFF21' + 'A';
        }
        if (cp >= '\uFF41' && cp <= '\uFF5A') {
            return cp - '\uFF41' + 'A';
        }
        return -1;
    }

    /** Index of the first code point at or after {@code from} that is not transparent, or {@code text.length()}. */
    static int skipTransparent(String text, int from) {
        int i = from;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            if (!isTransparent(cp)) {
                return i;
            }
            i += Character.charCount(cp);
        }
        return i;
    }

    /** The last code point before {@code index} that is not transparent, or -1 at the start of the text. */
    static int previousVisible(String text, int index) {
        int i = index;
        while (i > 0) {
            int cp = text.codePointBefore(i);
            if (!isTransparent(cp)) {
                return cp;
            }
            i -= Character.charCount(cp);
        }
        return -1;
    }
}
