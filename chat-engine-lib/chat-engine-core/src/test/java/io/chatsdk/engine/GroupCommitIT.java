package io.chatsdk.engine;

import io.chatsdk.engine.audit.AuditEntry;
import io.chatsdk.engine.audit.AuditScope;
import io.chatsdk.engine.blocklist.Blocklist;
import io.chatsdk.engine.blocklist.BlocklistBehavior;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.spi.ChatEvent;
import io.chatsdk.engine.testing.BackendKiller;
import io.chatsdk.engine.testing.EngineFixture;
import io.chatsdk.engine.testing.EngineTest;
import io.chatsdk.engine.testing.Senders;
import io.chatsdk.engine.testing.StoredSends;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #15: concurrent sends to one channel on one node share a transaction and its commit (group commit). Rows
 * written in one transaction carry that transaction's id ({@code xmin}), so the database itself shows how the sends
 * were grouped. Whatever the grouping, seq stays gap-free, each send keeps its own audit record, concurrent
 * duplicates of a client id give one message, a refused send fails alone, and no acknowledged send is lost when the
 * database's connections are killed mid-batch.
 */
class GroupCommitIT extends EngineTest {
    static final int SENDERS = 16;

    @Test
    void concurrentSendersShareCommitsWithGapFreeSeqsAndEachTheirOwnAuditRecord() throws Exception {
        AppHandle app = fx.newApp(SENDERS);
        Cid cid = hotChannel(app, "hot");
        long rerunsBefore = fx.engine.groupCommitReruns();
        Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger unwritten = new AtomicInteger();
        int perSender = 40;
        Senders.concurrently(SENDERS, (user, n) -> {
            for (int i = 0; i < perSender; i++) {
                String id = "gc1-" + user + "-" + i;
                try (AuditScope scope = AuditScope.open(sendEntry(app, user, id))) {
                    acknowledged.add(app.as(user).messages().send(cid, NewMessage.text("hot " + id).withId(id)).seq());
                    if (!scope.written()) {
                        unwritten.incrementAndGet();
                    }
                }
            }
        });
        int total = SENDERS * perSender;
        StoredSends.assertExactlyAcknowledged(app, cid, acknowledged, total);
        Grouping g = grouping(fx, "gc1-%");
        assertThat(g.rows()).isEqualTo(total);
        assertThat(g.transactions()).as("the sends shared transactions").isLessThan(total);
        assertThat(unwritten.get()).as("every send committed its own audit record").isZero();
        assertThat(fx.count("select (select count(*) from audit_log where action = 'test.send' and resource_id like 'gc1-%')"
                + " + (select count(*) from audit_pending where action = 'test.send' and resource_id like 'gc1-%')"))
                .as("one audit record per send, written or still to chain").isEqualTo(total);
        // a batch writes its sends' records together: each is still its own send's, every field in place, and the chain
        // holds them in the order the sends took their seqs
        fx.await("the audit writer chaining the sends' records", java.time.Duration.ofSeconds(15),
                () -> fx.count("select count(*) from audit_pending where action = 'test.send' and resource_id like 'gc1-%'") == 0);
        assertThat(fx.count("select count(*) from audit_log a join message m on m.app_id = a.app_id and m.id = a.resource_id "
                + "where a.action = 'test.send' and a.resource_id like 'gc1-%' and a.actor_type = 'user' and a.actor_id = m.user_id "
                + "and a.actor_role = 'role-' || m.user_id and a.resource_type = 'message' and a.ip = '203.0.113.7' "
                + "and a.user_agent = 'agent/' || m.id and a.outcome = 'success' and a.reason = 'why ' || m.id and a.details ->> 'n' = m.id"))
                .as("records whose every field is their own send's").isEqualTo(total);
        assertThat(strings("select resource_id from audit_log where action = 'test.send' and resource_id like 'gc1-%' order by chain, seq"))
                .as("records chained in seq order").isEqualTo(strings("select id from message where id like 'gc1-%' order by seq"));
        // no batch needed its rerun with savepoints: the first run (outbox rows held back, views read ahead) committed them all
        assertThat(fx.engine.groupCommitReruns()).as("batches run again").isEqualTo(rerunsBefore);
        // a batch's outbox rows are written together after its last send: their ids still ascend in seq order
        List<ChatEvent> events = fx.events(app, e -> e.type().equals("message.new"));
        assertThat(events).hasSize(total);
        assertThat(events.stream().map(ChatEvent::id).toList()).as("outbox ids").isSorted().doesNotHaveDuplicates();
        assertThat(events.stream().map(ChatEvent::seq).toList()).as("seqs in outbox id order").isSorted().doesNotHaveDuplicates();
        System.out.printf("group commit: %d sends from %d threads to one channel in %d transactions%n", total, SENDERS, g.transactions());
    }

