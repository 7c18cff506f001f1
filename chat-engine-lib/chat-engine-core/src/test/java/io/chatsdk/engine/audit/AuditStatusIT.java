package io.chatsdk.engine.audit;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.ChatEngine;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.testing.EngineFixture;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the console's dashboard reads: each chain's head and checkpoint, a whole chain's verification, messages per day. */
class AuditStatusIT {
    static final AuditSigner SIGNER = AuditSigner.generate(new SecureRandom());
    static EngineFixture fx;

    @BeforeAll
    static void start() {
        fx = new EngineFixture(b -> b.auditSigner(SIGNER).maintenance(false));
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    static AuditEntry action(AppHandle app, String what) {
        return new AuditEntry(app.id(), "user", "u1", "user", what, "message", "m", null, null, true, null, Map.of());
    }

    @Test
    void eachChainShowsItsHeadAndCheckpointAndVerifiesWholeUntilARowIsAltered() throws Exception {
        AppHandle app = fx.newApp(1);
        for (int i = 0; i < 5; i++) {
            fx.engine.audit().record(action(app, "message.send"));
        }
        fx.engine.audit().record(AuditEntry.system(null, "operator.test", "app", app.id().toString(), Map.of()));
        AuditLog.ChainStatus before = status(app);
        assertThat(before.lastSeq()).isGreaterThanOrEqualTo(5);
        assertThat(before.lastAt()).isNotNull();
        assertThat(before.checkpointSeq()).isZero();
        assertThat(before.checkpointAt()).isNull();
        fx.engine.audit().checkpoint(SIGNER);
        AuditLog.ChainStatus sealed = status(app);
        assertThat(sealed.checkpointSeq()).isEqualTo(before.lastSeq());
        assertThat(sealed.checkpointAt()).isNotNull();
        assertThat(fx.engine.audit().status().get(0).chain()).isEqualTo(AuditRecord.OPERATOR_CHAIN);

        AuditVerification ok = fx.engine.audit().verify(app.id());
        assertThat(ok.ok()).as(ok.summary()).isTrue();
        assertThat(ok.records()).isEqualTo(before.lastSeq());
        assertThat(ok.checkpoints()).isEqualTo(1);
        assertThat(fx.engine.audit().verify(null).ok()).isTrue();

        try (Connection c = fx.dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("alter table audit_log disable trigger audit_log_append_only");
            s.execute("update audit_log set action = 'message.read' where chain = '" + app.id() + "' and seq = 2");
            s.execute("alter table audit_log enable trigger audit_log_append_only");
        }
        AuditVerification broken = fx.engine.audit().verify(app.id());
        assertThat(broken.ok()).isFalse();
        assertThat(broken.problem().seq()).isEqualTo(2);
    }

    AuditLog.ChainStatus status(AppHandle app) {
        return fx.engine.audit().status().stream().filter(c -> c.chain().equals(app.id().toString())).findFirst().orElseThrow();
    }

    @Test
    void messagesAndTheirSendersAreCountedPerUtcDay() {
        AppHandle app = fx.newApp(3);
        Cid cid = app.channels().getOrCreate("messaging", "usage", ChannelInput.withMembers("u1", List.of("u2", "u3"))).channel().cid();
        for (String u : List.of("u1", "u1", "u2")) {
            app.as(u).messages().send(cid, NewMessage.text("hi"));
        }
        List<ChatEngine.DailyUsage> days = fx.engine.dailyUsage(app.id(), 7);
        assertThat(days).hasSize(7);
        assertThat(days.get(6).day()).isEqualTo(LocalDate.now(ZoneOffset.UTC));
        assertThat(days.get(6).messages()).isEqualTo(3);
        assertThat(days.get(6).activeUsers()).isEqualTo(2);
        assertThat(days.subList(0, 6)).allMatch(d -> d.messages() == 0);
        assertThat(fx.engine.dailyUsage(null, 1).get(0).messages()).isGreaterThanOrEqualTo(3);
        assertThat(fx.engine.dailyUsage(fx.newApp(0).id(), 1).get(0).messages()).isZero();
        for (int bad : new int[] {0, 91}) {
            assertThatThrownBy(() -> fx.engine.dailyUsage(app.id(), bad)).isInstanceOf(ChatException.class);
        }
    }
}
