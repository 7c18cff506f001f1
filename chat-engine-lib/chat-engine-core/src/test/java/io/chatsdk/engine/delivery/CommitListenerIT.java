package io.chatsdk.engine.delivery;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.spi.ChatEvent;
import io.chatsdk.engine.spi.CommitListener;
import io.chatsdk.engine.testing.BackendKiller;
import io.chatsdk.engine.testing.EngineFixture;
import io.chatsdk.engine.testing.EngineTest;
import io.chatsdk.engine.testing.Senders;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue #15: the engine tells a {@link CommitListener} of each transaction's events around its commit, so that a
 * WebSocket layer can serve its own subscribers before the outbox relay publishes. What it hears must be what the bus
 * later carries (same outbox ids, same payloads), only what committed, and, for one channel, in commit order, because
 * each transaction is prepared while it still holds the channel's row lock.
 */
class CommitListenerIT extends EngineTest {

    /** Every call, in the order the calls were made. */
    static final class Recorder implements CommitListener {
        record Call(String kind, List<ChatEvent> events) {
        }

        final List<Call> calls = new ArrayList<>();

        @Override
        public synchronized void prepared(List<ChatEvent> events) {
            calls.add(new Call("prepared", events));
        }

        @Override
        public synchronized void committed(List<ChatEvent> events) {
            calls.add(new Call("committed", events));
        }

        @Override
        public synchronized void aborted(List<ChatEvent> events) {
            calls.add(new Call("aborted", events));
        }

        synchronized List<ChatEvent> heard(String kind, AppHandle app) {
            return calls.stream().filter(c -> c.kind().equals(kind)).flatMap(c -> c.events().stream()).filter(e -> e.appId().equals(app.id())).toList();
        }

        synchronized List<Call> calls() {
            return List.copyOf(calls);
        }
    }

    @AfterEach
    void noListener() {
        fx.engine.commitListener(null);
    }

    @Test
    void committedEventsAreHeardWithTheirOutboxIdsAndTheBusPayloads() {
        Recorder r = new Recorder();
        fx.engine.commitListener(r);
        AppHandle app = fx.newApp(3);
        Cid cid = EngineFixture.channel(app, "u1", "u2");
        Message first = app.as("u1").messages().send(cid, NewMessage.text("one"));
        app.as("u2").messages().send(cid, NewMessage.text("two"));
        app.as("u2").reactions().react(first.id(), "like", 1, Map.of(), false, null);

        List<ChatEvent> committed = r.heard("committed", app);
        List<ChatEvent> relayed = fx.events(app, e -> e.id() > 0);
        assertThat(committed).extracting(ChatEvent::type).contains("channel.created", "message.new", "reaction.new");
        assertThat(committed).extracting(ChatEvent::id).containsExactlyElementsOf(relayed.stream().map(ChatEvent::id).toList());
        Map<Long, ChatEvent> byId = new HashMap<>();
        relayed.forEach(e -> byId.put(e.id(), e));
        for (ChatEvent heard : committed) {
            ChatEvent bus = byId.get(heard.id());
            assertThat(heard.type()).isEqualTo(bus.type());
            assertThat(heard.cid()).isEqualTo(bus.cid());
            assertThat(heard.seq()).isEqualTo(bus.seq());
            assertThat(heard.createdAt()).isEqualTo(bus.createdAt());
            assertThat(heard.payload()).as("the payload of %s #%d", heard.type(), heard.id()).isEqualTo(bus.payload());
        }
        // each transaction: prepared, then committed, with the same events
        assertThat(r.heard("prepared", app)).isEqualTo(committed);
        assertThat(r.heard("aborted", app)).isEmpty();
    }

    @Test
    void aRefusedSendIsNeverHeard() {
        Recorder r = new Recorder();
        AppHandle app = fx.newApp(3);
        Cid cid = EngineFixture.channel(app, "u1", "u2");
        fx.engine.commitListener(r);
        assertThatThrownBy(() -> app.as("u3").messages().send(cid, NewMessage.text("not a member")))
                .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
        assertThat(r.calls()).isEmpty();
    }

