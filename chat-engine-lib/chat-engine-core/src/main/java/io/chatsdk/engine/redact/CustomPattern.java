package io.chatsdk.engine.redact;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * An app-defined pattern for data the built-in detectors do not know, such as a medical record number:
 * {@code new CustomPattern("mrn", "MRN-\\d{8}")}. Matches are replaced by {@code [mrn]}.
 *
 * <p>The regular expression uses RE2 syntax (no back-references, no look-around) and is compiled with RE2J,
 * whose matching time is linear in the text whatever the pattern, so an app cannot make message sending
 * slow with a pathological expression. Construction validates: the name matches
 * {@code [a-z0-9_-]{1,32}}, the expression has at most {@value #MAX_REGEX_LENGTH} characters, compiles,
 * stays under {@value #MAX_PROGRAM_SIZE} compiled instructions (so {@code (a{1000}){1000}} is refused) and
 * cannot match the empty string. Immutable and thread-safe.
 */
public record CustomPattern(String name, String regex) {
    /** Longest accepted expression, in UTF-16 characters. */
    public static final int MAX_REGEX_LENGTH = 500;
    /**
     * Largest accepted RE2J program. Matching costs up to one step per instruction per character, so this
     * bounds the cost of a pattern on a long message.
     */
    public static final int MAX_PROGRAM_SIZE = 1_000;

    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z0-9_-]{1,32}");

    public CustomPattern {
        compile("", name, regex);
    }

    /** Compiles the expression; {@link Redactor} calls this once per pattern when it is built. */
    Pattern compiled() {
        return Pattern.compile(regex);
    }

    /**
     * Validates a name and expression found under {@code path} (such as {@code custom_patterns[2]}) and
     * returns the compiled expression.
     *
     * @throws IllegalArgumentException whose message starts with the field path, e.g.
     *     {@code custom_patterns[2].pattern: is not a valid RE2 expression (missing closing ))}
     */
    static Pattern compile(String path, String name, String regex) {
        String nameField = field(path, "name");
        String patternField = field(path, "pattern");
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(nameField + ": is required");
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(nameField + ": may hold 1-32 of the characters a-z 0-9 _ -");
        }
        if (regex == null || regex.isEmpty()) {
            throw new IllegalArgumentException(patternField + ": is required");
        }
        if (regex.length() > MAX_REGEX_LENGTH) {
            throw new IllegalArgumentException(patternField + ": is longer than " + MAX_REGEX_LENGTH + " characters");
        }
        Pattern compiled;
        try {
            compiled = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            // getDescription() names the problem without repeating the whole expression.
            throw new IllegalArgumentException(patternField + ": is not a valid RE2 expression (" + e.getDescription() + ")", e);
        }
        if (compiled.programSize() > MAX_PROGRAM_SIZE) {
            throw new IllegalArgumentException(patternField + ": is too complex (compiles to " + compiled.programSize()
                    + " instructions, at most " + MAX_PROGRAM_SIZE + ")");
        }
        if (compiled.matches("")) {
            throw new IllegalArgumentException(patternField + ": must not match the empty string");
        }
        return compiled;
    }

    private static String field(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