    @Test
    void withALimitOfOneEverySendCommitsAlone() throws Exception {
        try (EngineFixture alone = new EngineFixture(b -> b.groupCommitLimit(1))) {
            AppHandle app = alone.newApp(SENDERS);
            Cid cid = hotChannel(app, "alone");
            Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
            Senders.concurrently(SENDERS, (user, n) -> {
                for (int i = 0; i < 10; i++) {
                    String id = "gc0-" + user + "-" + i;
                    acknowledged.add(app.as(user).messages().send(cid, NewMessage.text(id).withId(id)).seq());
                }
            });
            StoredSends.assertExactlyAcknowledged(app, cid, acknowledged, SENDERS * 10);
            Grouping g = grouping(alone, "gc0-%");
            assertThat(g.transactions()).as("the measure tells grouped sends from lone ones").isEqualTo(g.rows()).isEqualTo(SENDERS * 10);
        }
    }

    @Test
    void concurrentDuplicatesOfAClientIdGiveOneMessageAndARefusedSendFailsAlone() throws Exception {
        AppHandle app = fx.newApp(SENDERS + 1);   // u17 is no member of the channel
        Cid cid = hotChannel(app, "dups");
        int rounds = 15;
        Map<String, Set<String>> answers = new ConcurrentHashMap<>();
        Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger refused = new AtomicInteger();
        List<String> wrongErrors = new java.util.concurrent.CopyOnWriteArrayList<>();
        Senders.concurrently(SENDERS, (user, n) -> {
            for (int r = 0; r < rounds; r++) {
                // half the threads send one client id of u1's at once; the others their own sends; one thread also a refused send
                if (n % 2 == 0) {
                    Message m = app.as("u1").messages().send(cid, NewMessage.text("dup " + r).withId("gc2-dup-" + r));
                    answers.computeIfAbsent("gc2-dup-" + r, k -> ConcurrentHashMap.newKeySet()).add(m.id() + "@" + m.seq());
                    acknowledged.add(m.seq());
                } else {
                    acknowledged.add(app.as(user).messages().send(cid, NewMessage.text("own " + r).withId("gc2-" + user + "-" + r)).seq());
                }
                if (n == 1) {
                    try {
                        app.as("u17").messages().send(cid, NewMessage.text("not a member").withId("gc2-refused-" + r));
                        wrongErrors.add("a non-member's send was accepted");
                    } catch (ChatException e) {
                        if (e.code().category() != ErrorCode.Category.FORBIDDEN) {
                            wrongErrors.add(e.code() + ": " + e.getMessage());
                        }
                        refused.incrementAndGet();
                    }
                }
            }
        });
        assertThat(wrongErrors).isEmpty();
        assertThat(refused.get()).isEqualTo(rounds);
        int distinct = rounds + (SENDERS / 2) * rounds;
        StoredSends.assertExactlyAcknowledged(app, cid, acknowledged, distinct);
        for (int r = 0; r < rounds; r++) {
            assertThat(answers.get("gc2-dup-" + r)).as("every duplicate of round " + r + " got the one stored message").hasSize(1);
        }
        assertThat(fx.count("select count(*) from message where id like 'gc2-dup-%'")).isEqualTo(rounds);
        assertThat(fx.count("select count(*) from message where id like 'gc2-refused-%'")).isZero();
    }

