package io.chatsdk.engine.blocklist;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * Compiles and vets the regular expressions of a {@link Blocklist}. The rules are listed on
 * {@link Blocklist}; the reasons are here. Stateless.
 */
final class BlocklistPattern {
    /**
     * Texts whose positions between them show every context an empty-width assertion can test: start and
     * end of text, start and end of line, word boundary or not, in each combination that can occur. A
     * pattern that can match the empty string in some context matches it at one of these positions, unless
     * a non-empty alternative that the pattern prefers consumes the probe's letter there (see
     * {@link #compile}).
     */
    private static final String[] EMPTY_PROBES = {
        "", "a", "0", "_", " ", ".", "\n", "aa", "a a", " a ", "a\na", " \n ", "\n\n", "a\n", "\na"};

    private BlocklistPattern() {
    }

    /**
     * Compiles a pattern found under {@code field}, such as {@code patterns[3]}.
     *
     * <p>Patterns are compiled case-insensitively: they run on folded, lower-case text, so {@code BAD} would
     * otherwise never match. The empty-string check runs the pattern from every position of a few probe
     * texts. A pattern whose only empty match hides behind a preferred non-empty alternative on the probes,
     * such as {@code [a0_]|^\b} (the probes' words start with {@code a}, {@code 0} or {@code _}), can still
     * find an empty match in a message; {@link BlocklistMatcher} then does not count it.
     *
     * @throws IllegalArgumentException whose message starts with {@code field}
     */
    static Pattern compile(String field, String regex) {
        if (regex == null) {
            throw new IllegalArgumentException(field + ": must not be null");
        }
        if (regex.isEmpty()) {
            throw new IllegalArgumentException(field + ": must not be empty");
        }
        if (regex.length() > Blocklist.MAX_PATTERN_LENGTH) {
            throw new IllegalArgumentException(field + ": is longer than " + Blocklist.MAX_PATTERN_LENGTH
                    + " characters");
        }
        if (foldedRangeSpan(regex) > MAX_FOLDED_SPAN) {
            throw new IllegalArgumentException(field + ": is too complex (its character ranges cover more than " + MAX_FOLDED_SPAN
                    + " case-folded characters)");
        }
        Pattern compiled;
        try {
            compiled = compileBounded(field, regex);
        } catch (PatternSyntaxException e) {
            // getDescription() names the problem without repeating the whole expression.
            throw new IllegalArgumentException(field + ": is not a valid RE2 expression (" + e.getDescription() + ")", e);
        }
        if (compiled.programSize() > Blocklist.MAX_PROGRAM_SIZE) {
            throw new IllegalArgumentException(field + ": is too complex (compiles to " + compiled.programSize()
                    + " instructions, at most " + Blocklist.MAX_PROGRAM_SIZE + ")");
        }
        if (matchesEmpty(compiled)) {
            throw new IllegalArgumentException(field + ": must not match the empty string");
        }
        return compiled;
    }

    private static final java.util.concurrent.ExecutorService COMPILER = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "chatsdk-blocklist-compile");
        t.setDaemon(true);
        return t;
    });

    /**
     * Compiles case-insensitively, giving up after 2 s: some short patterns still take RE2J minutes to case-fold (the
     * fuzz target finds them). The abandoned compilation finishes on its daemon thread; the pattern is refused.
     */
    private static Pattern compileBounded(String field, String regex) {
        java.util.concurrent.Future<Pattern> f = COMPILER.submit(() -> Pattern.compile(regex, Pattern.CASE_INSENSITIVE));
        try {
            return f.get(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            f.cancel(true);
            throw new IllegalArgumentException(field + ": is too complex (it did not compile within 2 s)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException(field + ": was not compiled (interrupted)");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof PatternSyntaxException p) {
                throw p;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The most code points that the explicit ranges of a pattern's character classes may cover where case folds. */
    static final int MAX_FOLDED_SPAN = 20_000;
    private static final int MIN_FOLD = 0x41;
    private static final int MAX_FOLD = 0x1e943;

    /**
     * How many code points the explicit ranges ({@code [a-z]}, {@code [\x{100}-\x{2000}]}) of the pattern's character
     * classes cover inside the range where letters have case variants, summed. RE2J folds such a range one code point
     * at a time when it compiles case-insensitively, so a short pattern of many wide ranges took minutes to compile
     * (found by the blocklist fuzz target); a range that covers the whole folding range is cheap and not counted.
     */
    static long foldedRangeSpan(String regex) {
        long span = 0;
        boolean inClass = false;
        int[] prev = null;
        for (int i = 0; i < regex.length(); ) {
            int[] atom = atom(regex, i);   // {code point or -1, next index}
            char c = regex.charAt(i);
            if (!inClass) {
                if (c == '[' ) {
                    inClass = true;
                    prev = null;
                }
                i = atom[1];
                continue;
            }
            if (c == ']' && prev != null) {
                inClass = false;
                i++;
                continue;
            }
            if (c == '-' && prev != null && prev[0] >= 0 && i + 1 < regex.length() && regex.charAt(i + 1) != ']') {
                int[] hi = atom(regex, i + 1);
                if (hi[0] >= prev[0]) {
                    long lo = Math.max(prev[0], MIN_FOLD);
                    long up = Math.min(hi[0], MAX_FOLD);
                    boolean covers = prev[0] <= MIN_FOLD && hi[0] >= MAX_FOLD;
                    if (!covers && up >= lo) {
                        span += up - lo + 1;
                    }
                }
                prev = null;
                i = hi[1];
                continue;
            }
            prev = atom;
            i = atom[1];
        }
        return span;
    }

    /** The code point an atom of the pattern at {@code i} stands for (-1 for a class escape), and where it ends. */
    private static int[] atom(String r, int i) {
        if (r.charAt(i) != '\\' || i + 1 >= r.length()) {
            return new int[] {r.codePointAt(i), i + Character.charCount(r.codePointAt(i))};
        }
        char e = r.charAt(i + 1);
        if (e == 'x') {
            if (i + 2 < r.length() && r.charAt(i + 2) == '{') {
                int close = r.indexOf('}', i + 3);
                if (close > 0) {
                    try {
                        return new int[] {Integer.parseInt(r.substring(i + 3, close), 16), close + 1};
                    } catch (NumberFormatException ex) {
                        return new int[] {-1, close + 1};
                    }
                }
            } else if (i + 3 < r.length()) {
                try {
                    return new int[] {Integer.parseInt(r.substring(i + 2, i + 4), 16), i + 4};
                } catch (NumberFormatException ex) {
                    return new int[] {-1, i + 2};
                }
            }
        }
        if ((e == 'p' || e == 'P') && i + 2 < r.length() && r.charAt(i + 2) == '{') {
            int close = r.indexOf('}', i + 3);
            return new int[] {-1, close > 0 ? close + 1 : r.length()};
        }
        return new int[] {Character.isLetterOrDigit(e) ? -1 : e, i + 2};
    }

    /**
     * Whether the pattern finds an empty match anywhere in the probes. An empty match would make the pattern
     * match nearly every message, such as {@code x*}, {@code ^} or {@code \b}.
     */
    private static boolean matchesEmpty(Pattern pattern) {
        for (String probe : EMPTY_PROBES) {
            Matcher matcher = pattern.matcher(probe);
            for (int start = 0; start <= probe.length(); start++) {
                // find(start) still sees the text before start, so \b and ^ are judged in context.
                if (matcher.find(start) && matcher.start() == matcher.end()) {
                    return true;
                }
            }
        }
        return false;
    }
}
