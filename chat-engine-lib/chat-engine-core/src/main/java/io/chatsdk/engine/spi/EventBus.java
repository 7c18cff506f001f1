package io.chatsdk.engine.spi;

import java.util.function.Consumer;

/**
 * Carries committed events from the outbox relay to whoever delivers them (WebSocket sessions, webhooks,
 * push). The engine only ever publishes events whose transaction committed.
 *
 * <p>Implementations must be thread-safe. {@link #publish} may block briefly (a broker send) but must not
 * call subscribers on the caller's thread in a way that lets a slow subscriber stall the relay for long.
 * The default is {@link io.chatsdk.engine.spi.InProcessEventBus}; the Artemis connector provides a
 * cluster-wide one.
 */
public interface EventBus extends AutoCloseable {

    /** Hands one event to the bus. Throws if the bus cannot take it; the relay then retries later. */
    void publish(ChatEvent event);

    /** Registers a subscriber for every event; close the returned handle to stop receiving. */
    Subscription subscribe(Consumer<ChatEvent> subscriber);

    /** A subscription handle. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    @Override
    default void close() {
    }
}
