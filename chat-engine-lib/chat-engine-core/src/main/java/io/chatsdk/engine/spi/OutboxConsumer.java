package io.chatsdk.engine.spi;

/**
 * A named consumer of committed events, fed by the outbox relay after each event is published to the {@link EventBus}
 * and before its outbox row is deleted. The engine's own consumers are {@code webhooks} (queues deliveries),
 * {@code push} (queues notifications) and {@code search} (queues indexing jobs, a batch at a time); an embedder adds its
 * own through {@code ChatEngine.Builder.outboxConsumer}.
 *
 * <p>Delivery is at-least-once: if a consumer throws, the relay stops the batch and retries from that event later, so
 * every consumer may see an event again and must be idempotent (the job queue de-duplicates by job id). Called by one
 * relay thread at a time (the relay's, or a caller of {@code ChatEngine.relayPendingEvents}); must not block for long.
 *
 * <p>A consumer may gather a batch's events and act on them together in {@link #flush}, which the relay calls once per
 * batch, after the batch's last {@link #accept} and before any of the batch leaves the outbox. If a flush throws,
 * none of the batch's rows is deleted, and the whole batch is published to every consumer again later.
 */
public interface OutboxConsumer {

    /** A short stable name for logs, for example {@code webhooks}. */
    String name();

    /** Takes one committed event. */
    void accept(ChatEvent event);

    /**
     * Ends a batch: a consumer that gathered the batch's events acts on them now, and forgets them whether or not it
     * succeeds (the relay publishes a failed batch again). Nothing by default.
     */
    default void flush() {
    }

    /** A consumer from a name and a function. */
    static OutboxConsumer of(String name, java.util.function.Consumer<ChatEvent> accept) {
        java.util.Objects.requireNonNull(name, "name");
        java.util.Objects.requireNonNull(accept, "accept");
        return new OutboxConsumer() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void accept(ChatEvent event) {
                accept.accept(event);
            }

            @Override
            public String toString() {
                return "OutboxConsumer[" + name + "]";
            }
        };
    }

    /**
     * A consumer that takes each batch's events at once, in order, when the batch ends ({@link #flush}); never called
     * with an empty list.
     */
    static OutboxConsumer batched(String name, java.util.function.Consumer<java.util.List<ChatEvent>> acceptAll) {
        java.util.Objects.requireNonNull(name, "name");
        java.util.Objects.requireNonNull(acceptAll, "acceptAll");
        return new OutboxConsumer() {
            private final java.util.List<ChatEvent> batch = new java.util.ArrayList<>();

            @Override
            public String name() {
                return name;
            }

            @Override
            public synchronized void accept(ChatEvent event) {
                batch.add(event);
            }

            @Override
            public synchronized void flush() {
                if (batch.isEmpty()) {
                    return;
                }
                java.util.List<ChatEvent> events = java.util.List.copyOf(batch);
                batch.clear();
                acceptAll.accept(events);
            }

            @Override
            public String toString() {
                return "OutboxConsumer[" + name + ", batched]";
            }
        };
    }
}
