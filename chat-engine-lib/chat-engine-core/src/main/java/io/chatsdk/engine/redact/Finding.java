package io.chatsdk.engine.redact;

import java.util.Objects;

/**
 * One piece of sensitive data found in a text: its kind, the custom pattern's name for
 * {@link DetectorKind#CUSTOM} (otherwise {@code null}), and its place as UTF-16 indices into the scanned
 * string, {@code start} inclusive and {@code end} exclusive (so {@code text.substring(start, end)} is the
 * match). A finding deliberately does not hold the matched text, so that logging one (its
 * {@code toString()} included) can never leak a card number or personal data. Immutable and thread-safe.
 */
public record Finding(DetectorKind kind, String patternName, int start, int end) {
    public Finding {
        Objects.requireNonNull(kind, "kind");
        if ((kind == DetectorKind.CUSTOM) != (patternName != null)) {
            throw new IllegalArgumentException("patternName: is required for custom findings and only for them");
        }
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("start, end: need 0 <= start < end, got " + start + ", " + end);
        }
    }

    /** Number of UTF-16 characters the finding covers. */
    public int length() {
        return end - start;
    }

    boolean overlaps(Finding other) {
        return start < other.end && other.start < end;
    }
}
