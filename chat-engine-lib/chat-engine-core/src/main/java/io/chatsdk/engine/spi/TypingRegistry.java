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

    @Override
    default void close() {
    }
}
