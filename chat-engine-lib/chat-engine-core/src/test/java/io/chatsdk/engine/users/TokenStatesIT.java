package io.chatsdk.engine.users;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.ChatEngine;
import io.chatsdk.engine.model.TokenState;
import io.chatsdk.engine.spi.ChatEvent;
import io.chatsdk.engine.spi.InProcessEventBus;
import io.chatsdk.engine.spi.KeyProvider;
import io.chatsdk.engine.testing.EngineTest;
import io.chatsdk.engine.testing.TestClock;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a token check reads of a user ({@code Users.tokenState}), as two nodes see it: a second engine on the same
 * database with its own event bus and clock stands for another node.
 */
class TokenStatesIT extends EngineTest {

    @Test
    void aChangeAppliesAtOnceOnItsNodeOnAnotherWhenItsEventArrivesAndInAnyCaseAfterTheTimeToLive() {
        AppHandle app = fx.newApp(2);
        TestClock clock = new TestClock();
        InProcessEventBus otherBus = new InProcessEventBus();
        try (ChatEngine other = ChatEngine.builder().dataSource(fx.dataSource).keyProvider(KeyProvider.aesGcm(fx.masterKey))
                .migrate(false).outboxRelay(false).maintenance(false).eventBus(otherBus).clock(clock).build()) {
            AppHandle there = other.app(app.id());
            assertThat(app.users().tokenState("u1")).isEqualTo(TokenState.NONE);
            assertThat(there.users().tokenState("u1")).isEqualTo(TokenState.NONE);
            assertThat(there.users().tokenState("nobody")).isEqualTo(TokenState.NONE);

            // deactivated on this node: this node knows at once; the other still answers from memory, its bus silent
            app.users().deactivate("u1");
            assertThat(app.users().tokenState("u1").deactivated()).isTrue();
            assertThat(there.users().tokenState("u1").deactivated()).isFalse();
            assertThat(there.users().currentTokenState("u1").deactivated()).as("read now, not remembered").isTrue();
            assertThat(there.users().tokenState("u1").deactivated()).isFalse();
            // the change's event reaches the other node: it forgets and reads the row again
            List<ChatEvent> events = fx.events(app, e -> e.type().equals("user.deactivated"));
            assertThat(events).hasSize(1);
            otherBus.publish(events.get(0));
            assertThat(there.users().tokenState("u1").deactivated()).isTrue();

            // an event that never arrives: the other node reads the row again once its entry is older than 5 s
            Instant cutoff = Instant.parse("2026-12-01T00:00:00Z");
            assertThat(there.users().tokenState("u2").revokeTokensIssuedBefore()).isNull();
            app.users().revokeTokensIssuedBefore("u2", cutoff);
            assertThat(app.users().tokenState("u2").revokeTokensIssuedBefore()).isEqualTo(cutoff);
            clock.pass(Duration.ofSeconds(4));
            assertThat(there.users().tokenState("u2").revokeTokensIssuedBefore()).isNull();
            clock.pass(Duration.ofSeconds(2));
            assertThat(there.users().tokenState("u2").revokeTokensIssuedBefore()).isEqualTo(cutoff);

            // an event about a user of another app, or not about a user, forgets nothing it should not
            assertThat(there.users().tokenState("u1").deactivated()).isTrue();   // read afresh: the 6 s passed
            app.users().reactivate("u1");
            otherBus.publish(new ChatEvent(0, app.id(), "user.reactivated", null, null, Instant.now(), java.util.Map.of("user", java.util.Map.of())));
            assertThat(there.users().tokenState("u1").deactivated()).isTrue();
        }
    }

    @Test
    void erasureDeactivatesAtOnceOnItsNodeAndOnAnotherWhenItsEventArrives() {
        AppHandle app = fx.newApp(1);
        app.users().ban("u1", null, "private reason");
        InProcessEventBus otherBus = new InProcessEventBus();
        try (ChatEngine other = ChatEngine.builder().dataSource(fx.dataSource).keyProvider(KeyProvider.aesGcm(fx.masterKey))
                .migrate(false).outboxRelay(false).maintenance(false).eventBus(otherBus).tokenStateTtl(Duration.ofMinutes(1)).build()) {
            AppHandle there = other.app(app.id());
            assertThat(app.users().tokenState("u1").deactivated()).isFalse();
            assertThat(there.users().tokenState("u1").deactivated()).isFalse();
            app.compliance().dataSubjects().erase("u1", io.chatsdk.engine.compliance.DataSubjects.ErasureMode.DELETE, "officer");
            assertThat(app.users().tokenState("u1").deactivated()).isTrue();
            assertThat(there.users().tokenState("u1").deactivated()).as("remembered for a minute, its bus silent").isFalse();
            // the erasure announces the deactivation like any other, with the blanked profile
            List<ChatEvent> events = fx.events(app, e -> e.type().equals("user.deactivated"));
            assertThat(events).hasSize(1);
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> user = (java.util.Map<String, Object>) events.get(0).payload().get("user");
            assertThat(user).containsEntry("id", "u1").containsEntry("deactivated", true);
            assertThat(user.get("name")).isNull();
            assertThat(io.chatsdk.engine.internal.Json.write(events.get(0).payload())).doesNotContain("private reason").doesNotContain("User 1");
            otherBus.publish(events.get(0));
            assertThat(there.users().tokenState("u1").deactivated()).isTrue();
        }
    }

    @Test
    void aTimeToLiveOfZeroReadsEveryTime() {
        AppHandle app = fx.newApp(1);
        try (ChatEngine other = ChatEngine.builder().dataSource(fx.dataSource).keyProvider(KeyProvider.aesGcm(fx.masterKey))
                .migrate(false).outboxRelay(false).maintenance(false).eventBus(new InProcessEventBus()).tokenStateTtl(Duration.ZERO).build()) {
            AppHandle there = other.app(app.id());
            assertThat(there.users().tokenState("u1").deactivated()).isFalse();
            app.users().deactivate("u1");
            assertThat(there.users().tokenState("u1").deactivated()).isTrue();
        }
    }
}
