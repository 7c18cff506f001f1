package io.chatsdk.engine.redact;

import java.util.Objects;

/**
 * A finding inside a JSON-like value, such as a message's attachments or custom data: {@code path} names
 * the string it was found in ({@code attachments[0].title}, {@code custom.note}; the empty string for a
 * string passed on its own) and the finding's offsets are into that string. Map keys appear in the path as
 * they are and are not scanned. Immutable and thread-safe.
 */
public record FieldFinding(String path, Finding finding) {
    public FieldFinding {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(finding, "finding");
    }
}
