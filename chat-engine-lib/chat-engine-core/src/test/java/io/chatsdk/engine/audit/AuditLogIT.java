package io.chatsdk.engine.audit;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.testing.EngineTest;
import io.chatsdk.engine.types.Cid;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The audit log in PostgreSQL: group-committed hash chains, append-only storage, checkpoints and verifiable exports. */
class AuditLogIT extends EngineTest {
    static final AuditSigner SIGNER = AuditSigner.generate(new SecureRandom());

    static AuditEntry userAction(AppHandle app, String user, String action, String resource) {
        return new AuditEntry(app.id(), "user", user, "user", action, "message", resource, "203.0.113.7", "test/1.0", true, null, Map.of());
    }

    @Test
    void concurrentRecordsFormOneGapFreeChainPerApp(@TempDir Path dir) throws Exception {
        AppHandle a = fx.newApp(1);
        AppHandle b = fx.newApp(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<AuditRecord>> done = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            AppHandle app = i % 2 == 0 ? a : b;
            String id = "m" + i;
            done.add(pool.submit(() -> fx.engine.audit().record(userAction(app, "u1", "message.send", id))));
        }
        for (Future<AuditRecord> f : done) {
            assertThat(f.get().hash()).hasSize(32);
        }
        pool.shutdown();
        List<AuditRecord> chain = fx.engine.audit().query(new AuditQuery(a.id(), null, null, null, null, null, null, 0, 1000));
        assertThat(chain).extracting(AuditRecord::seq).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 100).boxed().toList());
        for (int i = 1; i < chain.size(); i++) {
            assertThat(chain.get(i).prevHash()).isEqualTo(chain.get(i - 1).hash());
        }

        assertThat(fx.engine.audit().checkpoint(SIGNER)).isGreaterThanOrEqualTo(2);
        Path export = dir.resolve("a.jsonl");
        try (var out = Files.newOutputStream(export)) {
            assertThat(fx.engine.audit().export(AuditQuery.of(a.id()), out, SIGNER)).isEqualTo(100);
        }
        AuditVerification v = new AuditVerifier(SIGNER.publicKey()).verify(export);
        assertThat(v.ok()).as(v.summary()).isTrue();
        assertThat(v.records()).isEqualTo(100);
        assertThat(v.checkpoints()).isEqualTo(1);
    }

    /**
     * Issue #15: a request's record is written in the transaction of the change it records (one commit for both), and
     * chained afterwards; a change that rolls back leaves no record, and a scope with no change writes nothing.
     */
    @Test
    void aRecordWrittenWithItsChangeCommitsWithItAndIsChainedInOrder(@TempDir Path dir) throws Exception {
        AppHandle app = fx.newApp(2);
        Cid cid = app.channels().getOrCreate("messaging", "scoped", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
        for (int i = 0; i < 3; i++) {
            try (AuditScope scope = AuditScope.open(userAction(app, "u1", "channels.send", "m" + i))) {
                app.as("u1").messages().send(cid, NewMessage.text("scoped " + i));
                assertThat(scope.written()).isTrue();
            }
        }
        try (AuditScope scope = AuditScope.open(userAction(app, "u1", "channels.send", "refused"))) {
            assertThatThrownBy(() -> app.as("u1").messages().send(Cid.parse("messaging:nowhere"), NewMessage.text("x")))
                    .isInstanceOf(io.chatsdk.engine.types.ChatException.class);
            assertThat(scope.written()).as("the change rolled back, and its record with it").isFalse();
        }
        try (AuditScope scope = AuditScope.open(userAction(app, "u1", "channels.read", "nothing"))) {
            app.as("u1").messages().list(cid, io.chatsdk.engine.model.MessagePage.latest(10));
            assertThat(scope.written()).as("a read changes nothing and writes no record").isFalse();
        }
        // after the scope, the thread's transactions write no record
        app.as("u1").messages().send(cid, NewMessage.text("unscoped"));
        List<AuditRecord> chain = fx.engine.audit().query(new AuditQuery(app.id(), null, "channels.send", null, null, null, null, 0, 100));
        assertThat(chain).extracting(AuditRecord::resourceId).containsExactly("m0", "m1", "m2");
        Path export = dir.resolve("scoped.jsonl");
        try (var out = Files.newOutputStream(export)) {
            fx.engine.audit().export(AuditQuery.of(app.id()), out, SIGNER);
        }
        AuditVerification v = new AuditVerifier(SIGNER.publicKey()).verify(export);
        assertThat(v.ok()).as(v.summary()).isTrue();
        try (Connection c = fx.dataSource.getConnection(); Statement st = c.createStatement();
             var rs = st.executeQuery("select count(*) from audit_pending")) {
            rs.next();
            assertThat(rs.getLong(1)).as("chained records leave audit_pending").isZero();
        }
    }

    /** Issue #14 item 2: records nobody waits for have their own queue; a flood of them cannot refuse or delay a waited one. */
    @Test
    void aFloodOfUnwaitedRecordsNeitherRefusesNorDelaysAWaitedOne() {
        AppHandle flooded = fx.newApp(1);
        AppHandle other = fx.newApp(1);
        long droppedBefore = fx.engine.audit().dropped();
        List<java.util.concurrent.CompletableFuture<AuditRecord>> junk = new ArrayList<>();
        for (int i = 0; i < 60_000; i++) {
            junk.add(fx.engine.audit().recordLater(new AuditEntry(flooded.id(), "anonymous", null, null, "auth.rejected", null, null,
                    "198.51.100.1", null, false, "token_invalid", Map.of())));
        }
        long started = System.nanoTime();
        AuditRecord r = fx.engine.audit().record(userAction(other, "u1", "message.send", "m1"));
        assertThat(r.seq()).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(fx.engine.audit().dropped() - droppedBefore).as("the full queue dropped the rest").isGreaterThan(0);
        long refused = junk.stream().filter(java.util.concurrent.CompletableFuture::isCompletedExceptionally).count();
        assertThat(refused).isEqualTo(fx.engine.audit().dropped() - droppedBefore);
        junk.get(0).join();   // what was queued is written
    }

    @Test
    void hostileValuesAreRecordedPrintableAndDoNotBlockTheLog() {
        AppHandle app = fx.newApp(1);
        AuditRecord r = fx.engine.audit().record(new AuditEntry(app.id(), "anonymous", "nul\u0000user", null, "auth.rejected", "channel",
                "x\u0000".repeat(400), null, "agent\r\n", false, "token_invalid", Map.of("api_key", "\u0000")));
        assertThat(r.actorId()).isEqualTo("nul\uFFFDuser");
        assertThat(r.resourceId()).hasSize(500);
        assertThat(r.details()).containsEntry("api_key", "\uFFFD");
        assertThat(fx.engine.audit().record(userAction(app, "u1", "message.send", "after")).seq()).isEqualTo(r.seq() + 1);
    }

    @Test
    void theLogIsAppendOnlyEvenForTheTableOwner() throws Exception {
        AppHandle app = fx.newApp(1);
        fx.engine.audit().record(userAction(app, "u1", "message.send", "x"));
        assertThat(fx.engine.audit().checkpoint(SIGNER)).isPositive();
        try (Connection c = fx.dataSource.getConnection(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("update audit_log set action = 'nothing' where chain = '" + app.id() + "'"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("append-only");
            assertThatThrownBy(() -> s.execute("delete from audit_log where chain = '" + app.id() + "'"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("append-only");
            assertThatThrownBy(() -> s.execute("truncate audit_log")).isInstanceOf(SQLException.class).hasMessageContaining("append-only");
            assertThatThrownBy(() -> s.execute("delete from audit_checkpoint")).isInstanceOf(SQLException.class).hasMessageContaining("append-only");
        }
    }

    @Test
    void aRowAlteredBehindTheTriggersBackIsNamedByTheVerifier(@TempDir Path dir) throws Exception {
        AppHandle app = fx.newApp(1);
        for (int i = 0; i < 5; i++) {
            fx.engine.audit().record(userAction(app, "u1", "message.send", "m" + i));
        }
        try (Connection c = fx.dataSource.getConnection(); Statement s = c.createStatement()) {
            // a superuser can switch the trigger off; the hash chain still tells
            s.execute("alter table audit_log disable trigger audit_log_append_only");
            s.execute("update audit_log set actor_id = 'someone-else' where chain = '" + app.id() + "' and seq = 3");
            s.execute("alter table audit_log enable trigger audit_log_append_only");
        }
        Path export = dir.resolve("tampered.jsonl");
        try (var out = Files.newOutputStream(export)) {
            fx.engine.audit().export(AuditQuery.of(app.id()), out, SIGNER);
        }
        AuditVerification v = new AuditVerifier(SIGNER.publicKey()).verify(export);
        assertThat(v.ok()).isFalse();
        assertThat(v.problem().kind()).isEqualTo(AuditProblem.Kind.HASH_MISMATCH);
        assertThat(v.problem().seq()).isEqualTo(3);
    }

    @Test
    void queriesFilterByActorActionResourceAndPage() {
        AppHandle app = fx.newApp(2);
        fx.engine.audit().record(userAction(app, "u1", "message.send", "m1"));
        fx.engine.audit().record(userAction(app, "u2", "message.send", "m2"));
        fx.engine.audit().record(userAction(app, "u1", "message.delete", "m1"));
        AuditLog log = fx.engine.audit();
        assertThat(log.query(new AuditQuery(app.id(), "u1", null, null, null, null, null, 0, 10))).extracting(AuditRecord::action)
                .containsExactly("message.send", "message.delete");
        assertThat(log.query(new AuditQuery(app.id(), null, "message.send", null, null, null, null, 0, 10))).hasSize(2);
        assertThat(log.query(new AuditQuery(app.id(), null, null, "message", "m1", null, null, 0, 10))).hasSize(2);
        assertThat(log.query(new AuditQuery(app.id(), null, null, null, null, null, null, 1, 1))).extracting(AuditRecord::seq).containsExactly(2L);
        assertThat(log.query(AuditQuery.of(fx.newApp(0).id()))).isEmpty();
    }

    @Test
    void aPurgeIsAuditedWithCountsNotContent() throws Exception {
        AppHandle app = fx.newApp(2);
        Cid cid = app.channels().getOrCreate("messaging", "p", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
        String id = app.as("u1").messages().send(cid, NewMessage.text("secret words")).id();
        try (Connection c = fx.dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("update message set created_at = created_at - interval '3 days' where id = '" + id + "'");
        }
        fx.engine.app(app.id()).compliance().retention().set(null, null, Duration.ofDays(1));
        fx.engine.app(app.id()).compliance().retention().purge();
        AuditRecord r = fx.engine.audit().query(new AuditQuery(app.id(), null, "retention.purge", null, null, null, null, 0, 10)).get(0);
        assertThat(r.actorType()).isEqualTo("system");
        assertThat(r.details()).containsEntry("messages", "1");
        assertThat(r.toString()).doesNotContain("secret words");
    }
}
