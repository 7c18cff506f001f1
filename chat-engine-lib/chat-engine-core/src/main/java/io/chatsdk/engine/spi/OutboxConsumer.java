package io.chatsdk.engine.spi;

/**
 * A named consumer of committed events, fed by the outbox relay after each event is published to the {@link EventBus}
 * and before it is marked published. The engine's own consumers are {@code webhooks} (queues deliveries) and
 * {@code push} (queues notifications); an embedder adds its own through {@code ChatEngine.Builder.outboxConsumer}.
 *
 * <p>Delivery is at-least-once: if a consumer throws, the relay stops the batch and retries from that event later, so
 * every consumer may see an event again and must be idempotent (the job queue de-duplicates by job id). Called on the
 * relay's single thread; must not block for long.
 */
public interface OutboxConsumer {

    /** A short stable name for logs, for example {@code webhooks}. */
    String name();

    /** Takes one committed event. */
    void accept(ChatEvent event);

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
}
