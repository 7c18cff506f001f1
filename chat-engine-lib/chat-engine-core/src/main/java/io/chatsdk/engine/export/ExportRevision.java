package io.chatsdk.engine.export;

import java.time.Instant;
import java.util.Objects;

/**
 * An earlier version of a message's text: {@code text} is what the message said until an edit at
 * {@code replacedAt}. Immutable.
 *
 * @param text       the text before the edit (may be empty, never {@code null})
 * @param replacedAt when an edit replaced it
 */
public record ExportRevision(String text, Instant replacedAt) {
    public ExportRevision {
        text = text == null ? "" : text;
        Objects.requireNonNull(replacedAt, "replacedAt");
    }
}
