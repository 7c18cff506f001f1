package io.chatsdk.engine.spi;

import java.util.Objects;

/**
 * A unit of durable asynchronous work: its {@code kind} selects the handler (and the dead-letter queue), its
 * {@code id} is the idempotency key (a second job with the same id and kind is dropped, and the id is the same on
 * every attempt), its {@code payload} is JSON text.
 */
public record Job(String kind, String id, String payload) {
    public Job {
        if (kind == null || !kind.matches("[a-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("job kind must be 1-64 of a-z 0-9 _ . -, was " + kind);
        }
        if (id == null || id.isEmpty() || id.length() > 200) {
            throw new IllegalArgumentException("job id must be 1-200 characters");
        }
        Objects.requireNonNull(payload, "payload");
    }

    @Override
    public String toString() {
        return "Job[" + kind + " " + id + "]";   // payloads may carry content: never in logs
    }
}
