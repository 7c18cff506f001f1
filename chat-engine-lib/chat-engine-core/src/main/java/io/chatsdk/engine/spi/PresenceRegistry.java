package io.chatsdk.engine.spi;

import io.chatsdk.engine.types.AppId;

import java.util.function.BiConsumer;

/**
 * Who is online: a user is online while any of their connections, on any node, is open. Used for presence only; it
 * never decides whether a message exists. Implementations are thread-safe; calls may block briefly on a cluster.
 * The default is {@link InMemoryPresenceRegistry} (one node); the Hazelcast connector shares it across nodes.
 */
public interface PresenceRegistry extends AutoCloseable {

    /** Records an open connection; true when this made the user come online. */
    boolean connected(AppId app, String userId, String connectionId);

    /** Forgets a connection; true when this made the user go offline. */
    boolean disconnected(AppId app, String userId, String connectionId);

    boolean isOnline(AppId app, String userId);

    /**
     * Registers a listener for users who went offline without a {@link #disconnected} call on this node, for example
     * because the node that held their connections died. Called once per such user, on some node.
     */
    void onLost(BiConsumer<AppId, String> listener);

    @Override
    default void close() {
    }
}
