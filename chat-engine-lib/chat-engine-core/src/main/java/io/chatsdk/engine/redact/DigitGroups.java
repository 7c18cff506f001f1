package io.chatsdk.engine.redact;

import java.util.Arrays;

/**
 * The digit groups of a text, found in one linear pass: a group is a maximal run of word characters that are
 * all decimal digits (so digits glued to letters, as in {@code ID4111...}, form no group), and consecutive
 * groups separated by exactly one separator ({@link CodePoints#isSeparator}) form a chain, such as the four
 * groups of {@code 4111 1111 1111 1111}. Card numbers and SSNs are looked for inside chains. Not thread-safe;
 * built and used by one scan.
 */
final class DigitGroups {
    private int size;
    private int[] starts = new int[16];
    private int[] ends = new int[16];
    /** The separator joining group k to group k-1 of the same chain, or -1 where a chain starts. */
    private int[] separatorBefore = new int[16];
    /** Group k's digits are {@code digits[digitFrom[k] .. digitFrom[k+1])}. */
    private int[] digitFrom = new int[17];
    private byte[] digits;

    private DigitGroups(int capacity) {
        digits = new byte[capacity];
    }

    static DigitGroups of(String text) {
        DigitGroups groups = new DigitGroups(text.length());
        int i = 0;
        int previousEnd = -1;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            if (!CodePoints.isWordChar(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            int wordStart = i;
            int wordEnd = i;
            int digitCount = groups.digitFrom[groups.size];
            boolean allDigits = true;
            while (i < text.length()) {
                cp = text.codePointAt(i);
                if (!CodePoints.isTransparent(cp)) {
                    if (!CodePoints.isWordChar(cp)) {
                        break;
                    }
                    int d = CodePoints.digit(cp);
                    if (d < 0) {
                        allDigits = false;
                    } else if (allDigits) {
                        groups.digits[digitCount++] = (byte) d;
                    }
                    wordEnd = i + Character.charCount(cp);
                }
                i += Character.charCount(cp);
            }
            if (allDigits) {
                int separator = previousEnd < 0 ? -1 : soleSeparator(text, previousEnd, wordStart);
                groups.add(wordStart, wordEnd, separator, digitCount);
                previousEnd = wordEnd;
            } else {
                previousEnd = -1;
            }
        }
        return groups;
    }

    /** The separator if {@code text[from, to)} holds exactly one visible code point and it is one; else -1. */
    private static int soleSeparator(String text, int from, int to) {
        int at = CodePoints.skipTransparent(text, from);
        if (at >= to) {
            return -1;
        }
        int cp = text.codePointAt(at);
        if (!CodePoints.isSeparator(cp) || CodePoints.skipTransparent(text, at + Character.charCount(cp)) < to) {
            return -1;
        }
        return cp;
    }

    private void add(int start, int end, int separator, int digitEnd) {
        if (size == starts.length) {
            int capacity = size * 2;
            starts = Arrays.copyOf(starts, capacity);
            ends = Arrays.copyOf(ends, capacity);
            separatorBefore = Arrays.copyOf(separatorBefore, capacity);
            digitFrom = Arrays.copyOf(digitFrom, capacity + 1);
        }
        starts[size] = start;
        ends[size] = end;
        separatorBefore[size] = separator;
        size++;
        digitFrom[size] = digitEnd;
    }

    int size() {
        return size;
    }

    int start(int group) {
        return starts[group];
    }

    int end(int group) {
        return ends[group];
    }

    /** The separator joining {@code group} to the one before it in the same chain, or -1 if a chain starts here. */
    int separatorBefore(int group) {
        return separatorBefore[group];
    }

    int digitCount(int group) {
        return digitFrom[group + 1] - digitFrom[group];
    }

    /** Index into {@link #digits()} of the first digit of {@code group}; groups' digits are contiguous. */
    int digitFrom(int group) {
        return digitFrom[group];
    }

    /** Digit values of all groups, in order; shared, not copied. */
    byte[] digits() {
        return digits;
    }

    /** The number made of {@code group}'s digits; the group must be short enough for an int. */
    int value(int group) {
        int value = 0;
        for (int i = digitFrom[group]; i < digitFrom[group + 1]; i++) {
            value = value * 10 + digits[i];
        }
        return value;
    }
}