    @Test
    void eachSendOfABatchIsCheckedAsItsOwnSender() throws Exception {
        // a batch reads every sender's view of the channel in one query before its first send (Db.ReadAhead): each send
        // must still get its own sender's view, whoever shares its batch
        AppHandle app = fx.newApp(SENDERS);
        Cid cid = hotChannel(app, "views");
        app.moderation().ban("u3", null, null, null, true);   // shadow-banned in the app: stored, shown to no one else
        app.moderation().ban("u4", cid, null, null, true);    // shadow-banned in this channel only
        // a user's own message with this phrase is shadowed; the server's in that user's name is not (servers are not checked)
        app.blocklists().put(new Blocklist("quiet", BlocklistBehavior.SHADOW, List.of("hush"), List.of()), List.of("messaging"));
        long rerunsBefore = fx.engine.groupCommitReruns();
        Map<String, Set<Boolean>> shadowed = new ConcurrentHashMap<>();
        int perSender = 30;
        Senders.concurrently(SENDERS, (user, n) -> {
            for (int i = 0; i < perSender; i++) {
                String id = "gc4-" + user + "-" + i;
                Message m;
                if (user.equals("u5")) {
                    // u5 sends its own and the server sends in u5's name, both with the phrase: two actors, one user
                    boolean own = i % 2 == 0;
                    NewMessage text = NewMessage.text("hush " + id).withId(id);
                    m = own ? app.as("u5").messages().send(cid, text) : app.messages().send(cid, text.from("u5"));
                    shadowed.computeIfAbsent(own ? "u5" : "server as u5", k -> ConcurrentHashMap.newKeySet()).add(m.shadowed());
                } else {
                    m = app.as(user).messages().send(cid, NewMessage.text(id).withId(id));
                    shadowed.computeIfAbsent(user, k -> ConcurrentHashMap.newKeySet()).add(m.shadowed());
                }
                assertThat(m.userId()).isEqualTo(user);
            }
        });
        int total = SENDERS * perSender;
        for (int u = 1; u <= SENDERS; u++) {
            boolean banned = u == 3 || u == 4 || u == 5;
            assertThat(shadowed.get("u" + u)).as("u" + u + "'s own sends shadowed?").containsExactly(banned);
        }
        assertThat(shadowed.get("server as u5")).as("the server's sends in u5's name shadowed?").containsExactly(false);
        assertThat(fx.count("select count(*) from message where id like 'gc4-%' and shadowed")).isEqualTo(2L * perSender + perSender / 2);
        assertThat(fx.count("select count(*) from message where id like 'gc4-%' and shadowed and user_id not in ('u3', 'u4', 'u5')")).isZero();
        assertThat(fx.engine.groupCommitReruns()).as("batches run again (each send was judged in the first run)").isEqualTo(rerunsBefore);
        assertThat(fx.count("select count(distinct seq) from message where id like 'gc4-%'")).isEqualTo(total);
        assertThat(fx.count("select max(seq) - min(seq) + 1 from message where id like 'gc4-%'")).as("gap-free").isEqualTo(total);
        assertThat(grouping(fx, "gc4-%").transactions()).as("the sends shared transactions").isLessThan(total);
    }

