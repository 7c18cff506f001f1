package io.chatsdk.engine.redact;

import java.util.Locale;

/**
 * The kinds of sensitive data a {@link Redactor} looks for; which one wins where two findings overlap is
 * described on {@link Redactor}. Enum constants are immutable and safe to share between threads.
 */
public enum DetectorKind {
    /** Payment card numbers (PANs): Luhn-valid, in a known issuer range; masked to first 6 and last 4 digits. */
    CARD,
    /** US social security numbers written {@code AAA-GG-SSSS} or {@code AAA GG SSSS}; masked to the last 4. */
    SSN,
    /** International bank account numbers with a valid mod-97 check; masked to country and last 4. */
    IBAN,
    /** E-mail addresses; replaced by {@code [email]}. */
    EMAIL,
    /** Phone numbers valid for their region, found by libphonenumber; replaced by {@code [phone]}. */
    PHONE,
    /** An app's own patterns ({@link CustomPattern}); replaced by {@code [<name>]}. */
    CUSTOM;

    /** The lower-case name used in JSON, for example {@code card}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a wire name found under {@code field}.
     *
     * @throws IllegalArgumentException naming {@code field} when the value is not one of the wire names
     */
    public static DetectorKind fromWire(String field, String value) {
        for (DetectorKind kind : values()) {
            if (kind.wire().equals(value)) {
                return kind;
            }
        }
        throw new IllegalArgumentException(field + ": must be one of card, ssn, iban, email, phone, custom");
    }
}
