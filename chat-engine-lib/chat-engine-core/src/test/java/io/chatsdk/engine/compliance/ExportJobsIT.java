package io.chatsdk.engine.compliance;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.export.ExportFormat;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.testing.EngineTest;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Exports as background jobs against embedded PostgreSQL and the filesystem store: progress, the sealed file and its
 * download, data subject exports, expiry, another app's ids, the limit on active jobs, and a node that stopped mid-job.
 */
class ExportJobsIT extends EngineTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CANARY = "canary-export-7f3a";
    AppHandle app;
    Compliance compliance;
    Cid cid;

    @BeforeEach
    void setUp() {
        app = fx.newApp(3);
        compliance = fx.engine.app(app.id()).compliance();
        cid = app.channels().getOrCreate("messaging", "jobs-" + UUID.randomUUID(), ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
    }

    void send(int n, String user) {
        for (int i = 0; i < n; i++) {
            app.as(user).messages().send(cid, NewMessage.text(CANARY + " " + user + " " + i));
        }
    }

    ExportJobs.Job awaitEnd(UUID id) {
        fx.await("export " + id + " to end", () -> List.of("done", "failed").contains(compliance.exportJobs().get(id).state()));
        return compliance.exportJobs().get(id);
    }

    static byte[] read(ExportJobs.Download d) throws Exception {
        try (InputStream in = d.body()) {
            return in.readAllBytes();
        }
    }

    void sql(String statement, Object... params) {
        fx.execute(statement, params);
    }

    @Test
    void aMessagesExportRunsInTheBackgroundCountsItsProgressAndIsDownloadedSealedAtRest() throws Exception {
        send(1_050, "u1");
        send(20, "u2");
        // the progress an export reports: after each page of 500 messages of a channel, then the rest
        List<Long> seen = new ArrayList<>();
        ComplianceExport.Request everything = new ComplianceExport.Request(ExportFormat.JSONL, null, null, List.of(), List.of(), "officer-ann");
        assertThat(compliance.exports().count(everything)).isEqualTo(1_070);
        compliance.exports().write(everything, new ByteArrayOutputStream(), seen::add);
        assertThat(seen).containsExactly(500L, 1_000L, 1_070L);

        ExportJobs.Job queued = compliance.exportJobs().start(everything);
        assertThat(queued.requestedBy()).isEqualTo("officer-ann");
        assertThat(queued.kind()).isEqualTo(ExportJobs.Kind.MESSAGES);
        ExportJobs.Job done = awaitEnd(queued.id());
        assertThat(done.state()).isEqualTo("done");
        assertThat(done.totalMessages()).isEqualTo(1_070L);
        assertThat(done.doneMessages()).isEqualTo(1_070L);
        assertThat(done.expiresAt()).isEqualTo(done.finishedAt().plus(ExportJobs.KEEP));

        ExportJobs.Download d = compliance.exportJobs().open(done.id());
        byte[] file = read(d);
        assertThat(d.contentType()).isEqualTo("application/x-ndjson");
        assertThat(d.fileName()).endsWith(done.id() + ".jsonl");
        assertThat(file).hasSize(done.sizeBytes().intValue());
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file))).isEqualTo(done.sha256());
        long messages = new String(file, StandardCharsets.UTF_8).lines().map(this::tree).filter(n -> n.path("type").asText().equals("message")).count();
        assertThat(messages).isEqualTo(1_070);
        assertThat(new String(file, StandardCharsets.UTF_8)).contains(CANARY + " u1 1049");
        // at rest the file is sealed: no stored blob holds the plaintext
        try (Stream<Path> blobs = Files.walk(fx.filesDir)) {
            List<Path> exports = blobs.filter(Files::isRegularFile).filter(p -> p.toString().contains(done.id().toString())).toList();
            assertThat(exports).hasSize(1);
            assertThat(new String(Files.readAllBytes(exports.get(0)), StandardCharsets.ISO_8859_1)).doesNotContain(CANARY);
        }
        assertThat(compliance.exportJobs().list(20)).extracting(ExportJobs.Job::id).contains(done.id());
        assertThat(fx.count("select count(*) from audit_log where action = 'export.completed' and actor_id = 'officer-ann'")).isGreaterThanOrEqualTo(2);
    }

    JsonNode tree(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aDataSubjectExportHoldsTheUsersMessagesOnly() throws Exception {
        send(3, "u1");
        send(2, "u2");
        ExportJobs.Job done = awaitEnd(compliance.exportJobs().startDataSubject("u2", "officer-bo").id());
        assertThat(done.state()).isEqualTo("done");
        assertThat(done.kind()).isEqualTo(ExportJobs.Kind.DATA_SUBJECT);
        assertThat(done.totalMessages()).isEqualTo(2L);
        assertThat(done.doneMessages()).isEqualTo(2L);
        ExportJobs.Download d = compliance.exportJobs().open(done.id());
        JsonNode doc = JSON.readTree(read(d));
        assertThat(d.contentType()).isEqualTo("application/json");
        assertThat(doc.path("user").path("id").asText()).isEqualTo("u2");
        assertThat(doc.path("messages")).hasSize(2);
        assertThat(doc.toString()).doesNotContain(CANARY + " u1");

        assertThatThrownBy(() -> compliance.exportJobs().startDataSubject("nobody", "officer-bo"))
                .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USER_NOT_FOUND));
        assertThatThrownBy(() -> compliance.exportJobs().startDataSubject("bad id\u0000", "officer-bo"))
                .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION));
    }

    @Test
    void erasingAUserDeletesTheirDataSubjectExportsButNotMessageExports() throws Exception {
        send(2, "u2");
        UUID subject = awaitEnd(compliance.exportJobs().startDataSubject("u2", "officer-di").id()).id();
        UUID messages = awaitEnd(compliance.exportJobs().start(new ComplianceExport.Request(ExportFormat.JSONL, null, null, List.of(), List.of(), "x")).id()).id();
        long before = blobCount();
        assertThat(compliance.dataSubjects().erase("u2", DataSubjects.ErasureMode.DELETE, "officer-di")).containsEntry("data_subject_exports", 1L);
        assertThat(compliance.exportJobs().get(subject).state()).isEqualTo("expired");
        assertThat(compliance.exportJobs().get(messages).state()).isEqualTo("done");
        assertThat(blobCount()).isEqualTo(before - 1);
        assertThatThrownBy(() -> compliance.exportJobs().open(subject))
                .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EXPORT_EXPIRED));
    }

    @Test
    void anotherAppsJobIsNotFoundAndAnExpiredOneIsGone() throws Exception {
        send(2, "u1");
        ExportJobs.Job done = awaitEnd(compliance.exportJobs().start(new ComplianceExport.Request(ExportFormat.CSV, null, null, List.of(), List.of(), "x")).id());
        Compliance other = fx.engine.app(fx.newApp(1).id()).compliance();
        for (var call : List.<Runnable>of(() -> other.exportJobs().get(done.id()), () -> other.exportJobs().open(done.id()))) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EXPORT_NOT_FOUND));
        }
        assertThat(other.exportJobs().list(100)).isEmpty();
        assertThatThrownBy(() -> compliance.exportJobs().list(0)).isInstanceOf(ChatException.class);

        long before = blobCount();
        sql("update export_job set expires_at = ? where id = ?", Timestamp.from(Instant.now().minusSeconds(1)), done.id());
        fx.await("the expiry", () -> {
            expire();
            return compliance.exportJobs().get(done.id()).state().equals("expired");
        });
        assertThat(blobCount()).isEqualTo(before - 1);
        assertThatThrownBy(() -> compliance.exportJobs().open(done.id()))
                .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EXPORT_EXPIRED));
    }

    void expire() {
        compliance.exportJobs().expire();
    }

    long blobCount() throws Exception {
        try (Stream<Path> s = Files.walk(fx.filesDir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void anAppHasAtMostFiveActiveJobsAndAJobNotDoneCannotBeDownloaded() throws Exception {
        Instant later = Instant.now().plusSeconds(3600);
        List<UUID> running = new ArrayList<>();
        for (int i = 0; i < ExportJobs.MAX_ACTIVE; i++) {
            UUID id = UUID.randomUUID();
            running.add(id);
            // running on a node that is alive (its heartbeat is in the future, so nobody takes it over)
            sql("insert into export_job (id, app_id, kind, format, request, requested_by, state, attempts, heartbeat_at, created_at) "
                    + "values (?, ?, 'messages', 'jsonl', '{}', 'x', 'running', 1, ?, now())", id, app.id().value(), Timestamp.from(later));
        }
        ComplianceExport.Request r = new ComplianceExport.Request(ExportFormat.JSONL, null, null, List.of(), List.of(), "x");
        assertThatThrownBy(() -> compliance.exportJobs().start(r))
                .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED));
        assertThatThrownBy(() -> compliance.exportJobs().open(running.get(0)))
                .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EXPORT_NOT_READY));
        sql("update export_job set state = 'failed', error = 'test' where app_id = ?", app.id().value());
        assertThatThrownBy(() -> compliance.exportJobs().open(running.get(0)))
                .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EXPORT_NOT_READY));
        assertThat(awaitEnd(compliance.exportJobs().start(r).id()).state()).isEqualTo("done");
    }

    @Test
    void aJobWhoseNodeStoppedIsTakenOverAndGivenUpAfterThreeAttempts() throws Exception {
        send(4, "u1");
        Instant stale = Instant.now().minus(ExportJobs.STALE).minusSeconds(10);
        UUID orphan = UUID.randomUUID();
        UUID hopeless = UUID.randomUUID();
        sql("insert into export_job (id, app_id, kind, format, request, requested_by, state, attempts, done_messages, heartbeat_at, created_at) "
                + "values (?, ?, 'messages', 'jsonl', '{\"user_ids\":[],\"channel_cids\":[]}', 'officer-cy', 'running', 1, 2, ?, now())",
                orphan, app.id().value(), Timestamp.from(stale));
        sql("insert into export_job (id, app_id, kind, format, request, requested_by, state, attempts, heartbeat_at, created_at) "
                + "values (?, ?, 'messages', 'jsonl', '{}', 'officer-cy', 'running', 3, ?, now())", hopeless, app.id().value(), Timestamp.from(stale));
        // a start wakes the runner, which takes the orphan over too
        awaitEnd(compliance.exportJobs().start(new ComplianceExport.Request(ExportFormat.XML, null, null, List.of(), List.of(), "x")).id());
        ExportJobs.Job taken = awaitEnd(orphan);
        assertThat(taken.state()).isEqualTo("done");
        assertThat(taken.attempts()).isEqualTo(2);
        assertThat(taken.doneMessages()).isEqualTo(4L);
        assertThat(new String(read(compliance.exportJobs().open(orphan)), StandardCharsets.UTF_8)).contains(CANARY + " u1 3");
        ExportJobs.Job given = awaitEnd(hopeless);
        assertThat(given.state()).isEqualTo("failed");
        assertThat(given.error()).contains("interrupted 3 times");
    }

    @Test
    void destroyedKeysRefuseNewExportsAndMakeStoredOnesUnreadable() throws Exception {
        AppHandle doomed = fx.newApp(1);
        Compliance c = fx.engine.app(doomed.id()).compliance();
        ComplianceExport.Request r = new ComplianceExport.Request(ExportFormat.JSONL, null, null, List.of(), List.of(), "x");
        UUID id = c.exportJobs().start(r).id();
        fx.await("the export", () -> c.exportJobs().get(id).state().equals("done"));
        c.keys().destroy();
        for (var call : List.<Runnable>of(() -> c.exportJobs().open(id), () -> c.exportJobs().start(r))) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONTENT_ERASED));
        }
    }
}