    @Test
    void aBatchWritesItsPlainSendsTogetherAndLeavesTheRowsItsSendsWouldOneByOne() throws Exception {
        // one batch, in this order: a plain send (its statement gives the batch the channel's seq), plain sends held back,
        // a reply to a held send (its read of the parent writes the held rows first), a send with a mention (written at
        // once, after the held ones), then more held sends, two of one user's, and a shadowed one last
        AppHandle app = fx.newApp(SENDERS);
        Cid cid = hotChannel(app, "held");
        app.moderation().ban("u6", null, null, null, true);
        long rerunsBefore = fx.engine.groupCommitReruns();
        // counts the statements that update this channel's row: a held send takes its seq without one
        fx.execute("create table gc5_channel_update (at timestamptz)");
        fx.execute("create function gc5_count() returns trigger language plpgsql as $$ begin insert into gc5_channel_update values (now()); "
                + "return null; end $$");
        fx.execute("create trigger gc5_count after update on channel for each row when (new.id = 'held') execute function gc5_count()");
        List<Message> sent;
        try {
            sent = queuedBehindALockedChannel(app, cid, List.of(
                () -> app.as("u2").messages().send(cid, NewMessage.text("x").withId("gc5-x")),
                () -> app.as("u3").messages().send(cid, NewMessage.text("parent").withId("gc5-p")),
                () -> app.as("u4").messages().send(cid, NewMessage.text("reply").withId("gc5-r").replyTo("gc5-p", false)),
                () -> app.as("u2").messages().send(cid, NewMessage.text("hi u3").withId("gc5-y").mentioning(List.of("u3"))),
                () -> app.as("u3").messages().send(cid, NewMessage.text("z").withId("gc5-z")),
                () -> app.as("u5").messages().send(cid, NewMessage.text("v1").withId("gc5-v1")),
                () -> app.as("u5").messages().send(cid, NewMessage.text("v2").withId("gc5-v2")),
                () -> app.as("u6").messages().send(cid, NewMessage.text("s").withId("gc5-s"))));
        } finally {
            fx.execute("drop trigger if exists gc5_count on channel");
        }
        // the lone first send; in the batch: x, the held p written for r's read, r, y, and the last four held ones together
        assertThat(fx.count("select count(*) from gc5_channel_update")).as("updates of the channel's row").isEqualTo(6);
        assertThat(fx.engine.groupCommitReruns()).as("batches run again").isEqualTo(rerunsBefore);
        assertThat(grouping(fx, "gc5-%")).as("one transaction for the batch").isEqualTo(new Grouping(sent.size(), 1));
        long first = sent.get(0).seq();
        for (int k = 0; k < sent.size(); k++) {
            assertThat(sent.get(k).seq()).as("seq of " + sent.get(k).id()).isEqualTo(first + k);
        }
        assertThat(strings("select id || ':' || seq from message where id like 'gc5-%' order by seq"))
                .as("each row stored with the seq its send answered")
                .isEqualTo(sent.stream().map(m -> m.id() + ":" + m.seq()).toList());
        assertThat(fx.count("select reply_count from message where id = 'gc5-p'")).isEqualTo(1);
        assertThat(fx.count("select count(*) from message where id = 'gc5-r' and parent_id = 'gc5-p'")).isEqualTo(1);
        assertThat(fx.count("select count(*) from user_message_flag where message_id = 'gc5-y' and user_id = 'u3'")).isEqualTo(1);
        assertThat(fx.count("select count(*) from message where id like 'gc5-%' and shadowed")).isEqualTo(1);
        String channel = "(select pk from channel where app_id = '" + app.id().value() + "' and type = 'messaging' and id = 'held')";
        assertThat(fx.count("select last_seq from channel where pk = " + channel)).isEqualTo(first + sent.size() - 1);
        // the last message anyone else sees is v2's (s is shadowed); the channel was last updated by s
        assertThat(fx.count("select count(*) from channel c where c.pk = " + channel
                + " and c.last_message_at = (select created_at from message where id = 'gc5-v2')"
                + " and c.updated_at = (select created_at from message where id = 'gc5-s')")).isEqualTo(1);
        // each sender has read up to its own last message of the batch, at that message's time
        for (String[] read : List.of(new String[] {"u2", "gc5-y"}, new String[] {"u3", "gc5-z"}, new String[] {"u4", "gc5-r"},
                new String[] {"u5", "gc5-v2"}, new String[] {"u6", "gc5-s"})) {
            assertThat(fx.count("select count(*) from channel_member cm join message m on m.id = '" + read[1] + "' where cm.channel_pk = "
                    + channel + " and cm.user_id = '" + read[0] + "' and cm.last_read_seq = m.seq and cm.last_read_at = m.created_at"))
                    .as(read[0] + " has read up to " + read[1]).isEqualTo(1);
        }
        List<ChatEvent> events = fx.events(app, e -> e.type().equals("message.new") && e.cid().equals(cid.toString()));
        assertThat(events.stream().map(ChatEvent::seq).toList()).as("events in seq order")
                .containsSubsequence(sent.stream().map(Message::seq).toList());
    }

    @Test
    void aRepeatedClientIdAmongHeldSendsGetsTheStoredMessage() throws Exception {
        // both sends of one client id are held back in one batch: the write finds the id taken, the batch runs again with
        // savepoints, and the repeat gets the first's message, as it would alone
        AppHandle app = fx.newApp(SENDERS);
        Cid cid = hotChannel(app, "held-dups");
        long rerunsBefore = fx.engine.groupCommitReruns();
        List<Message> sent = queuedBehindALockedChannel(app, cid, List.of(
                () -> app.as("u2").messages().send(cid, NewMessage.text("x").withId("gc6-x")),
                () -> app.as("u3").messages().send(cid, NewMessage.text("once").withId("gc6-d")),
                () -> app.as("u3").messages().send(cid, NewMessage.text("once").withId("gc6-d")),
                () -> app.as("u4").messages().send(cid, NewMessage.text("y").withId("gc6-y"))));
        assertThat(fx.engine.groupCommitReruns()).as("the batch ran again once").isEqualTo(rerunsBefore + 1);
        assertThat(sent.get(2).seq()).as("the repeat's answer").isEqualTo(sent.get(1).seq());
        assertThat(sent.get(2).id()).isEqualTo("gc6-d");
        assertThat(fx.count("select count(*) from message where id like 'gc6-%'")).isEqualTo(3);
        assertThat(fx.count("select max(seq) - min(seq) + 1 from message where id like 'gc6-%'")).as("gap-free").isEqualTo(3);
        assertThat(sent.get(3).seq()).isEqualTo(sent.get(1).seq() + 1);
    }

