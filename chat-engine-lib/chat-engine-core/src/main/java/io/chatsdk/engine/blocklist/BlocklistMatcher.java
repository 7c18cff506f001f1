package io.chatsdk.engine.blocklist;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Checks message text against the {@link Blocklist}s attached to one channel type and reports the strongest
 * match, which the caller turns into a flag, a refusal or a shadowed message.
 *
 * <pre>{@code
 * BlocklistMatcher matcher = new BlocklistMatcher(List.of(
 *         new Blocklist("insults", BlocklistBehavior.FLAG, List.of("idiot"), List.of()),
 *         new Blocklist("slurs", BlocklistBehavior.BLOCK, List.of("bad", "bad word"), List.of("b[a@4]+d"))));
 * matcher.match("ＢÁＤ!");        // Optional[BlocklistMatch[listName=slurs, behavior=BLOCK, kind=WORD]]
 * matcher.match("a classic");    // Optional.empty
 * }</pre>
 *
 * <h2>Normalisation</h2>
 * Words and text are normalised by the same steps, so that look-alike spellings meet:
 * <ol>
 *   <li>NFKC: fullwidth {@code ＢＡＤ}, ligatures, superscripts and circled letters become plain letters;</li>
 *   <li>case folding: upper case, then lower case ({@link java.util.Locale#ROOT}), then final sigma
 *       {@code ς} as {@code σ}; so {@code ß} and {@code ẞ} match {@code ss}, the Turkish dotless {@code ı}
 *       and dotted {@code İ} match {@code i}, and Greek matches whatever letter the sender chose at a word's
 *       end;</li>
 *   <li>NFD, then every combining mark (categories Mn, Mc, Me) and every default-ignorable or format
 *       character (zero-width space and joiners, word joiner, soft hyphen, byte order mark, variation
 *       selectors, Hangul fillers, tag characters) is removed, then NFC. Accented letters therefore match
 *       their base letter ({@code bád}, {@code BÁD}, and {@code bad} written with combining accents U+0301 or
 *       U+0308 all match {@code bad}) and invisible characters inside a word do not split it ({@code bad}
 *       with a zero-width space U+200B after its {@code b} matches {@code bad}).
 *       This is deliberate, for resistance to evasion, and it applies to every script: Indic vowel signs,
 *       Thai vowels, Hebrew points and Japanese voicing marks are removed too, so entries in those
 *       scripts match a little more widely (for example {@code バカ} also matches {@code ハカ}).</li>
 * </ol>
 * Not covered: look-alike letters of other scripts (Cyrillic {@code а} for Latin {@code a}) and digit
 * substitutions ({@code b4d}); use patterns such as {@code b[a@4]d} for the latter.
 *
 * <h2>Words</h2>
 * The normalised text is split into words: runs of letters and digits of any script, where every other
 * code point (space, punctuation, symbol, emoji) is a boundary; each Han, Hiragana or Katakana character is a
 * word of its own, because Chinese and Japanese are written without spaces. A word entry matches when its
 * words appear in a row, so {@code ass} does not match {@code classic}, and {@code bad word} matches
 * {@code bad word}, {@code bad, word} and {@code BAD\n--word}. Thai, Lao, Khmer and Burmese, also written
 * without spaces, are split only at spaces and punctuation: use patterns for entries in those scripts.
 *
 * <p>Spaced-out letters: where single-character words are separated by exactly one non-letter each, as in
 * {@code b a d}, {@code b.a.d} or {@code b-a-d}, the run is also read without the separators, and an entry
 * of three or more letters (its words joined) matches any stretch of the run. So {@code b a d}, {@code a b a d}
 * and {@code b a d w o r d} (for {@code bad word}) match, and, intentionally, {@code a b c} matches the
 * entry {@code abc}. Two-letter entries are not matched this way, nor are runs with wider gaps
 * ({@code b  a  d}) or with longer words ({@code ba d}).
 *
 * <h2>Patterns</h2>
 * Each pattern runs once ({@code find()}) with RE2J, case-insensitively, on the normalised text, not on the
 * text as sent and not on the spaced-out reading; the first match is all that is looked at, and an empty
 * first match does not count (see {@link Blocklist} for which patterns are refused).
 *
 * <h2>Which match is reported</h2>
 * The strongest behaviour wins: {@code block}, then {@code shadow}, then {@code flag}. Among lists of the
 * same behaviour the one listed first wins, and within a list its words come before its patterns. Patterns
 * of a list only run when no stronger list has already matched.
 *
 * <h2>Limits and cost</h2>
 * A text longer than {@value #MAX_TEXT_LENGTH} characters (UTF-16) is matched on its first
 * {@value #MAX_TEXT_LENGTH} only, cut before a split surrogate pair; the engine limits message length well
 * below that. Matching time is linear in the text length whatever the lists: normalising and splitting take
 * one pass each; words cost at most one hash lookup per text word per word of the longest entry (an entry
 * normalises to at most {@value Blocklist#MAX_FOLDED_WORD_LENGTH} characters, whatever the number of
 * entries); each pattern costs at most one step per text character per instruction (at most
 * {@value Blocklist#MAX_PROGRAM_SIZE}), since RE2J does not backtrack.
 *
 * <p>Immutable and thread-safe: build one per set of lists (building normalises every word and compiles every
 * pattern) and share it between threads. {@link #match} does not block and allocates only per call.
 */
public final class BlocklistMatcher {
    /** Longest prefix of a text that is matched, in UTF-16 characters. */
    public static final int MAX_TEXT_LENGTH = 100_000;
    /** Shortest entry, in letters, that matches spaced-out letters. */
    static final int MIN_SPACED_LETTERS = 3;

    private final List<Blocklist> lists;
    /** The lists by precedence: strongest behaviour first, then in the order given. */
    private final Ranked[] ranked;
    private final WordTrie words = new WordTrie();
    private final WordTrie spacedWords = new WordTrie();

    /**
     * Builds a matcher for the lists attached to one channel type, in their attachment order (which breaks
     * ties between lists of the same behaviour). An empty list of lists matches nothing.
     *
     * @throws IllegalArgumentException naming {@code lists[i]} for a null list or a repeated name
     */
    public BlocklistMatcher(List<Blocklist> lists) {
        Objects.requireNonNull(lists, "lists");
        Set<String> names = new HashSet<>();
        for (int i = 0; i < lists.size(); i++) {
            if (lists.get(i) == null) {
                throw new IllegalArgumentException("lists[" + i + "]: must not be null");
            }
            if (!names.add(lists.get(i).name())) {
                throw new IllegalArgumentException("lists[" + i + "].name: repeats an earlier name");
            }
        }
        this.lists = List.copyOf(lists);
        List<Blocklist> byPrecedence = new ArrayList<>(this.lists);
        // List.sort is stable, so lists of the same behaviour keep their order.
        byPrecedence.sort(Comparator.comparingInt((Blocklist list) -> list.behavior().strength()).reversed());
        this.ranked = new Ranked[byPrecedence.size()];
        for (int rank = 0; rank < ranked.length; rank++) {
            Blocklist list = byPrecedence.get(rank);
            Pattern[] patterns = new Pattern[list.patterns().size()];
            for (int i = 0; i < patterns.length; i++) {
                patterns[i] = BlocklistPattern.compile("patterns[" + i + "]", list.patterns().get(i));
            }
            ranked[rank] = new Ranked(new BlocklistMatch(list.name(), list.behavior(), BlocklistMatch.Kind.WORD),
                    new BlocklistMatch(list.name(), list.behavior(), BlocklistMatch.Kind.PATTERN), patterns);
            for (String word : list.words()) {
                addWord(word, rank);
            }
        }
    }

    /** The lists this matcher was built from, in the order given. */
    public List<Blocklist> lists() {
        return lists;
    }

    /**
     * The strongest match of the text against the lists, by the rules in the class comment, or empty.
     * The result names the list and whether a word or a pattern matched, never the text.
     */
    public Optional<BlocklistMatch> match(String text) {
        Objects.requireNonNull(text, "text");
        if (ranked.length == 0) {
            return Optional.empty();
        }
        String folded = FoldedText.fold(cap(text));
        int best = WordTrie.NONE;
        if (!words.isEmpty()) {
            FoldedText.Tokens tokens = FoldedText.tokenize(folded);
            best = matchWords(tokens);
            if (best > 0 && !spacedWords.isEmpty()) {
                best = matchSpaced(tokens, best);
            }
        }
        for (int rank = 0; rank < ranked.length; rank++) {
            if (rank == best) {
                return Optional.of(ranked[rank].wordMatch());
            }
            for (Pattern pattern : ranked[rank].patterns()) {
                Matcher matcher = pattern.matcher(folded);
                if (matcher.find() && matcher.end() > matcher.start()) {
                    return Optional.of(ranked[rank].patternMatch());
                }
            }
        }
        return Optional.empty();
    }

    private void addWord(String word, int rank) {
        FoldedText.Tokens tokens = FoldedText.tokenize(FoldedText.fold(word));
        String[] path = new String[tokens.size()];
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < path.length; i++) {
            path[i] = tokens.word(i);
            joined.append(path[i]);
        }
        words.add(path, rank);
        if (joined.codePointCount(0, joined.length()) >= MIN_SPACED_LETTERS) {
            spacedWords.add(joined.codePoints().mapToObj(Character::toString).toArray(String[]::new), rank);
        }
    }

    /** Best rank of an entry starting at any word; stops at rank 0, which nothing beats. */
    private int matchWords(FoldedText.Tokens tokens) {
        int best = WordTrie.NONE;
        for (int start = 0; start < tokens.size() && best > 0; start++) {
            best = words.walk(tokens, start, tokens.size(), best);
        }
        return best;
    }

    /** Best rank of an entry read across a run of spaced-out letters, or {@code best} if that is better. */
    private int matchSpaced(FoldedText.Tokens tokens, int best) {
        int i = 1;
        while (i < tokens.size() && best > 0) {
            if (!tokens.spacedAfterPrevious(i)) {
                i++;
                continue;
            }
            int runStart = i - 1;
            int runEnd = i + 1;
            while (runEnd < tokens.size() && tokens.spacedAfterPrevious(runEnd)) {
                runEnd++;
            }
            for (int start = runStart; start <= runEnd - MIN_SPACED_LETTERS && best > 0; start++) {
                best = spacedWords.walk(tokens, start, runEnd, best);
            }
            i = runEnd + 1;
        }
        return best;
    }

    /** The first {@link #MAX_TEXT_LENGTH} characters, without the high half of a split surrogate pair. */
    static String cap(String text) {
        if (text.length() <= MAX_TEXT_LENGTH) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(MAX_TEXT_LENGTH - 1)) ? MAX_TEXT_LENGTH - 1 : MAX_TEXT_LENGTH;
        return text.substring(0, end);
    }

    /** One list at its precedence rank, with its two possible results built once. */
    private record Ranked(BlocklistMatch wordMatch, BlocklistMatch patternMatch, Pattern[] patterns) {
    }
}
