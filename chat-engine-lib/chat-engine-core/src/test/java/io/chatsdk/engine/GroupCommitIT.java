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
        // one batch, in this order: a plain send (its statement gives the batch the channel's seq), a held send, a reply to
        // it (its read of the parent writes the held rows first), another held send, a send with a mention (it writes the
        // held rows before its own statement), then more held sends: two of one user's, a silent one, a system message the
        // server sends in a user's name, and a shadowed one last
        AppHandle app = fx.newApp(SENDERS);
        Cid cid = hotChannel(app, "held");
        app.moderation().ban("u6", null, null, null, true);
        long rerunsBefore = fx.engine.groupCommitReruns();
        List<NewMessage> asSent = new ArrayList<>();
        List<Message> sent = countingChannelUpdates("held", () -> queuedBehindALockedChannel(app, cid, List.of(
                send(app, "u2", cid, NewMessage.text("x").withId("gc5-x"), asSent),
                send(app, "u3", cid, NewMessage.text("parent").withId("gc5-p"), asSent),
                send(app, "u4", cid, NewMessage.text("reply").withId("gc5-r").replyTo("gc5-p", false), asSent),
                send(app, "u7", cid, NewMessage.text("q").withId("gc5-q"), asSent),
                send(app, "u2", cid, NewMessage.text("hi u3").withId("gc5-y").mentioning(List.of("u3")), asSent),
                send(app, "u3", cid, NewMessage.text("z").withId("gc5-z").asSilent(), asSent),
                send(app, "u5", cid, NewMessage.text("v1").withId("gc5-v1"), asSent),
                send(app, "u5", cid, NewMessage.text("v2").withId("gc5-v2"), asSent),
                send(app, null, cid, NewMessage.text("the server says").withId("gc5-w").from("u8").withType("system"), asSent),
                send(app, "u6", cid, NewMessage.text("s").withId("gc5-s"), asSent))), 7);
        // the lone first send; in the batch: x, the held p written for r's read, r, the held q written before y's statement,
        // y, and the last five held ones together (7 above: without holding, one a send, 11)
        assertThat(fx.engine.groupCommitReruns()).as("batches run again").isEqualTo(rerunsBefore);
        assertThat(grouping(fx, "gc5-%")).as("one transaction for the batch").isEqualTo(new Grouping(sent.size(), 1));
        long first = sent.get(0).seq();
        for (int k = 0; k < sent.size(); k++) {
            assertThat(sent.get(k).seq()).as("seq of " + sent.get(k).id()).isEqualTo(first + k);
            // each stored row, read back, is its own send's: author, text, type, silence, seq
            Message stored = app.messages().get(sent.get(k).id());
            NewMessage in = asSent.get(k);
            String author = in.userId() != null ? in.userId() : sent.get(k).userId();
            assertThat(List.of(stored.seq(), stored.userId(), stored.text(), stored.type(), stored.silent()))
                    .as("stored " + in.id())
                    .isEqualTo(List.of(first + k, author, in.text(), in.parentId() != null ? "reply" : in.type() == null ? "regular" : in.type(),
                            in.silent()));
        }
        assertThat(sent.stream().map(Message::userId).toList())
                .containsExactly("u2", "u3", "u4", "u7", "u2", "u3", "u5", "u5", "u8", "u6");
        assertThat(fx.count("select reply_count from message where id = 'gc5-p'")).isEqualTo(1);
        assertThat(fx.count("select count(*) from message where id = 'gc5-r' and parent_id = 'gc5-p'")).isEqualTo(1);
        assertThat(fx.count("select count(*) from user_message_flag where message_id = 'gc5-y' and user_id = 'u3'")).isEqualTo(1);
        assertThat(strings("select id from message where id like 'gc5-%' and shadowed")).containsExactly("gc5-s");
        String channel = channelPk(app, "held");
        assertThat(fx.count("select last_seq from channel where pk = " + channel)).isEqualTo(first + sent.size() - 1);
        // the last message anyone else sees is w's (s is shadowed); the channel was last updated by s
        assertThat(fx.count("select count(*) from channel c where c.pk = " + channel
                + " and c.last_message_at = (select created_at from message where id = 'gc5-w')"
                + " and c.updated_at = (select created_at from message where id = 'gc5-s')")).isEqualTo(1);
        // each sender has read up to its own last message of the batch, at that message's time
        assertReadUpTo(channel, Map.of("u2", "gc5-y", "u3", "gc5-z", "u4", "gc5-r", "u5", "gc5-v2", "u6", "gc5-s", "u7", "gc5-q", "u8", "gc5-w"));
        List<ChatEvent> events = fx.events(app, e -> e.type().equals("message.new") && e.cid().equals(cid.toString()));
        assertThat(events.stream().map(ChatEvent::seq).toList()).as("events in seq order")
                .containsSubsequence(sent.stream().map(Message::seq).toList());
    }

    @Test
    void aBatchWhoseHeldSendsAreAllShadowedKeepsTheLastVisibleMessageTime() throws Exception {
        AppHandle app = fx.newApp(SENDERS);
        Cid cid = hotChannel(app, "held-shadowed");
        app.moderation().ban("u6", null, null, null, true);
        List<NewMessage> asSent = new ArrayList<>();
        List<Message> sent = queuedBehindALockedChannel(app, cid, List.of(
                send(app, "u2", cid, NewMessage.text("x").withId("gc7-x"), asSent),
                send(app, "u6", cid, NewMessage.text("s1").withId("gc7-s1"), asSent),
                send(app, "u6", cid, NewMessage.text("s2").withId("gc7-s2"), asSent)));
        assertThat(grouping(fx, "gc7-%")).as("one transaction for the batch").isEqualTo(new Grouping(3, 1));
        assertThat(sent.get(2).seq()).isEqualTo(sent.get(0).seq() + 2);
        String channel = channelPk(app, "held-shadowed");
        assertThat(fx.count("select count(*) from channel c where c.pk = " + channel
                + " and c.last_message_at = (select created_at from message where id = 'gc7-x')"
                + " and c.updated_at = (select created_at from message where id = 'gc7-s2')"
                + " and c.last_seq = (select seq from message where id = 'gc7-s2')")).isEqualTo(1);
        assertReadUpTo(channel, Map.of("u2", "gc7-x", "u6", "gc7-s2"));
    }

    @Test
    void aRepeatedClientIdAmongHeldSendsGetsTheStoredMessage() throws Exception {
        // two sends of one client id held back in one batch, and a retry of a send committed before it: the write finds an
        // id taken, the batch runs again with savepoints, and each repeat gets the stored message, as it would alone
        AppHandle app = fx.newApp(SENDERS);
        Cid cid = hotChannel(app, "held-dups");
        Message earlier = app.as("u5").messages().send(cid, NewMessage.text("before").withId("gc6-old"));
        long rerunsBefore = fx.engine.groupCommitReruns();
        List<NewMessage> asSent = new ArrayList<>();
        List<Message> sent = countingChannelUpdates("held-dups", () -> queuedBehindALockedChannel(app, cid, List.of(
                send(app, "u2", cid, NewMessage.text("x").withId("gc6-x"), asSent),
                send(app, "u3", cid, NewMessage.text("once").withId("gc6-d"), asSent),
                send(app, "u3", cid, NewMessage.text("once").withId("gc6-d"), asSent),
                send(app, "u4", cid, NewMessage.text("y").withId("gc6-y"), asSent),
                send(app, "u5", cid, NewMessage.text("before").withId("gc6-old"), asSent))), 4);
        // the lone first send, then the rerun's x, d and y (the first run's updates were rolled back)
        assertThat(fx.engine.groupCommitReruns()).as("the batch ran again once").isEqualTo(rerunsBefore + 1);
        assertThat(sent.get(2).seq()).as("the repeat's answer").isEqualTo(sent.get(1).seq());
        assertThat(sent.get(2).id()).isEqualTo("gc6-d");
        assertThat(sent.get(4).seq()).as("the retry's answer").isEqualTo(earlier.seq());
        assertThat(sent.get(3).seq()).isEqualTo(sent.get(1).seq() + 1);
        assertThat(fx.count("select count(*) from message where id like 'gc6-%'")).isEqualTo(4);
        assertThat(fx.count("select max(seq) - min(seq) + 1 from message where id like 'gc6-%' and id <> 'gc6-old'")).as("gap-free").isEqualTo(3);
        String channel = channelPk(app, "held-dups");
        assertThat(fx.count("select last_seq from channel where pk = " + channel)).isEqualTo(sent.get(3).seq());
        assertReadUpTo(channel, Map.of("u2", "gc6-x", "u3", "gc6-d", "u4", "gc6-y", "u5", "gc6-old"));
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

    /** A send of {@code in} by {@code user} (the server when null), noting {@code in} in {@code asSent}. */
    private static java.util.concurrent.Callable<Message> send(AppHandle app, String user, Cid cid, NewMessage in, List<NewMessage> asSent) {
        asSent.add(in);
        return () -> (user == null ? app.messages() : app.as(user).messages()).send(cid, in);
    }

    private static String channelPk(AppHandle app, String id) {
        return "(select pk from channel where app_id = '" + app.id().value() + "' and type = 'messaging' and id = '" + id + "')";
    }

    /** Each user's read marker is at the given message's seq, with its time. */
    private static void assertReadUpTo(String channel, Map<String, String> lastRead) {
        lastRead.forEach((user, message) -> assertThat(fx.count("select count(*) from channel_member cm join message m on m.id = '" + message
                + "' where cm.channel_pk = " + channel + " and cm.user_id = '" + user + "' and cm.last_read_seq = m.seq and cm.last_read_at = m.created_at"))
                .as(user + " has read up to " + message).isEqualTo(1));
    }

    /** Runs {@code work}, counting the statements that update channel {@code id}'s row, and checks that they were {@code expected}. */
    private static <T> T countingChannelUpdates(String id, java.util.concurrent.Callable<T> work, int expected) throws Exception {
        String name = "count_" + id.replace('-', '_');
        fx.execute("create table " + name + " (at timestamptz)");
        fx.execute("create function " + name + "() returns trigger language plpgsql as $$ begin insert into " + name + " values (now()); "
                + "return null; end $$");
        fx.execute("create trigger " + name + " after update on channel for each row when (new.id = '" + id + "') execute function " + name + "()");
        T result;
        long updates;
        try {
            result = work.call();
            updates = fx.count("select count(*) from " + name);
        } finally {
            fx.execute("drop trigger if exists " + name + " on channel");
            fx.execute("drop function if exists " + name + "()");
            fx.execute("drop table if exists " + name);
        }
        assertThat(updates).as("updates of channel " + id + "'s row").isEqualTo(expected);
        return result;
    }

    /**
     * Sends the given sends in this order, each on its own thread, while another connection holds the channel's row lock:
     * a first send takes the lane and waits for the lock, and each given send is queued behind it (its thread waits in
     * the lane) before the next starts, so that they form the next batch in this order.
     */
    private static List<Message> queuedBehindALockedChannel(AppHandle app, Cid cid, List<java.util.concurrent.Callable<Message>> sends)
            throws Exception {
        List<Thread> threads = new ArrayList<>();
        try (var lock = fx.dataSource.getConnection()) {
            lock.setAutoCommit(false);
            try (var ps = lock.prepareStatement("select 1 from channel where app_id = ? and type = ? and id = ? for update")) {
                ps.setObject(1, app.id().value());
                ps.setString(2, cid.type());
                ps.setString(3, cid.id());
                ps.executeQuery().close();
            }
            long lockPid;
            try (var st = lock.createStatement(); var rs = st.executeQuery("select pg_backend_pid()")) {
                rs.next();
                lockPid = rs.getLong(1);
            }
            List<java.util.concurrent.CompletableFuture<Message>> results = new ArrayList<>();
            java.util.function.Consumer<java.util.concurrent.Callable<Message>> start = send -> {
                var result = new java.util.concurrent.CompletableFuture<Message>();
                Thread t = new Thread(() -> {
                    try {
                        result.complete(send.call());
                    } catch (Throwable e) {
                        result.completeExceptionally(e);
                    }
                });
                t.setDaemon(true);
                threads.add(t);
                results.add(result);
                t.start();
            };
            start.accept(() -> app.as("u1").messages().send(cid, NewMessage.text("first")));
            fx.await("the first send waiting for the channel's row",
                    () -> fx.count("select count(*) from pg_stat_activity where " + lockPid + " = any(pg_blocking_pids(pid))") == 1);
            for (var send : sends) {
                start.accept(send);
                Thread t = threads.get(threads.size() - 1);
                // the lane's queue parks it (the send reads nothing before it queues); a send that failed first says why
                fx.await("a send queued behind the first", () -> t.getState() == Thread.State.WAITING || !t.isAlive());
                var result = results.get(results.size() - 1);
                if (result.isCompletedExceptionally()) {
                    result.get();
                }
            }
            lock.rollback();
            List<Message> out = new ArrayList<>();
            for (var r : results) {
                out.add(r.get(30, java.util.concurrent.TimeUnit.SECONDS));
            }
            return out.subList(1, out.size());
        } finally {
            for (Thread t : threads) {
                t.interrupt();
                t.join(10_000);
            }
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
