package io.chatsdk.engine.blocklist;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A named list of words and regular expressions that an app attaches to channel types, and what to do with
 * a message that matches it. How words and patterns are matched is described on {@link BlocklistMatcher}.
 *
 * <pre>{@code
 * Blocklist profanity = new Blocklist("profanity", BlocklistBehavior.BLOCK,
 *         List.of("bad", "bad word"), List.of("b[a@4]+d"));
 * }</pre>
 *
 * <p>Every component is validated on construction, with an {@link IllegalArgumentException} whose message
 * starts with the field path and never repeats the rejected value:
 * <ul>
 *   <li>{@code name}: 1 to {@value #MAX_NAME_LENGTH} of the characters {@code a-z 0-9 _ -};</li>
 *   <li>{@code behavior}: required;</li>
 *   <li>{@code words}: at most {@value #MAX_WORDS}; each one is stripped of leading and trailing white space
 *       (the stripped form is kept), then must hold 1 to {@value #MAX_WORD_LENGTH} characters, at least one
 *       letter or digit once normalised, and at most {@value #MAX_FOLDED_WORD_LENGTH} characters once
 *       normalised (NFKC expands a few characters, such as U+FDFA, into many). An entry of several words
 *       ({@code "bad word"}) matches those words in a row; punctuation inside an entry separates words too,
 *       so {@code "don't"} is the two words {@code don} and {@code t}. Repeated entries are harmless;</li>
 *   <li>{@code patterns}: at most {@value #MAX_PATTERNS}, each an RE2 expression (no back-references, no
 *       look-around) of at most {@value #MAX_PATTERN_LENGTH} characters that compiles with RE2J to at most
 *       {@value #MAX_PROGRAM_SIZE} instructions (so {@code (?:[a-z]{40}){40}} is refused) and cannot match
 *       the empty string (so {@code x*}, {@code ^} and {@code \b} are refused). Patterns are
 *       case-insensitive and run on the normalised text: write them without accents, e.g.
 *       {@code b[a@4]+d}, not {@code b[aá]d}.</li>
 * </ul>
 *
 * <p>Stored as JSON through {@link #toMap()} and {@link #fromMap(Map)}:
 * <pre>{@code
 * {"name": "profanity", "behavior": "block", "words": ["bad", "bad word"], "patterns": ["b[a@4]+d"]}
 * }</pre>
 *
 * Immutable and thread-safe. Construction compiles every pattern and normalises every word once to vet
 * them; a {@link BlocklistMatcher} does it again when it is built.
 *
 * @param name identifies the list within its app
 * @param behavior what happens to a matching message
 * @param words words and phrases matched on word boundaries, stripped; unmodifiable
 * @param patterns regular expressions matched anywhere in the normalised text; unmodifiable
 */
public record Blocklist(String name, BlocklistBehavior behavior, List<String> words, List<String> patterns) {
    public static final int MAX_NAME_LENGTH = 64;
    public static final int MAX_WORDS = 10_000;
    /** Longest word entry, in UTF-16 characters after stripping white space. */
    public static final int MAX_WORD_LENGTH = 100;
    /** Longest word entry once normalised; bounds how far one matching step can look ahead. */
    public static final int MAX_FOLDED_WORD_LENGTH = 200;
    public static final int MAX_PATTERNS = 50;
    /** Longest expression, in UTF-16 characters. */
    public static final int MAX_PATTERN_LENGTH = 300;
    /**
     * Largest accepted RE2J program. Matching costs up to one step per instruction per character, so this
     * bounds the cost of one pattern on a long message.
     */
    public static final int MAX_PROGRAM_SIZE = 1_000;

    private static final List<String> KEYS = List.of("name", "behavior", "words", "patterns");

    public Blocklist {
        checkName(name);
        if (behavior == null) {
            throw new IllegalArgumentException("behavior: is required");
        }
        words = checkWords(words);
        patterns = checkPatterns(patterns);
    }

    /** The JSON form: keys {@code name}, {@code behavior} (its wire name), {@code words}, {@code patterns}. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", name);
        map.put("behavior", behavior.wire());
        map.put("words", words);
        map.put("patterns", patterns);
        return Collections.unmodifiableMap(map);
    }

    /**
     * Reads the JSON form written by {@link #toMap()}. {@code name} and {@code behavior} are required;
     * a missing or {@code null} {@code words} or {@code patterns} is an empty list. An unknown key is an
     * error, so that a misspelt field is not silently ignored.
     *
     * @throws IllegalArgumentException whose message starts with the path of the offending field, e.g.
     *     {@code words[12]: must not be blank} or {@code colour: is not a blocklist field (...)}
     */
    public static Blocklist fromMap(Map<String, ?> map) {
        Objects.requireNonNull(map, "map");
        for (Object key : map.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(key + ": is not a blocklist field"
                        + " (expected name, behavior, words, patterns)");
            }
        }
        Object name = map.get("name");
        if (name != null && !(name instanceof String)) {
            throw new IllegalArgumentException("name: must be a string");
        }
        Object behavior = map.get("behavior");
        if (behavior == null) {
            throw new IllegalArgumentException("behavior: is required");
        }
        if (!(behavior instanceof String wire)) {
            throw new IllegalArgumentException("behavior: must be a string");
        }
        return new Blocklist((String) name, BlocklistBehavior.fromWire("behavior", wire),
                strings("words", map.get("words")), strings("patterns", map.get("patterns")));
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("name: is required");
        }
        boolean valid = name.length() <= MAX_NAME_LENGTH;
        for (int i = 0; valid && i < name.length(); i++) {
            char c = name.charAt(i);
            valid = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        }
        if (!valid) {
            throw new IllegalArgumentException("name: may hold 1-" + MAX_NAME_LENGTH + " of the characters a-z 0-9 _ -");
        }
    }

    private static List<String> checkWords(List<String> words) {
        if (words == null) {
            throw new IllegalArgumentException("words: is required (may be empty)");
        }
        if (words.size() > MAX_WORDS) {
            throw new IllegalArgumentException("words: at most " + MAX_WORDS + " allowed, got " + words.size());
        }
        List<String> stripped = new ArrayList<>(words.size());
        for (int i = 0; i < words.size(); i++) {
            stripped.add(checkWord("words[" + i + "]", words.get(i)));
        }
        return Collections.unmodifiableList(stripped);
    }

    /** Validates one word entry and returns it stripped. */
    private static String checkWord(String field, String word) {
        if (word == null) {
            throw new IllegalArgumentException(field + ": must not be null");
        }
        String stripped = word.strip();
        if (stripped.isEmpty()) {
            throw new IllegalArgumentException(field + ": must not be blank");
        }
        if (stripped.length() > MAX_WORD_LENGTH) {
            throw new IllegalArgumentException(field + ": is longer than " + MAX_WORD_LENGTH + " characters");
        }
        String folded = FoldedText.fold(stripped);
        if (folded.length() > MAX_FOLDED_WORD_LENGTH) {
            throw new IllegalArgumentException(field + ": is longer than " + MAX_FOLDED_WORD_LENGTH
                    + " characters once normalised");
        }
        if (FoldedText.tokenize(folded).size() == 0) {
            throw new IllegalArgumentException(field + ": must contain a letter or digit");
        }
        return stripped;
    }

    private static List<String> checkPatterns(List<String> patterns) {
        if (patterns == null) {
            throw new IllegalArgumentException("patterns: is required (may be empty)");
        }
        if (patterns.size() > MAX_PATTERNS) {
            throw new IllegalArgumentException("patterns: at most " + MAX_PATTERNS + " allowed, got " + patterns.size());
        }
        for (int i = 0; i < patterns.size(); i++) {
            BlocklistPattern.compile("patterns[" + i + "]", patterns.get(i));
        }
        // List.copyOf would refuse a null element with a message that names no field; nulls are refused above.
        return List.copyOf(patterns);
    }

    /** A JSON array of strings; elements that are not strings are reported by path. */
    private static List<String> strings(String field, Object value) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof Collection<?> collection)) {
            throw new IllegalArgumentException(field + ": must be an array of strings");
        }
        List<String> result = new ArrayList<>(collection.size());
        int i = 0;
        for (Object element : collection) {
            if (element != null && !(element instanceof String)) {
                throw new IllegalArgumentException(field + "[" + i + "]: must be a string");
            }
            result.add((String) element);  // a null is kept and reported by the constructor with its path
            i++;
        }
        return result;
    }
}
