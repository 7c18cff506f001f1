package io.chatsdk.connectors.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.grid.hazelcast.Bucket4jHazelcast;

/**
 * Rate-limit buckets shared by the cluster (Bucket4j's Hazelcast backend, lock-based so that no custom serializers
 * are needed): every node counts against the same per-app and per-user buckets. Approximate under a network split,
 * which is what rate limits may be; nothing that must be right depends on them.
 */
public final class HazelcastRateLimits {
    static final String MAP = "chatsdk-rate-limits";

    private HazelcastRateLimits() {
    }

    public static ProxyManager<String> proxyManager(HazelcastInstance hz) {
        return Bucket4jHazelcast.lockBasedBuilder(hz.<String, byte[]>getMap(MAP)).build();
    }
}
