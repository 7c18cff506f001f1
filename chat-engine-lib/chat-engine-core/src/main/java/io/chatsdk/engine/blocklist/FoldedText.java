package io.chatsdk.engine.blocklist;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * The one normalisation that blocklist words and message text both go through, and the tokeniser that
 * splits the result into words. The rules are stated on {@link BlocklistMatcher}; this class keeps them in
 * one place so that a word and a text can never be folded differently. Message search folds and splits text with it
 * too, so a word found by the blocklists is the word search finds. Stateless.
 */
public final class FoldedText {
    private FoldedText() {
    }

    /**
     * NFKC, then full case folding (upper then lower case, ß as ss, final sigma as plain sigma), then NFD, then
     * dropping combining marks and default-ignorable code points, then NFC (which only recomposes Hangul
     * syllables, as every mark is gone).
     */
    public static String fold(String text) {
        String s = Normalizer.normalize(text, Normalizer.Form.NFKC);
        // Upper then lower folds ß and ẞ to ss and the dotless ı to i, which toLowerCase alone leaves apart.
        s = s.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
        // Capital ẞ upper-cases to itself and lower-cases to ß, which the first pass already turned into ss.
        s = s.replace("ß", "ss");
        // toLowerCase writes σ or ς depending on the letters around it, which stripping may change later.
        s = s.replace('ς', 'σ');
        s = Normalizer.normalize(s, Normalizer.Form.NFD);
        StringBuilder kept = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (!isDropped(cp)) {
                kept.appendCodePoint(cp);
            }
            i += Character.charCount(cp);
        }
        return Normalizer.normalize(kept, Normalizer.Form.NFC);
    }

    /** Combining marks (so accents fold to the base letter) and invisible code points. */
    static boolean isDropped(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK || type == Character.FORMAT || isDefaultIgnorable(cp);
    }

    /**
     * Unicode's Default_Ignorable_Code_Point ranges (DerivedCoreProperties.txt) that are not already
     * format characters or marks: Hangul fillers, which render as nothing and are letters by category, and
     * the reserved ignorable ranges, so that code points assigned there later stay invisible to matching.
     */
    private static boolean isDefaultIgnorable(int cp) {
        return cp == 0x115F || cp == 0x1160 || cp == 0x3164 || cp == 0xFFA0
                || (cp >= 0x2060 && cp <= 0x206F) || (cp >= 0xFFF0 && cp <= 0xFFF8)
                || (cp >= 0xE0000 && cp <= 0xE0FFF);
    }

    /**
     * Letters and numbers of any script. Everything else (spaces, punctuation, symbols, emoji) separates
     * words.
     */
    static boolean isWordChar(int cp) {
        if (Character.isLetterOrDigit(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER;
    }

    /**
     * Scripts written without spaces between words whose every character is a word or morpheme of its own:
     * each such character is a token, so that a Chinese or Japanese entry matches inside a sentence.
     */
    static boolean isStandalone(int cp) {
        Character.UnicodeScript script = Character.UnicodeScript.of(cp);
        return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA;
    }

    /** The words of a text, folded, in order: what the blocklists and message search match. */
    public static java.util.List<String> words(String text) {
        Tokens t = tokenize(fold(text));
        return java.util.Arrays.asList(t.words);
    }

    /** Splits a folded text into its words. */
    static Tokens tokenize(String folded) {
        List<String> words = new ArrayList<>();
        BitSet spaced = new BitSet();
        int i = 0;
        int previousEnd = -1;       // end of the previous token, -1 before the first
        boolean previousSingle = false;
        while (i < folded.length()) {
            int cp = folded.codePointAt(i);
            if (!isWordChar(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            int start = i;
            i += Character.charCount(cp);
            if (!isStandalone(cp)) {
                while (i < folded.length()) {
                    int next = folded.codePointAt(i);
                    if (!isWordChar(next) || isStandalone(next)) {
                        break;
                    }
                    i += Character.charCount(next);
                }
            }
            boolean single = i - start == Character.charCount(cp);
            if (single && previousSingle && folded.codePointCount(previousEnd, start) == 1) {
                spaced.set(words.size());
            }
            words.add(folded.substring(start, i));
            previousEnd = i;
            previousSingle = single;
        }
        return new Tokens(words.toArray(String[]::new), spaced);
    }

    /**
     * The words of a folded text, in order. Word {@code i} is <em>spaced after the previous</em> when it and
     * word {@code i - 1} are both a single code point and exactly one code point separates them: a link in a
     * spaced-out word such as {@code b a d}. Owned by one caller; not shared between threads.
     */
    static final class Tokens {
        private final String[] words;
        private final BitSet spaced;

        private Tokens(String[] words, BitSet spaced) {
            this.words = words;
            this.spaced = spaced;
        }

        int size() {
            return words.length;
        }

        String word(int index) {
            return words[index];
        }

        boolean spacedAfterPrevious(int index) {
            return spaced.get(index);
        }
    }
}
