package io.chatsdk.engine.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What one node remembers of per-app settings for a while: a value is loaded on first use and again once it is older
 * than the time to live, so a change made on another node applies here within that time (changes made on this node
 * {@link #forget} at once). Values may be null ("nothing configured"). Thread-safe.
 */
public final class NodeCache<K, V> {
    private final Clock clock;
    private final Duration ttl;
    private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();

    private record Entry<V>(V value, Instant loadedAt) {
    }

    public NodeCache(Clock clock, Duration ttl) {
        this.clock = clock;
        this.ttl = ttl;
    }

    /** The cached value, or {@code loader}'s when there is none or it is too old. */
    public V get(K key, Supplier<V> loader) {
        Entry<V> e = entries.get(key);
        if (e != null && e.loadedAt().plus(ttl).isAfter(clock.instant())) {
            return e.value();
        }
        V value = loader.get();
        entries.put(key, new Entry<>(value, clock.instant()));
        return value;
    }

    public void forget(K key) {
        entries.remove(key);
    }

    public void forgetIf(Predicate<K> which) {
        entries.keySet().removeIf(which);
    }
}