    @Test
    void concurrentSendsToOneChannelArePreparedInSeqOrderAndRefusedOnesAreDropped() throws Exception {
        int senders = 8;
        int perSender = 25;
        Recorder r = new Recorder();
        AppHandle app = fx.newApp(senders + 1);
        List<String> others = new ArrayList<>();
        for (int i = 2; i <= senders; i++) {
            others.add("u" + i);
        }
        Cid cid = EngineFixture.channel(app, "u1", others.toArray(String[]::new));
        fx.engine.commitListener(r);
        AtomicInteger refused = new AtomicInteger();
        // u9 is no member: its sends fail inside the batches they join, which then commit the others
        Senders.concurrently(senders + 1, (user, n) -> {
            for (int i = 0; i < perSender; i++) {
                try {
                    app.as(user).messages().send(cid, NewMessage.text(user + " " + i));
                } catch (ChatException e) {
                    assertThat(user).isEqualTo("u" + (senders + 1));
                    refused.incrementAndGet();
                }
            }
        });
        assertThat(refused.get()).isEqualTo(perSender);
        List<Long> preparedSeqs = r.heard("prepared", app).stream().filter(e -> e.type().equals("message.new")).map(ChatEvent::seq).toList();
        List<Long> expected = new ArrayList<>();
        for (long s = 1; s <= (long) senders * perSender; s++) {
            expected.add(s);
        }
        assertThat(preparedSeqs).as("prepared under the channel's lock: in seq order, none missing, none refused").isEqualTo(expected);
        assertThat(r.heard("committed", app).stream().filter(e -> e.type().equals("message.new")).map(ChatEvent::seq).toList()).isEqualTo(expected);
        assertThat(r.heard("committed", app)).noneMatch(e -> String.valueOf(e.payload()).contains("u" + (senders + 1) + " "));
        // a batch's outbox rows are written together after its last send: their ids still ascend in seq order (the relay
        // publishes in id order), and each event keeps its own id and payload
        assertThat(r.calls()).as("some transactions carried several sends").anyMatch(c -> c.kind().equals("prepared")
                && c.events().stream().filter(e -> e.type().equals("message.new")).count() > 1);
        List<ChatEvent> heardNew = r.heard("committed", app).stream().filter(e -> e.type().equals("message.new")).toList();
        List<Long> ids = heardNew.stream().map(ChatEvent::id).toList();
        assertThat(ids).as("outbox ids in seq order").isSortedAccordingTo(Long::compare).doesNotHaveDuplicates();
        List<ChatEvent> relayed = fx.events(app, e -> e.type().equals("message.new"));
        assertThat(relayed).extracting(ChatEvent::id).containsExactlyElementsOf(ids);
        for (int i = 0; i < relayed.size(); i++) {
            assertThat(heardNew.get(i).seq()).isEqualTo(relayed.get(i).seq());
            assertThat(heardNew.get(i).payload()).as("the payload of event #%d", ids.get(i)).isEqualTo(relayed.get(i).payload());
        }
    }

    @Test
    void underKilledConnectionsEachPreparedTransactionEndsOnceAndOnlyCommittedRowsAreHeardAsCommitted() throws Exception {
        Recorder r = new Recorder();
        AppHandle app = fx.newApp(8);
        Cid cid = EngineFixture.channel(app, "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8");
        fx.engine.commitListener(r);
        AtomicInteger failures = new AtomicInteger();
        BackendKiller killer = BackendKiller.start(fx.dataSource, 15);
        try {
            Senders.concurrently(8, (user, n) -> {
                for (int i = 0; i < 30; i++) {
                    try {
                        app.as(user).messages().send(cid, NewMessage.text(user + " " + i).withId("cl-" + user + "-" + i));
                    } catch (ChatException e) {
                        failures.incrementAndGet();
                    }
                }
            });
        } finally {
            killer.close();
        }
        assertThat(killer.killed()).as("backends were really killed").isPositive();
        // every prepared transaction has exactly one outcome, right after it on the same thread's sequence of calls
        int open = 0;
        for (Recorder.Call c : r.calls()) {
            if (c.events().stream().noneMatch(e -> e.appId().equals(app.id()))) {
                continue;
            }
            open += c.kind().equals("prepared") ? 1 : -1;
            assertThat(open).as("outcomes never outnumber preparations").isGreaterThanOrEqualTo(0);
        }
        assertThat(open).as("every preparation has an outcome").isZero();
        // a stored event is either still in the outbox or was published by the relay, which deletes its row
        Set<Long> stored = new HashSet<>();
        fx.events(app, e -> true).forEach(e -> stored.add(e.id()));
        List<Long> committed = r.heard("committed", app).stream().map(ChatEvent::id).toList();
        assertThat(stored).as("what was heard as committed was stored: the relay published it").containsAll(committed);
        assertThat(new HashSet<>(committed)).as("heard once each").hasSize(committed.size());
        System.out.printf("commit listener under killed connections: %d backends terminated, %d failed sends, %d committed and %d aborted events heard%n",
                killer.killed(), failures.get(), committed.size(), r.heard("aborted", app).size());
    }

}