    @Test
    void killedConnectionsMidBatchLoseNoAcknowledgedSend() throws Exception {
        AppHandle app = fx.newApp(SENDERS);
        Cid cid = hotChannel(app, "killed");
        AtomicInteger retries = new AtomicInteger();
        BackendKiller killer = BackendKiller.start(fx.dataSource, 20);
        Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        int perSender = 20;
        try {
            Senders.concurrently(SENDERS, (user, n) -> {
                for (int i = 0; i < perSender; i++) {
                    String id = "gc3-" + user + "-" + i;
                    for (int attempt = 1; ; attempt++) {
                        try {
                            acknowledged.add(app.as(user).messages().send(cid, NewMessage.text(id).withId(id)).seq());
                            break;
                        } catch (ChatException e) {
                            assertThat(e.code()).as("a killed connection is reported as retryable").isIn(ErrorCode.UNAVAILABLE, ErrorCode.CONFLICT);
                            assertThat(attempt).as("retries of " + id).isLessThan(50);
                            retries.incrementAndGet();
                        }
                    }
                }
            });
        } finally {
            killer.close();
        }
        assertThat(killer.killed()).as("backends were really killed").isPositive();
        StoredSends.assertExactlyAcknowledged(app, cid, acknowledged, SENDERS * perSender);
        assertThat(grouping(fx, "gc3-%").transactions()).as("the sends shared transactions").isLessThan(SENDERS * perSender);
        System.out.printf("group commit under killed connections: %d backends terminated, %d retries, %d acknowledged, all stored once%n",
                killer.killed(), retries.get(), SENDERS * perSender);
    }

    // ---- helpers

    private static Cid hotChannel(AppHandle app, String name) {
        List<String> members = new ArrayList<>();
        for (int i = 2; i <= SENDERS; i++) {
            members.add("u" + i);
        }
        return app.channels().getOrCreate("messaging", name, ChannelInput.withMembers("u1", members)).channel().cid();
    }

    /**
     * Sends the given sends in this order, each on its own thread, while another connection holds the channel's row lock:
     * a first send takes the lane and waits for the lock, the given ones queue behind it and form the next batch.
     */
    private static List<Message> queuedBehindALockedChannel(AppHandle app, Cid cid, List<java.util.concurrent.Callable<Message>> sends)
            throws Exception {
        var pool = java.util.concurrent.Executors.newCachedThreadPool();
        try (var lock = fx.dataSource.getConnection()) {
            lock.setAutoCommit(false);
            try (var ps = lock.prepareStatement("select 1 from channel where app_id = ? and type = ? and id = ? for update")) {
                ps.setObject(1, app.id().value());
                ps.setString(2, cid.type());
                ps.setString(3, cid.id());
                ps.executeQuery().close();
            }
            var first = pool.submit(() -> app.as("u1").messages().send(cid, NewMessage.text("first")));
            fx.await("the first send waiting for the channel's row", () -> fx.count(
                    "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query like 'with s as (update channel%'") == 1);
            List<java.util.concurrent.Future<Message>> queued = new ArrayList<>();
            for (var send : sends) {
                queued.add(pool.submit(send));
                Thread.sleep(250);   // so that they queue in this order
            }
            lock.rollback();
            first.get(30, java.util.concurrent.TimeUnit.SECONDS);
            List<Message> out = new ArrayList<>();
            for (var f : queued) {
                out.add(f.get(30, java.util.concurrent.TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** A send's audit entry whose every field but the constant ones names its sender or its message. */
    private static AuditEntry sendEntry(AppHandle app, String user, String messageId) {
        return new AuditEntry(app.id(), "user", user, "role-" + user, "test.send", "message", messageId, "203.0.113.7", "agent/" + messageId, true,
                "why " + messageId, Map.of("n", messageId));
    }

    private static List<String> strings(String sql) throws java.sql.SQLException {
        List<String> out = new ArrayList<>();
        try (var c = fx.dataSource.getConnection(); var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    record Grouping(long rows, long transactions) {
    }

    /** How many messages matching the id pattern there are, and how many transactions wrote them. */
    private static Grouping grouping(EngineFixture f, String idPattern) {
        return new Grouping(f.count("select count(*) from message where id like '" + idPattern + "'"),
                f.count("select count(distinct xmin::text) from message where id like '" + idPattern + "'"));
    }
}
