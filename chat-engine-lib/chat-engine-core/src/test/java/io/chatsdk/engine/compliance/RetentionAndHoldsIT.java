package io.chatsdk.engine.compliance;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.LegalHold;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.MessagePage;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.testing.EngineTest;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Retention purges and legal holds, and how they interact with deletion and each other. */
class RetentionAndHoldsIT extends EngineTest {
    AppHandle app;
    Compliance compliance;
    Cid general;
    Cid random;

    @BeforeEach
    void setUp() {
        app = fx.newApp(3);
        compliance = fx.engine.app(app.id()).compliance();
        general = app.channels().getOrCreate("messaging", "general", ChannelInput.withMembers("u1", List.of("u2", "u3"))).channel().cid();
        random = app.channels().getOrCreate("team", "random", ChannelInput.withMembers("u1", List.of("u2", "u3"))).channel().cid();
    }

    @Test
    void purgeDeletesExpiredMessagesWithTheirReactionsAndFlagsAndKeepsFreshOnes() throws Exception {
        Message old = app.as("u1").messages().send(general, NewMessage.text("old @u2").mentioning(List.of("u2")));
        app.as("u2").reactions().react(old.id(), "like", 1, Map.of(), false, null);
        Message fresh = app.as("u1").messages().send(general, NewMessage.text("fresh"));
        age(old.id(), Duration.ofDays(40));
        compliance.retention().set(null, null, Duration.ofDays(30));

        Map<String, Long> purged = compliance.retention().purge();
        assertThat(purged).containsEntry("messages", 1L).containsEntry("reactions", 1L).containsEntry("flags", 1L).containsEntry("held", 0L);
        assertThat(app.messages().list(general, MessagePage.latest(10))).extracting(Message::id).containsExactly(fresh.id());
        assertThat(compliance.retention().purge()).containsEntry("messages", 0L);
    }

    @Test
    void theMostSpecificPolicyApplies() throws Exception {
        Message inGeneral = app.as("u1").messages().send(general, NewMessage.text("general"));
        Message inRandom = app.as("u1").messages().send(random, NewMessage.text("random"));
        age(inGeneral.id(), Duration.ofDays(10));
        age(inRandom.id(), Duration.ofDays(10));
        compliance.retention().set(null, null, Duration.ofDays(5));
        compliance.retention().set("team", null, Duration.ofDays(365));       // team channels keep a year
        compliance.retention().set(null, general.toString(), Duration.ofDays(20)); // and general keeps 20 days
        assertThat(compliance.retention().list()).hasSize(3);
        assertThat(compliance.retention().purge()).containsEntry("messages", 0L);
        compliance.retention().set(null, general.toString(), Duration.ofDays(7));  // replaces the scope's policy
        assertThat(compliance.retention().list()).hasSize(3);
        assertThat(compliance.retention().purge()).containsEntry("messages", 1L);
        assertThatThrownBy(() -> app.messages().get(inGeneral.id())).extracting("code").isEqualTo(ErrorCode.MESSAGE_NOT_FOUND);
        assertThat(app.messages().get(inRandom.id()).text()).isEqualTo("random");
    }

    @Test
    void aHoldKeepsExpiredMessagesUntilReleased() throws Exception {
        Message byU1 = app.as("u1").messages().send(general, NewMessage.text("held: u1 is a custodian"));
        Message byU2 = app.as("u2").messages().send(general, NewMessage.text("not held"));
        age(byU1.id(), Duration.ofDays(40));
        age(byU2.id(), Duration.ofDays(40));
        compliance.retention().set(null, null, Duration.ofDays(30));
        LegalHold hold = compliance.holds().create("matter 7", "litigation", List.of("u1"), List.of(), null, null, "officer-1");

        assertThat(compliance.retention().purge()).containsEntry("messages", 1L).containsEntry("held", 1L);
        assertThat(app.messages().get(byU1.id()).text()).isEqualTo("held: u1 is a custodian");

        compliance.holds().release(hold.id(), "officer-1");
        assertThat(compliance.retention().purge()).containsEntry("messages", 1L).containsEntry("held", 0L);
        assertThatThrownBy(() -> compliance.holds().release(hold.id(), "officer-1")).extracting("code").isEqualTo(ErrorCode.CONFLICT);
        assertThat(compliance.holds().list()).singleElement().satisfies(h -> assertThat(h.active()).isFalse());
    }

