package io.chatsdk.appliance;

import io.chatsdk.connectors.artemis.ArtemisBroker;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two appliance nodes on one machine, on different ports, sharing one PostgreSQL and one Artemis broker and forming a
 * two-member Hazelcast cluster: events, typing and presence cross nodes; after {@code kill -9} of a node its users go
 * offline on the other, and a client that was on it recovers everything it missed by seq on the survivor.
 */
class ClusterIT {
    /** The shared broker's one user, which both nodes log in as. */
    static final io.chatsdk.connectors.artemis.BrokerLogin BROKER_LOGIN = new io.chatsdk.connectors.artemis.BrokerLogin("chatsdk", "cluster-it-broker-password");

    @Test
    void twoNodesShareEventsTypingAndPresenceAndSurviveACrash() throws Exception {
        Path base = Files.createDirectories(Path.of("target", "it-cluster").toAbsolutePath());
        int hzA = TestAppliance.freePort();
        int hzB = TestAppliance.freePort();
        String artemisUrl = "tcp://127.0.0.1:" + TestAppliance.freePort();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("max_connections", "200").start();
             ArtemisBroker broker = ArtemisBroker.start(Files.createTempDirectory(base, "artemis-"), artemisUrl, BROKER_LOGIN)) {
            Map<String, String> env = new HashMap<>(Map.of(
                    "CHATSDK_JDBC_URL", pg.getJdbcUrl("postgres", "postgres"),
                    "CHATSDK_MASTER_KEY", Base64.getEncoder().encodeToString(key),
                    "CHATSDK_OPERATOR_TOKEN", TestAppliance.OPERATOR_TOKEN,
                    "CHATSDK_ARTEMIS_URL", artemisUrl,
                    "CHATSDK_CLUSTER_MEMBERS", "127.0.0.1:" + hzA + ",127.0.0.1:" + hzB,
                    "CHATSDK_CLUSTER_NAME", "it-" + hzA,
                    "CHATSDK_DEMO", "false",
                    "CHATSDK_RATE_LIMIT_UNREAD_USER", "4"));
            // longer than the test waits below: a revocation made on A must reach B's token checks through the bus
            env.put("CHATSDK_TOKEN_STATE_TTL_SECONDS", "60");
            env.put("CHATSDK_ARTEMIS_USER", BROKER_LOGIN.user());
            env.put("CHATSDK_ARTEMIS_PASSWORD", BROKER_LOGIN.password());
            env.put("CHATSDK_CLUSTER_SECRET", "cluster-it-secret-0123456789");
            env.put("CHATSDK_CLUSTER_PORT", String.valueOf(hzA));
            TestAppliance a = TestAppliance.start(env);
            env.put("CHATSDK_CLUSTER_PORT", String.valueOf(hzB));
            TestAppliance b = TestAppliance.start(env);
            try {
                a.awaitReady(Duration.ofSeconds(180));
                b.awaitReady(Duration.ofSeconds(180));
                for (TestAppliance node : List.of(a, b)) {   // a cluster's events go through the broker
                    assertThat(java.nio.file.Files.readString(node.log)).doesNotContain(EngineProducer.EVENTS_IN_JVM);
                }
                Api onA = Api.newApp(a, "cluster");
                Api onB = new Api(b, onA.appId, onA.apiKey, onA.secret);
                onA.users("alice", "bob");
                onA.as("alice", "POST", "/channels/messaging/both/query", Map.of("data", Map.of("members", List.of("alice", "bob"))));

                try (WsClient alice = WsClient.connect(a, onA.apiKey, onA.userToken("alice"))) {
                    alice.await("health.check", 20);
                    WsClient bob = WsClient.connect(b, onB.apiKey, onB.userToken("bob"));
                    bob.await("health.check", 20);
                    // 3. presence crosses nodes
                    assertThat(alice.await(e -> "user.presence.changed".equals(e.get("type")) && "bob".equals(e.get("user_id")), 20).get("user"))
                            .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("online", true);
                    assertThat(online(onA, "bob")).isTrue();
                    assertThat(online(onB, "alice")).isTrue();

                    // 1. a send on A reaches a client on B with its seq
                    Object seq = onA.as("alice", "POST", "/channels/messaging/both/message", Map.of("message", Map.of("text", "from A")))
                            .obj("message").get("seq");
                    assertThat(seq).isEqualTo(1);
                    assertThat(bob.await("message.new", 20)).containsEntry("seq", 1);

                    // 2. typing on A is seen on B
                    alice.send(Map.of("type", "typing.start", "cid", "messaging:both"));
                    assertThat(bob.await("typing.start", 20)).containsEntry("user_id", "alice");
                    alice.send(Map.of("type", "typing.stop", "cid", "messaging:both"));
                    assertThat(bob.await("typing.stop", 20)).containsEntry("user_id", "alice");

                    // a revocation of carol's tokens on A: B, which remembers her state from her last request, refuses her
                    // token as soon as the change's event arrives (the nodes keep token states 60 s here)
                    onA.users("carol");
                    String carolsToken = onB.userToken("carol");
                    assertThat(onB.call("GET", "/devices", null, carolsToken).status()).isEqualTo(200);
                    assertThat(onB.call("GET", "/devices", null, carolsToken).status()).isEqualTo(200);
                    Thread.sleep(1100);   // tokens carry their issue time in whole seconds
                    assertThat(onA.asServer("POST", "/users/carol/revoke_tokens", Map.of()).status()).isEqualTo(200);
                    long revoked = System.nanoTime();
                    org.awaitility.Awaitility.await("carol's token refused on B").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                            .until(() -> onB.call("GET", "/devices", null, carolsToken).status() == 401);
                    Duration reached = Duration.ofNanos(System.nanoTime() - revoked);
                    System.out.println("ClusterIT: a revocation on A was refused on B after " + reached.toMillis() + " ms");
                    assertThat(reached).isLessThan(Duration.ofSeconds(20));

                    // rate limits are counted cluster-wide: 4 per minute for alice, whichever node she asks
                    for (int i = 0; i < 4; i++) {
                        assertThat((i % 2 == 0 ? onA : onB).as("alice", "GET", "/unread", null).status()).isEqualTo(200);
                    }
                    Api.Res limited = onB.as("alice", "GET", "/unread", null);
                    assertThat(limited.status()).isEqualTo(429);
                    assertThat(onA.as("alice", "GET", "/unread", null).status()).isEqualTo(429);

                    // 4. kill -9 node A: alice goes offline on B within 30 s, and her typing, whose state is in Hazelcast,
                    //    still ends on B without anyone left to send typing.stop
                    alice.send(Map.of("type", "typing.start", "cid", "messaging:both"));
                    // scenario 2: a client sends a burst through A with client ids; when A dies it fails over to B and
                    // retries the same ids there
                    List<Long> acknowledged = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
                    java.util.concurrent.ExecutorService burst = java.util.concurrent.Executors.newSingleThreadExecutor();
                    java.util.concurrent.Future<Integer> failovers = burst.submit(() -> {
                        Api via = onA;
                        int switched = 0;
                        for (int i = 0; i < 40; i++) {
                            String id = "burst-" + i;
                            while (true) {
                                try {
                                    Api.Res r = via.as("alice", "POST", "/channels/messaging/both/message", Map.of("message", Map.of("id", id, "text", id)));
                                    if (r.status() == 201) {
                                        acknowledged.add(((Number) r.obj("message").get("seq")).longValue());
                                        break;
                                    }
                                } catch (java.io.IOException nodeGone) {
                                    // fall through to the failover below
                                }
                                if (via == onA) {
                                    via = onB;
                                    switched++;
                                }
                                Thread.sleep(50);
                            }
                        }
                        return switched;
                    });
                    while (acknowledged.size() < 10) {
                        Thread.sleep(10);
                    }
                    a.kill();
                    long killed = System.nanoTime();
                    // both arrive, in whichever order: alice offline (measured from the kill) and her typing's end
                    org.awaitility.Awaitility.await("alice offline on B").atMost(Duration.ofSeconds(30)).until(() -> bob.seen.stream()
                            .anyMatch(e -> "user.presence.changed".equals(e.get("type")) && "alice".equals(e.get("user_id"))
                                    && e.get("user") instanceof Map<?, ?> u && Boolean.FALSE.equals(u.get("online"))));
                    assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(Duration.ofSeconds(30));
                    org.awaitility.Awaitility.await("alice's typing ends on B").atMost(Duration.ofSeconds(30)).until(() -> {
                        List<String> seen = bob.seen.stream().map(e -> e.get("type") + "/" + e.get("user_id")).toList();
                        return seen.lastIndexOf("typing.stop/alice") > seen.lastIndexOf("typing.start/alice");
                    });
                    assertThat(online(onB, "alice")).isFalse();
                    assertThat(failovers.get(120, java.util.concurrent.TimeUnit.SECONDS)).as("the client failed over").isEqualTo(1);
                    burst.shutdown();
                    List<Long> stored = new java.util.ArrayList<>();
                    for (Map<String, Object> m : onB.as("bob", "GET", "/channels/messaging/both/messages?seq_gt=1&limit=300", null).list("messages")) {
                        stored.add(((Number) m.get("seq")).longValue());
                    }
                    assertThat(acknowledged).hasSize(40);
                    assertThat(SyncIT.Counts.check(acknowledged, stored)).isEqualTo(new SyncIT.Counts(0, 0, 0, 0));
                    assertThat(stored).containsExactlyInAnyOrderElementsOf(acknowledged);
                    long lastBurst = stored.get(stored.size() - 1);

                    // 5. meanwhile B goes on; alice reconnects to B and fetches everything after her last seq
                    for (int i = 0; i < 5; i++) {
                        onB.as("bob", "POST", "/channels/messaging/both/message", Map.of("message", Map.of("text", "while A was down " + i)));
                    }
                    try (WsClient aliceAgain = WsClient.connect(b, onB.apiKey, onB.userToken("alice"))) {
                        aliceAgain.await("health.check", 20);
                        Api.Res missed = onB.as("alice", "POST", "/channels/messaging/both/query", Map.of("messages", Map.of("seq_gt", lastBurst, "limit", 100)));
                        assertThat(missed.list("messages")).extracting(m -> ((Number) m.get("seq")).longValue())
                                .containsExactly(lastBurst + 1, lastBurst + 2, lastBurst + 3, lastBurst + 4, lastBurst + 5);
                    }
                    bob.close();
                }
            } finally {
                a.stop();
                b.stop();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static boolean online(Api api, String userId) throws Exception {
        Api.Res r = api.asServer("POST", "/users/query", Map.of("filter_conditions", Map.of("id", userId)));
        return Boolean.TRUE.equals(r.list("users").get(0).get("online"));
    }
}
