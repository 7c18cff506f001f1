package io.chatsdk.jakarta;

import io.chatsdk.engine.types.AppId;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connections that explicitly watch each channel, members or not (a livestream's audience). An entry exists only
 * while a connection watches the channel, so stopping, closing and deleting leave nothing behind, whatever channel ids a
 * client names. Thread-safe.
 */
final class Watchers {
    private final Map<String, Set<Connection>> byChannel = new ConcurrentHashMap<>();

    private static String key(AppId app, String cid) {
        return app + "|" + cid;
    }

    void add(Connection c, String cid) {
        byChannel.compute(key(c.appId, cid), (k, set) -> {
            Set<Connection> s = set != null ? set : ConcurrentHashMap.newKeySet();
            s.add(c);
            return s;
        });
    }

    void remove(Connection c, String cid) {
        byChannel.computeIfPresent(key(c.appId, cid), (k, set) -> {
            set.remove(c);
            return set.isEmpty() ? null : set;
        });
    }

    /** The connections watching the channel; empty when none. */
    Set<Connection> of(AppId app, String cid) {
        return byChannel.getOrDefault(key(app, cid), Set.of());
    }

    /** Forgets a channel's watchers (the channel was deleted) and returns them. */
    Set<Connection> removeChannel(AppId app, String cid) {
        Set<Connection> gone = byChannel.remove(key(app, cid));
        return gone == null ? Set.of() : gone;
    }

    /** How many channels have watchers on this node. */
    int channels() {
        return byChannel.size();
    }
}
