package io.chatsdk.engine.delivery;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.internal.ContentKeys;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.persistence.Db;
import io.chatsdk.engine.persistence.Outbox;
import io.chatsdk.engine.spi.ChatEvent;
import io.chatsdk.engine.spi.KeyProvider;
import io.chatsdk.engine.testing.EngineTest;
import io.chatsdk.engine.types.Cid;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The transactional outbox: events exist only for committed writes and reach subscribers in commit order. */
class OutboxIT extends EngineTest {

    @Test
    void rolledBackWritesPublishNothing() {
        AppHandle app = fx.newApp(2);
        Db db = new Db(fx.dataSource, new ContentKeys(KeyProvider.aesGcm(fx.masterKey), new java.security.SecureRandom(), java.time.Clock.systemUTC()), () -> { });
        try {
            assertThatThrownBy(() -> db.inTransaction(tx -> {
                Outbox.write(tx, app.id(), null, Instant.now(), new io.chatsdk.engine.event.Event.CustomEvent("rolled-back", Cid.parse("messaging:ghost"), "u1",
                        Map.of("marker", "rolled-back")));
                throw new IllegalStateException("boom after the event row was written");
            })).isInstanceOf(IllegalStateException.class);
        } finally {
            db.close();
        }
        // a failing send (mentions a missing user after validation passed) leaves no event and no seq either
        Cid cid = app.channels().getOrCreate("messaging", "c", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
        assertThatThrownBy(() -> app.as("u1").messages().send(cid, NewMessage.text("hi").mentioning(List.of("ghost"))));
        List<ChatEvent> events = fx.events(app, e -> true);
        assertThat(events).noneMatch(e -> "rolled-back".equals(e.payload().get("marker")));
        assertThat(events).noneMatch(e -> e.type().equals("message.new"));
        assertThat(app.channels().get(cid).lastSeq()).isZero();
    }

    @Test
    void subscribersSeeChannelEventsInSeqOrder() {
        AppHandle app = fx.newApp(2);
        List<Long> seen = new CopyOnWriteArrayList<>();
        try (var sub = fx.engine.eventBus().subscribe(e -> {
            if (e.appId().equals(app.id()) && e.type().equals("message.new")) {
                seen.add(e.seq());
            }
        })) {
            Cid cid = app.channels().getOrCreate("messaging", "ordered", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
            for (int i = 0; i < 50; i++) {
                app.as(i % 2 == 0 ? "u1" : "u2").messages().send(cid, NewMessage.text("m" + i));
            }
            fx.awaitRelayed();
        }
        assertThat(seen).hasSize(50);
        assertThat(seen).isSorted();
        assertThat(seen.get(0)).isEqualTo(1L);
    }

    @Test
    void publishedEventsLeaveTheOutbox() {
        AppHandle app = fx.newApp(2);
        Cid cid = app.channels().getOrCreate("messaging", "prune", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
        app.as("u1").messages().send(cid, NewMessage.text("published then deleted"));
        assertThat(fx.events(app, e -> e.type().equals("message.new"))).hasSize(1);
        assertThat(fx.count("select count(*) from outbox_event where app_id = '" + app.id() + "'")).as("a published event's row is deleted").isZero();
    }

    @Test
    void rowsAnEarlierVersionMarkedPublishedAreDeletedUnopened() {
        AppHandle app = fx.newApp(0);
        // before 2026-12-06 the relay marked rows published instead of deleting them, as a node of that version still
        // does during a rolling upgrade: the relay deletes them without publishing them again
        fx.execute("insert into outbox_event (app_id, type, payload, created_at, published_at) values (?, 'channel.created', '{}', now(), now())",
                app.id().value());
        fx.awaitRelayed();
        assertThat(fx.count("select count(*) from outbox_event where app_id = '" + app.id() + "'")).as("the marked row is deleted").isZero();
        assertThat(fx.events(app, e -> true)).as("and not published again").isEmpty();
    }
}
