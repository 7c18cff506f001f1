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
        Pattern compiled;
        try {
            compiled = Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
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
