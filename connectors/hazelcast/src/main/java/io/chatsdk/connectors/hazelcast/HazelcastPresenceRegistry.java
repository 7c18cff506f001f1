package io.chatsdk.connectors.hazelcast;

import io.chatsdk.engine.spi.PresenceRegistry;
import io.chatsdk.engine.types.AppId;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.multimap.MultiMap;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * Presence shared by the appliance nodes through a Hazelcast cluster: a multimap from {@code app|user} to the open
 * connections, each tagged with the member that holds it. When a member leaves or dies, the oldest remaining member
 * removes that member's connections and reports the users who went offline through {@link #onLost}.
 *
 * <pre>{@code
 * PresenceRegistry presence = HazelcastPresenceRegistry.start("chatsdk", "127.0.0.1", 5701,
 *         List.of("127.0.0.1:5701", "127.0.0.1:5702"));
 * }</pre>
 *
 * <p>Hazelcast here is for presence only (its community edition has no strongly consistent subsystem); PostgreSQL
 * decides everything that must be right. Thread-safe.
 */
public final class HazelcastPresenceRegistry implements PresenceRegistry, MembershipListener {
    private static final System.Logger LOG = System.getLogger(HazelcastPresenceRegistry.class.getName());
    private static final String MAP = "chatsdk-presence";

    private final HazelcastInstance hz;
    private final boolean owned;
    private final MultiMap<String, String> connections;
    private final String memberId;
    private final List<BiConsumer<AppId, String>> lostListeners = new CopyOnWriteArrayList<>();
    private final UUID listenerId;

    /** Uses an existing Hazelcast member; the caller keeps ownership of it. */
    public HazelcastPresenceRegistry(HazelcastInstance hz) {
        this(hz, false);
    }

    private HazelcastPresenceRegistry(HazelcastInstance hz, boolean owned) {
        this.hz = hz;
        this.owned = owned;
        this.connections = hz.getMultiMap(MAP);
        this.memberId = hz.getCluster().getLocalMember().getUuid().toString();
        this.listenerId = hz.getCluster().addMembershipListener(this);
    }

    /**
     * Starts a Hazelcast member bound to {@code host:port} that joins the listed members over TCP/IP (no multicast),
     * and detects a dead member within about 10 s.
     *
     * <p>What the community edition allows to keep strangers out (it has no member authentication and no TLS; those
     * are Enterprise features): the member listens on {@code host} only, and its port serves members only (advanced
     * networking with no client endpoint, so no Hazelcast client can connect to read or write the maps); a member joins
     * only with the same cluster name, which the appliance derives from a shared secret with {@link #clusterName}.
     * The name travels in clear in join messages, so cluster traffic belongs on a private network or a tunnel
     * (WireGuard, IPsec); docs/security.md says what this does and does not stop.
     */
    public static HazelcastPresenceRegistry start(String clusterName, String host, int port, List<String> members) {
        Config config = new Config().setClusterName(clusterName).setInstanceName("chatsdk-" + port + "-" + UUID.randomUUID());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
        config.setProperty("hazelcast.logging.type", "jdk");
        config.setProperty("hazelcast.socket.bind.any", "false");
        com.hazelcast.config.AdvancedNetworkConfig network = config.getAdvancedNetworkConfig().setEnabled(true);
        com.hazelcast.config.ServerSocketEndpointConfig member = new com.hazelcast.config.ServerSocketEndpointConfig();
        member.setPort(port).setPortAutoIncrement(false).setPublicAddress(host + ":" + port);
        member.getInterfaces().setEnabled(true).addInterface(host);
        network.setMemberEndpointConfig(member);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(members.isEmpty() ? List.of(host + ":" + port) : members);
        config.addMultiMapConfig(new MultiMapConfig(MAP).setBackupCount(1));
        // rate-limit buckets refill within a minute; idle ones can go
        config.addMapConfig(new com.hazelcast.config.MapConfig(HazelcastRateLimits.MAP).setBackupCount(1).setMaxIdleSeconds(180));
        config.addMapConfig(new com.hazelcast.config.MapConfig(HazelcastTypingRegistry.MAP).setBackupCount(1));
        // expired typing entries are swept promptly, so typing.stop follows the TTL within about a second
        config.setProperty("hazelcast.internal.map.expiration.task.period.seconds", "1");
        return new HazelcastPresenceRegistry(Hazelcast.newHazelcastInstance(config), true);
    }

    /**
     * The cluster name members must share: {@code name} itself without a secret, else {@code name} followed by the
     * first 128 bits of HMAC-SHA256(secret, name) in hex, so that only a member configured with the secret knows it.
     */
    public static String clusterName(String name, String secret) {
        if (secret == null) {
            return name;
        }
        if (secret.length() < 16) {
            throw new IllegalArgumentException("the cluster secret must have at least 16 characters");
        }
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] tag = mac.doFinal(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return name + "-" + java.util.HexFormat.of().formatHex(tag, 0, 16);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String key(AppId app, String userId) {
        return app + "|" + userId;
    }

    private String tag(String connectionId) {
        return connectionId + "@" + memberId;
    }

    @Override
    public boolean connected(AppId app, String userId, String connectionId) {
        String key = key(app, userId);
        connections.lock(key);
        try {
            connections.put(key, tag(connectionId));
            return connections.valueCount(key) == 1;
        } finally {
            connections.unlock(key);
        }
    }

    @Override
    public boolean disconnected(AppId app, String userId, String connectionId) {
        String key = key(app, userId);
        connections.lock(key);
        try {
            return connections.remove(key, tag(connectionId)) && connections.valueCount(key) == 0;
        } finally {
            connections.unlock(key);
        }
    }

    @Override
    public boolean isOnline(AppId app, String userId) {
        return connections.valueCount(key(app, userId)) > 0;
    }

    @Override
    public void onLost(BiConsumer<AppId, String> listener) {
        lostListeners.add(listener);
    }

    @Override
    public void memberAdded(MembershipEvent event) {
        // nothing to do: the newcomer's connections arrive as it accepts them
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
        Member oldest = hz.getCluster().getMembers().iterator().next();
        if (!oldest.localMember()) {
            return; // one member cleans up, so each lost user is reported once
        }
        String suffix = "@" + event.getMember().getUuid();
        int lost = 0;
        for (String key : connections.keySet()) {
            boolean wentOffline = false;
            connections.lock(key);
            try {
                boolean removed = false;
                for (String value : connections.get(key)) {
                    if (value.endsWith(suffix)) {
                        removed |= connections.remove(key, value);
                    }
                }
                wentOffline = removed && connections.valueCount(key) == 0;
            } finally {
                connections.unlock(key);
            }
            if (wentOffline) {
                lost++;
                int bar = key.indexOf('|');
                AppId app = AppId.parse(key.substring(0, bar));
                String userId = key.substring(bar + 1);
                for (BiConsumer<AppId, String> l : lostListeners) {
                    try {
                        l.accept(app, userId);
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "presence listener failed: " + e.getClass().getName());
                    }
                }
            }
        }
        LOG.log(Level.INFO, "cluster member " + event.getMember().getUuid() + " left; " + lost + " users went offline with it");
    }

    /** The underlying member, for other cluster state (typing, rate limits) to share. */
    public HazelcastInstance instance() {
        return hz;
    }

    @Override
    public void close() {
        try {
            hz.getCluster().removeMembershipListener(listenerId);
        } catch (RuntimeException ignored) {
            // the member is already shutting down
        }
        if (owned) {
            hz.shutdown();
        }
    }
}
