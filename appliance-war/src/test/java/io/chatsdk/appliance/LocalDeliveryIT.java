package io.chatsdk.appliance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.chatsdk.appliance.WsClient.isMessage;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #15: on a single node (the shared appliance), a message reaches this node's WebSockets straight after its
 * commit, without waiting for the outbox relay, and still never overtakes an earlier event of its channel. The test
 * holds the relay back by taking its advisory lock from a connection of its own, so whatever arrives meanwhile came
 * the early way, and whatever must wait for the relay visibly does.
 */
class LocalDeliveryIT {
    /** The key of the outbox relay's advisory lock ({@code OutboxRelay}): who holds it, publishes. */
    static final long RELAY_LOCK = 0x636861747364_6bL;
    static TestAppliance appliance;
    static Api api;

    @BeforeAll
    static void start() throws Exception {
        appliance = TestAppliance.shared();
        api = Api.newApp(appliance, "local-delivery");
        api.users("alice", "bob", "carol", "dan");
        api.as("alice", "POST", "/channels/messaging/early/query", Map.of("data", Map.of("members", List.of("alice", "bob", "carol", "dan"))));
    }

    String send(String text) throws Exception {
        Api.Res res = api.as("alice", "POST", "/channels/messaging/early/message", Map.of("message", Map.of("text", text)));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return (String) res.obj("message").get("id");
    }

    @Test
    void theSingleNodeKeepsItsEventsInItsJvm() throws Exception {
        // the shared appliance has no cluster members, no external broker and no acceptor (ClusterIT checks the opposite)
        assertThat(java.nio.file.Files.readString(appliance.log)).contains(EngineProducer.EVENTS_IN_JVM);
    }

    @Test
    void theEmbeddedDatabaseLooksForVacuumWorkEveryFiveSeconds() throws Exception {
        // the outbox and audit_pending gather dead rows fast under load (docs/operator-guide.md, docs/performance.md)
        try (Connection db = appliance.runtimeDatabase(); Statement s = db.createStatement(); ResultSet rs = s.executeQuery("show autovacuum_naptime")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("5s");
        }
    }

    @Test
    void aMessageArrivesWhileTheRelayIsHeldButNotAheadOfAnEarlierEventOfItsChannel() throws Exception {
        try (WsClient bob = WsClient.connect(appliance, api.apiKey, api.userToken("bob"))) {
            bob.await("health.check", 10);
            String first = send("first");
            bob.await(e -> isMessage(e, "message.new", first), 10);   // through the relay: the node now knows the channel's seq

            String second;
            String third;
            try (Connection db = appliance.runtimeDatabase(); Statement s = db.createStatement()) {
                s.execute("select pg_advisory_lock(" + RELAY_LOCK + ")");
                second = send("second");
                assertThat(bob.await(e -> isMessage(e, "message.new", second), 5)).as("delivered with the relay held").isNotNull();

                Api.Res reacted = api.as("carol", "POST", "/messages/" + second + "/reaction", Map.of("reaction", Map.of("type", "like")));
                assertThat(reacted.status()).as(reacted.toString()).isEqualTo(201);
                third = send("third");
                Thread.sleep(1500);
                assertThat(bob.seen).as("the reaction waits for the relay, and so does the message committed after it")
                        .noneMatch(e -> "reaction.new".equals(e.get("type")) || isMessage(e, "message.new", third));
                try (ResultSet rs = s.executeQuery("select count(*) from outbox_event where published_at is null and app_id = '" + api.appId + "'")) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("the relay really was held: the second message, the reaction and the third wait").isGreaterThanOrEqualTo(3);
                }
                s.execute("select pg_advisory_unlock(" + RELAY_LOCK + ")");
            }
            bob.await(e -> isMessage(e, "message.new", third), 10);
            Thread.sleep(1000);   // time for a second copy of the early message to show up, were it sent
            List<String> order = bob.seen.stream()
                    .filter(e -> isMessage(e, "message.new", second) || "reaction.new".equals(e.get("type")) || isMessage(e, "message.new", third))
                    .map(e -> e.get("type") + " " + ((Map<?, ?>) e.get("message")).get("text")).toList();
            assertThat(order).as("each once, in commit order").containsExactly("message.new second", "reaction.new second", "message.new third");
        }
    }

    @Test
    void concurrentSendersMessagesArriveOnceEachInSeqOrder() throws Exception {
        try (WsClient dan = WsClient.connect(appliance, api.apiKey, api.userToken("dan"))) {
            dan.await("health.check", 10);
            String warm = send("warm");
            dan.await(e -> isMessage(e, "message.new", warm), 10);
            int perSender = 25;
            List<String> senders = List.of("alice", "bob", "carol");
            api.burst("messaging/early", senders, perSender, 5, "burst");   // reactions between the messages: events that always wait for the relay
            int total = senders.size() * perSender;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (burst(dan).size() < total && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Thread.sleep(1000);   // duplicates would come after
            List<Long> seqs = burst(dan);
            assertThat(seqs).as("every message once").hasSize(total).doesNotHaveDuplicates();
            assertThat(seqs).as("in seq order").isSorted();
        }
    }

    private static List<Long> burst(WsClient c) {
        return c.seen.stream().filter(e -> "message.new".equals(e.get("type")) && e.get("message") instanceof Map<?, ?> m
                && String.valueOf(m.get("text")).startsWith("burst ")).map(e -> ((Number) e.get("seq")).longValue()).toList();
    }
}
