package io.chatsdk.connectors.hazelcast;

import io.chatsdk.engine.spi.PresenceRegistry;
import io.chatsdk.engine.spi.PresenceRegistryContract;
import io.chatsdk.engine.types.AppId;

import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The presence contract on real Hazelcast members (TCP/IP join on loopback), and a member's death. */
class HazelcastPresenceRegistryIT extends PresenceRegistryContract {

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected PresenceRegistry newRegistry() {
        int port = freePort();
        return HazelcastPresenceRegistry.start("contract-" + port, "127.0.0.1", port, List.of("127.0.0.1:" + port));
    }

    @Test
    void twoMembersShareStateAndADeadMembersUsersGoOffline() {
        int pa = freePort();
        int pb = freePort();
        List<String> members = List.of("127.0.0.1:" + pa, "127.0.0.1:" + pb);
        String cluster = "pair-" + pa;
        HazelcastPresenceRegistry a = HazelcastPresenceRegistry.start(cluster, "127.0.0.1", pa, members);
        HazelcastPresenceRegistry b = HazelcastPresenceRegistry.start(cluster, "127.0.0.1", pb, members);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> a.instance().getCluster().getMembers().size() == 2);
            AppId app = new AppId(UUID.randomUUID());
            List<String> lostOnA = new CopyOnWriteArrayList<>();
            a.onLost((ap, user) -> lostOnA.add(user));
            assertThat(a.connected(app, "alice", "a1")).isTrue();
            assertThat(b.connected(app, "alice", "b1")).as("already online through node A").isFalse();
            assertThat(b.connected(app, "bob", "b2")).isTrue();
            assertThat(a.isOnline(app, "bob")).isTrue();

            b.instance().getLifecycleService().terminate(); // a crash, not a graceful leave
            await().atMost(Duration.ofSeconds(30)).until(() -> lostOnA.contains("bob"));
            assertThat(a.isOnline(app, "bob")).isFalse();
            assertThat(a.isOnline(app, "alice")).as("still connected through node A").isTrue();
            assertThat(lostOnA).doesNotContain("alice");
        } finally {
            a.close();
            b.close();
        }
    }

    /** Issue #14 item 7: a member without the cluster secret does not join, and no Hazelcast client gets in at all. */
    @Test
    void strangersDoNotJoinAndClientsAreNotServed() {
        int pa = freePort();
        int pb = freePort();
        List<String> members = List.of("127.0.0.1:" + pa, "127.0.0.1:" + pb);
        String name = HazelcastPresenceRegistry.clusterName("chatsdk", "the-cluster-secret-0123456789");
        assertThat(name).startsWith("chatsdk-").hasSize("chatsdk-".length() + 32)
                .isNotEqualTo(HazelcastPresenceRegistry.clusterName("chatsdk", "another-secret-0123456789"));
        HazelcastPresenceRegistry a = HazelcastPresenceRegistry.start(name, "127.0.0.1", pa, members);
        HazelcastPresenceRegistry stranger = HazelcastPresenceRegistry.start(HazelcastPresenceRegistry.clusterName("chatsdk", "a-guessed-secret-0123456"),
                "127.0.0.1", pb, members);
        try {
            assertThat(a.instance().getCluster().getMembers()).hasSize(1);
            assertThat(stranger.instance().getCluster().getMembers()).hasSize(1);
            com.hazelcast.client.config.ClientConfig client = new com.hazelcast.client.config.ClientConfig().setClusterName(name);
            client.getNetworkConfig().addAddress("127.0.0.1:" + pa);
            client.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(3000);
            client.setProperty("hazelcast.logging.type", "jdk");
            assertThatThrownBy(() -> com.hazelcast.client.HazelcastClient.newHazelcastClient(client))
                    .as("the member port serves members only, even to a client that knows the name").isInstanceOf(IllegalStateException.class);
        } finally {
            a.close();
            stranger.close();
        }
        assertThatThrownBy(() -> HazelcastPresenceRegistry.clusterName("chatsdk", "short")).isInstanceOf(IllegalArgumentException.class);
    }
}