    @Test
    void aHardDeleteOfAHeldMessageHidesItAndErasesItOnlyAfterRelease() throws Exception {
        Message m = app.as("u1").messages().send(general, NewMessage.text("evidence"));
        LegalHold hold = compliance.holds().create("matter 8", "investigation", List.of(), List.of(general.toString()),
                Instant.now().minusSeconds(3600), Instant.now().plusSeconds(3600), "officer-2");
        Message deleted = app.as("u1").messages().delete(m.id(), true);
        assertThat(deleted.text()).isEmpty();
        assertThat(deleted.deletedAt()).isNotNull();
        assertThat(app.as("u2").messages().get(m.id()).text()).isEmpty();
        assertThat(sealedContentPresent(m.id())).as("the hold keeps the content").isTrue();
        assertThat(compliance.retention().purge()).containsEntry("deferred_erasures", 0L);

        compliance.holds().release(hold.id(), "officer-2");
        assertThat(compliance.retention().purge()).containsEntry("deferred_erasures", 1L);
        assertThat(sealedContentPresent(m.id())).isFalse();
    }

    @Test
    void heldDataBlocksChannelDeletionAndCryptoShredding() {
        app.as("u1").messages().send(general, NewMessage.text("kept"));
        LegalHold hold = compliance.holds().create("matter 9", "audit", List.of("u1"), List.of(), null, null, "officer");
        assertThatThrownBy(() -> app.channels().delete(general)).extracting("code").isEqualTo(ErrorCode.LEGAL_HOLD);
        assertThatThrownBy(() -> compliance.keys().destroy()).extracting("code").isEqualTo(ErrorCode.LEGAL_HOLD);
        app.channels().delete(random);   // nothing held there
        compliance.holds().release(hold.id(), "officer");
        app.channels().delete(general);
    }

    @Test
    void badHoldsAndPoliciesNameTheField() {
        assertThatThrownBy(() -> compliance.holds().create("x", "y", List.of(), List.of(), null, null, "o")).extracting("field").isEqualTo("user_ids");
        assertThatThrownBy(() -> compliance.holds().create("x", "y", List.of(), List.of("nocolon"), null, null, "o")).extracting("field").isEqualTo("channel_cids[0]");
        assertThatThrownBy(() -> compliance.holds().create("x", "y", List.of("bad id!"), List.of(), null, null, "o")).extracting("field").isEqualTo("user_ids[0]");
        assertThatThrownBy(() -> compliance.holds().create("x", " ", List.of("u1"), List.of(), null, null, "o")).extracting("field").isEqualTo("reason");
        Instant now = Instant.now();
        assertThatThrownBy(() -> compliance.holds().create("x", "y", List.of("u1"), List.of(), now, now, "o")).extracting("field").isEqualTo("ends_at");
        assertThatThrownBy(() -> compliance.retention().set(null, null, Duration.ofMinutes(5))).extracting("field").isEqualTo("max_age");
        assertThatThrownBy(() -> compliance.retention().set("team", "team:x", Duration.ofDays(5))).extracting("field").isEqualTo("channel_cid");
        AppHandle other = fx.newApp(1);
        LegalHold hold = compliance.holds().create("mine", "y", List.of("u1"), List.of(), null, null, "o");
        assertThatThrownBy(() -> fx.engine.app(other.id()).compliance().holds().release(hold.id(), "o")).extracting("code").isEqualTo(ErrorCode.NOT_FOUND);
    }

    private void age(String messageId, Duration by) throws SQLException {
        try (Connection c = fx.dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("update message set created_at = created_at - interval '" + by.toSeconds() + " seconds' where id = '" + messageId + "'");
        }
    }

    private boolean sealedContentPresent(String messageId) throws SQLException {
        try (Connection c = fx.dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select content is not null from message where id = '" + messageId + "'")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
