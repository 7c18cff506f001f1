package io.chatsdk.connectors.hazelcast;

import io.chatsdk.engine.spi.TypingRegistry;
import io.chatsdk.engine.types.AppId;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryExpiredListener;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Typing state in a Hazelcast map whose entries expire with the typing TTL. The expiry is reported by the member that
 * owns the entry (a local listener), so once per expiry in the cluster, and still after the typer's node died.
 */
public final class HazelcastTypingRegistry implements TypingRegistry {
    static final String MAP = "chatsdk-typing";

    private final IMap<String, Long> typing;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final UUID registration;

    public HazelcastTypingRegistry(HazelcastInstance hz) {
        this.typing = hz.getMap(MAP);
        this.registration = typing.addLocalEntryListener((EntryExpiredListener<String, Long>) this::expired);
    }

    private static String key(AppId app, String cid, String userId) {
        return app + "|" + cid + "|" + userId;
    }

    @Override
    public boolean start(AppId app, String cid, String userId, Duration ttl) {
        String key = key(app, cid, userId);
        Long previous = typing.put(key, System.currentTimeMillis(), ttl.toMillis(), TimeUnit.MILLISECONDS);
        return previous == null;
    }

    @Override
    public boolean stop(AppId app, String cid, String userId) {
        return typing.remove(key(app, cid, userId)) != null;
    }

    @Override
    public void onExpired(Listener listener) {
        listeners.add(listener);
    }

    private void expired(EntryEvent<String, Long> event) {
        String[] k = event.getKey().split("\\|", 3);
        TypingRegistry.tell(listeners, AppId.parse(k[0]), k[1], k[2]);
    }

    @Override
    public void close() {
        try {
            typing.removeEntryListener(registration);
        } catch (RuntimeException ignored) {
            // the member is shutting down
        }
    }
}
