package io.chatsdk.engine.spi;

import io.chatsdk.engine.types.AppId;

import java.time.Duration;

/**
 * Who is typing where, with an expiry: a {@code typing.start} without a {@code typing.stop} ends by itself. Shared by
 * the nodes of a cluster (Hazelcast connector) or kept in one JVM ({@link InMemoryTypingRegistry}). Thread-safe.
 */
public interface TypingRegistry extends AutoCloseable {

    /** Records that the user types in {@code cid} for the next {@code ttl}; true when they were not typing before. */
    boolean start(AppId app, String cid, String userId, Duration ttl);

    /** Records that the user stopped; true when they were typing. */
    boolean stop(AppId app, String cid, String userId);

    /** Receives typing that expired without a stop, once per expiry, on some node. */
    void onExpired(Listener listener);

    /** An expiry callback. */
    @FunctionalInterface
    interface Listener {
        void expired(AppId app, String cid, String userId);
    }

    /**
     * Tells every listener of one expiry. A listener that throws is logged (its exception's class only) and skipped: it
     * keeps neither the other listeners from this expiry nor an adapter's sweeper from later ones.
     */
    static void tell(Iterable<Listener> listeners, AppId app, String cid, String userId) {
        for (Listener l : listeners) {
            try {
                l.expired(app, cid, userId);
            } catch (Throwable e) {   // an Error too: it is that listener's, the others and later expiries go on
                System.getLogger(TypingRegistry.class.getName()).log(System.Logger.Level.WARNING,
                        "a typing-expiry listener failed: " + e.getClass().getName());
            }
        }
    }

    @Override
    default void close() {
    }
}
