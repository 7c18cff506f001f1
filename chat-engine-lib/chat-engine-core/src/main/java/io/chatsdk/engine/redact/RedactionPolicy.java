package io.chatsdk.engine.redact;

import java.util.Locale;

/**
 * What an app does with a message in which a {@link Redactor} finds card numbers or personal data.
 * Enum constants are immutable and safe to share between threads.
 */
public enum RedactionPolicy {
    /** Nothing is scanned: messages are stored as sent. The default, so that existing apps are unaffected. */
    OFF,
    /** Findings are replaced by masks before the message is stored, indexed, published or logged. */
    MASK,
    /** A message with any finding is refused; the caller raises the error, nothing is masked. */
    REJECT;

    /** The lower-case name used in JSON: {@code off}, {@code mask} or {@code reject}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name; an unknown or missing value is an error naming the field {@code policy}. */
    public static RedactionPolicy fromWire(String value) {
        return fromWire("policy", value);
    }

    /**
     * Parses a wire name found under {@code field}.
     *
     * @throws IllegalArgumentException naming {@code field} when the value is not one of the wire names
     */
    public static RedactionPolicy fromWire(String field, String value) {
        for (RedactionPolicy policy : values()) {
            if (policy.wire().equals(value)) {
                return policy;
            }
        }
        // The rejected value is left out: it is caller input and may be long.
        throw new IllegalArgumentException(field + ": must be one of off, mask, reject");
    }
}
