package io.chatsdk.engine.spi;

import io.chatsdk.engine.types.AppId;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/** Presence within one JVM. Thread-safe. */
public final class InMemoryPresenceRegistry implements PresenceRegistry {
    private final Map<String, Set<String>> connections = new ConcurrentHashMap<>();

    private static String key(AppId app, String userId) {
        return app + "|" + userId;
    }

    @Override
    public boolean connected(AppId app, String userId, String connectionId) {
        boolean[] first = new boolean[1];
        connections.compute(key(app, userId), (k, set) -> {
            Set<String> s = set == null ? new HashSet<>() : set;
            first[0] = s.isEmpty();
            s.add(connectionId);
            return s;
        });
        return first[0];
    }

    @Override
    public boolean disconnected(AppId app, String userId, String connectionId) {
        boolean[] last = new boolean[1];
        connections.computeIfPresent(key(app, userId), (k, s) -> {
            last[0] = s.remove(connectionId) && s.isEmpty();
            return s.isEmpty() ? null : s;
        });
        return last[0];
    }

    @Override
    public boolean isOnline(AppId app, String userId) {
        Set<String> s = connections.get(key(app, userId));
        return s != null && !s.isEmpty();
    }

    @Override
    public void onLost(BiConsumer<AppId, String> listener) {
        // one JVM: a connection is never lost without its disconnect
    }
}
