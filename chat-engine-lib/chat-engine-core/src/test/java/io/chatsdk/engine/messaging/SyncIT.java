package io.chatsdk.engine.messaging;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.ChatEngine;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.model.SyncResult;
import io.chatsdk.engine.testing.EngineTest;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyncIT extends EngineTest {

    @Test
    void returnsExactlyWhatWasMissedAndWhatChanged() throws Exception {
        AppHandle app = fx.newApp(3);
        Cid a = app.channels().getOrCreate("messaging", "a", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
        Cid gone = app.channels().getOrCreate("messaging", "gone", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
        Cid kicked = app.channels().getOrCreate("messaging", "kicked", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
        Message m1 = app.as("u1").messages().send(a, NewMessage.text("one"));
        Message m2 = app.as("u1").messages().send(a, NewMessage.text("two"));
        SyncResult first = app.as("u2").sync().since(Map.of(a.toString(), 0L), null, 100);
        assertThat(first.channels().get("messaging:a").messages()).extracting(Message::seq).containsExactly(1L, 2L);
        Instant syncedAt = first.syncedAt();
        Thread.sleep(5);

        // while u2 is away
        app.as("u1").messages().update(m1.id(), "one, edited", List.of(), null);
        app.as("u1").reactions().react(m2.id(), "like", 1, null, false, null);
        for (int i = 3; i <= 5; i++) {
            app.as("u1").messages().send(a, NewMessage.text("n" + i));
        }
        Cid joined = app.channels().getOrCreate("messaging", "new", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
        app.channels().delete(gone);
        app.channels().removeMembers(kicked, List.of("u2"));

        Map<String, Long> seen = new LinkedHashMap<>();
        seen.put(a.toString(), 2L);
        seen.put(gone.toString(), 0L);
        seen.put(kicked.toString(), 0L);
        seen.put("messaging:nosuch", 0L);
        SyncResult r = app.as("u2").sync().since(seen, syncedAt, 2);
        SyncResult.ChannelSync ca = r.channels().get("messaging:a");
        assertThat(ca.messages()).extracting(Message::seq).containsExactly(3L, 4L);
        assertThat(ca.hasMore()).isTrue();
        assertThat(ca.lastSeq()).isEqualTo(5);
        assertThat(ca.changed()).extracting(Message::id).containsExactly(m1.id(), m2.id());
        assertThat(ca.changed().get(0).text()).isEqualTo("one, edited");
        assertThat(ca.changed().get(1).reactionCounts()).containsEntry("like", 1);
        assertThat(r.joined()).containsExactly(joined.toString());
        assertThat(r.left()).containsExactlyInAnyOrder(gone.toString(), kicked.toString(), "messaging:nosuch");
        assertThat(r.unread().totalUnreadCount()).isEqualTo(5);

        // the next page, from the last seq received: no gap, no duplicate
        SyncResult next = app.as("u2").sync().since(Map.of(a.toString(), 4L), syncedAt, 2);
        assertThat(next.channels().get("messaging:a").messages()).extracting(Message::seq).containsExactly(5L);
        assertThat(next.channels().get("messaging:a").hasMore()).isFalse();
    }

    @Test
    void aGapBeyondTheThresholdSaysReload() {
        AppHandle app = fx.newApp(2);
        Cid big = app.channels().getOrCreate("messaging", "big", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
        for (int i = 0; i < 1001; i++) {
            app.as("u1").messages().send(big, NewMessage.text("m" + i));
        }
        SyncResult.ChannelSync s = app.as("u2").sync().since(Map.of(big.toString(), 0L), null, 100).channels().get(big.toString());
        assertThat(s.reload()).isTrue();
        assertThat(s.messages()).isEmpty();
        assertThat(app.as("u2").sync().since(Map.of(big.toString(), 1L), null, 100).channels().get(big.toString()).reload()).isFalse();
    }

    @Test
    void theReloadThresholdIsConfigurable() {
        try (ChatEngine small = ChatEngine.builder().dataSource(fx.dataSource).keyProvider(io.chatsdk.engine.spi.KeyProvider.aesGcm(fx.masterKey))
                .outboxRelay(false).syncReloadThreshold(3).build()) {
            AppHandle app = small.app(small.apps().create("small").appId());
            app.users().upsertAll(List.of(io.chatsdk.engine.model.UserInput.of("u1"), io.chatsdk.engine.model.UserInput.of("u2")));
            Cid c = app.channels().getOrCreate("messaging", "c", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
            for (int i = 0; i < 5; i++) {
                app.as("u1").messages().send(c, NewMessage.text("m" + i));
            }
            assertThat(app.as("u2").sync().since(Map.of(c.toString(), 1L), null, 10).channels().get(c.toString()).reload()).isTrue();
            assertThat(app.as("u2").sync().since(Map.of(c.toString(), 2L), null, 10).channels().get(c.toString()).messages()).hasSize(3);
        }
        assertThatThrownBy(() -> ChatEngine.builder().syncReloadThreshold(0)).hasMessageContaining("syncReloadThreshold");
    }

    @Test
    void badRequests() {
        AppHandle app = fx.newApp(1);
        assertThatThrownBy(() -> app.sync().since(Map.of(), null, 10)).extracting("code").isEqualTo(ErrorCode.FORBIDDEN);
        assertThatThrownBy(() -> app.as("u1").sync().since(Map.of("messaging:a", -1L), null, 10)).extracting("field").isEqualTo("channels.messaging:a");
        assertThatThrownBy(() -> app.as("u1").sync().since(Map.of("nocolon", 1L), null, 10)).extracting("field").isEqualTo("cid");
        assertThatThrownBy(() -> app.as("u1").sync().since(Map.of(), null, 0)).extracting("field").isEqualTo("limit");
    }
}
