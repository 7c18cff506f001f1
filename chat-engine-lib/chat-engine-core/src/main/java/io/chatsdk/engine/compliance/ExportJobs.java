package io.chatsdk.engine.compliance;

import com.google.crypto.tink.StreamingAead;
import io.chatsdk.engine.audit.AuditEntry;
import io.chatsdk.engine.export.ExportFormat;
import io.chatsdk.engine.internal.ContentKeys;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.internal.Json;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.spi.BlobStore;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;
import io.chatsdk.engine.types.Validate;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One app's compliance exports and data subject exports as background jobs: {@link #start} queues one and answers at
 * once; a node's {@link Runner} writes it, recording how many messages it has written of how many, seals the file with
 * the app's data key into the {@link BlobStore}, and keeps it for {@link #KEEP}; {@link #open} streams it back.
 *
 * <p>A job survives its node: one whose node stopped (no heartbeat for {@link #STALE}) is taken over and written again
 * from the start, at most {@link #MAX_ATTEMPTS} times. Destroying the app's keys makes its stored exports unreadable.
 * Thread-safe.
 */
public final class ExportJobs {
    private static final System.Logger LOG = System.getLogger(ExportJobs.class.getName());
    /** How long a finished export can be downloaded; then its file is deleted and the job is {@code expired}. */
    public static final Duration KEEP = Duration.ofHours(24);
    /** A running job whose node has not written progress for this long is taken over by another. */
    public static final Duration STALE = Duration.ofMinutes(2);
    public static final int MAX_ATTEMPTS = 3;
    /** The jobs one app may have queued or running at once. */
    public static final int MAX_ACTIVE = 5;
    /** How often a running job's node says it is alive, well within {@link #STALE}. */
    static final Duration HEARTBEAT = Duration.ofSeconds(20);

    private final EngineContext ctx;
    private final AppId app;
    private final Runner runner;

    /** What a job is: a message export ({@code messages}) or a data subject's export ({@code data_subject}). */
    public enum Kind {
        MESSAGES("messages"), DATA_SUBJECT("data_subject");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        public static Kind fromWire(String field, String value) {
            for (Kind k : values()) {
                if (k.wire.equals(value)) {
                    return k;
                }
            }
            throw ChatException.invalid(field, "must be messages or data_subject");
        }
    }

    /**
     * A job as an officer sees it: its scope, state, progress ({@code doneMessages} of {@code totalMessages}, which
     * is counted when it starts), and when done the file's size and SHA-256.
     */
    public record Job(UUID id, Kind kind, String format, Map<String, Object> request, String requestedBy, String state, int attempts,
                      long doneMessages, Long totalMessages, Long sizeBytes, String sha256, String error, Instant createdAt, Instant startedAt,
                      Instant finishedAt, Instant expiresAt) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id.toString());
            m.put("kind", kind.wire());
            m.put("format", format);
            m.put("request", request);
            m.put("requested_by", requestedBy);
            m.put("state", state);
            m.put("done_messages", doneMessages);
            m.put("total_messages", totalMessages);
            m.put("size_bytes", sizeBytes);
            m.put("sha256", sha256);
            m.put("error", error);
            m.put("created_at", iso(createdAt));
            m.put("started_at", iso(startedAt));
            m.put("finished_at", iso(finishedAt));
            m.put("expires_at", iso(expiresAt));
            return m;
        }

        private static String iso(Instant t) {
            return t == null ? null : t.toString();
        }
    }

    /** A finished export being read: its job, type and file name, and the opened plaintext (the caller closes it). */
    public record Download(Job job, String contentType, String fileName, InputStream body) {
    }

    ExportJobs(EngineContext ctx, AppId app, Runner runner) {
        this.ctx = ctx;
        this.app = app;
        this.runner = runner;
    }

    /** Queues an export of the app's messages in {@code request}'s scope; a node starts it within seconds. */
    public Job start(ComplianceExport.Request request) {
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put("from", request.from() == null ? null : request.from().toString());
        scope.put("to", request.to() == null ? null : request.to().toString());
        scope.put("user_ids", request.userIds());
        scope.put("channel_cids", request.channelCids());
        return queue(Kind.MESSAGES, request.format().wire(), scope, request.requestedBy());
    }

    /** Queues the export of everything the app holds about one user (a data subject request), as one JSON document. */
    public Job startDataSubject(String userId, String requestedBy) {
        Validate.userId("user_id", userId);
        ctx.db().read(tx -> tx.one("select 1 from app_user where app_id = ? and id = ?", rs -> 1, app.value(), userId))
                .orElseThrow(() -> ChatException.notFound(ErrorCode.USER_NOT_FOUND, "user '" + userId + "'"));
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put("user_id", userId);
        return queue(Kind.DATA_SUBJECT, "json", scope, requestedBy);
    }

    private Job queue(Kind kind, String format, Map<String, Object> scope, String requestedBy) {
        UUID id = UUID.randomUUID();
        ctx.db().inTransaction(tx -> {
            tx.keys().requireNotDestroyed(tx, app);
            // the app's row lock serialises concurrent starts, so the limit holds under a burst of them
            tx.one("select 1 from app where id = ? for update", rs -> 1, app.value());
            long active = tx.one("select count(*) from export_job where app_id = ? and state in ('queued', 'running')", rs -> rs.getLong(1), app.value())
                    .orElse(0L);
            if (active >= MAX_ACTIVE) {
                throw new ChatException(ErrorCode.RATE_LIMITED, "the app has " + active + " exports queued or running; wait for one to finish");
            }
            tx.update("insert into export_job (id, app_id, kind, format, request, requested_by, created_at) values (?, ?, ?, ?, ?, ?, ?)",
                    id, app.value(), kind.wire(), format, Json.write(scope), requestedBy == null ? "operator-api" : requestedBy, ctx.now());
            return null;
        });
        runner.wake();
        return get(id);
    }

    /** The app's jobs, newest first, at most {@code limit} (1-100). */
    public List<Job> list(int limit) {
        if (limit < 1 || limit > 100) {
            throw ChatException.invalid("limit", "must be 1 to 100");
        }
        return ctx.db().read(tx -> tx.query("select * from export_job where app_id = ? order by created_at desc, id limit ?", ExportJobs::job,
                app.value(), limit));
    }

    public Job get(UUID id) {
        return ctx.db().read(tx -> find(tx, id)).orElseThrow(() -> notFound(id));
    }

    private Optional<Job> find(Tx tx, UUID id) {
        return tx.one("select * from export_job where app_id = ? and id = ?", ExportJobs::job, app.value(), id);
    }

    /** Opens a finished export; {@code export_not_ready} (409) before then, {@code export_expired} (410) after. */
    public Download open(UUID id) {
        record Stored(Job job, String key, int version) {
        }
        Stored s = ctx.db().read(tx -> tx.one("select *, storage_key as sk, key_version as kv from export_job where app_id = ? and id = ?",
                rs -> new Stored(job(rs), rs.getString("sk"), rs.getInt("kv")), app.value(), id)).orElseThrow(() -> notFound(id));
        switch (s.job().state()) {
            case "done" -> {
            }
            case "expired" -> throw new ChatException(ErrorCode.EXPORT_EXPIRED, "export " + id + " expired and its file was deleted; start it again");
            case "failed" -> throw new ChatException(ErrorCode.EXPORT_NOT_READY, "export " + id + " failed: " + s.job().error());
            default -> throw new ChatException(ErrorCode.EXPORT_NOT_READY, "export " + id + " is " + s.job().state() + "; download it when it is done");
        }
        StreamingAead aead = ctx.db().read(tx -> {
            tx.keys().requireNotDestroyed(tx, app);
            return tx.keys().files(tx, app, s.version());
        });
        try {
            SeekableByteChannel raw = runner.store.open(s.key()).orElseThrow(() -> new ChatException(ErrorCode.EXPORT_EXPIRED,
                    "the file of export " + id + " is gone"));
            InputStream body = aead.newDecryptingStream(Channels.newInputStream(raw), aad(app, id, s.version()));
            String ext = s.job().kind() == Kind.DATA_SUBJECT ? ".json" : ExportFormat.fromWire(s.job().format()).fileExtension();
            String type = s.job().kind() == Kind.DATA_SUBJECT ? "application/json" : ExportFormat.fromWire(s.job().format()).contentType();
            return new Download(s.job(), type, "export-" + app + "-" + id + ext, body);
        } catch (IOException e) {
            throw new ChatException(ErrorCode.INTERNAL, "the file store failed: " + e.getClass().getSimpleName(), null, e);
        } catch (GeneralSecurityException e) {
            throw new ChatException(ErrorCode.INTERNAL, "export " + id + " could not be opened", null, e);
        }
    }

    /**
     * After a user's erasure: deletes the files of finished data subject exports of that user (they become
     * {@code expired}) and fails queued ones; returns how many. A running one fails when it next reports progress.
     * Message exports that include the user are not touched (they are the officers' records of a scope).
     */
    public long forgetDataSubject(String userId) {
        String scope = Json.write(Map.of("user_id", userId));
        record Gone(UUID id, String key) {
        }
        List<Gone> gone = ctx.db().inTransaction(tx -> {
            List<Gone> g = tx.query("update export_job set state = case when state = 'done' then 'expired' else 'failed' end, "
                    + "error = case when state = 'done' then error else 'the user was erased' end, finished_at = coalesce(finished_at, ?) "
                    + "where app_id = ? and kind = 'data_subject' and request::jsonb = ?::jsonb and state in ('queued', 'running', 'done') "
                    + "returning id, storage_key", rs -> new Gone(rs.getObject(1, UUID.class), rs.getString(2)), ctx.now(), app.value(), scope);
            return g;
        });
        for (Gone g : gone) {
            if (g.key() != null) {
                runner.delete(g.key());
            }
        }
        return gone.size();
    }

    /** Deletes the files of this app's exports past their {@link #KEEP} now (the engine's maintenance does it hourly); returns how many. */
    public int expire() {
        return runner.expire(app);
    }

    private static ChatException notFound(UUID id) {
        return ChatException.notFound(ErrorCode.EXPORT_NOT_FOUND, "export " + id);
    }

    static byte[] aad(AppId app, UUID id, int version) {
        return ContentKeys.fileAad(app, id, version);
    }

    @SuppressWarnings("unchecked")
    private static Job job(ResultSet rs) throws SQLException {
        Object total = rs.getObject("total_messages");
        Object size = rs.getObject("size_bytes");
        return new Job(rs.getObject("id", UUID.class), Kind.fromWire("kind", rs.getString("kind")), rs.getString("format"), Json.readMap(rs.getString("request")),
                rs.getString("requested_by"), rs.getString("state"), rs.getInt("attempts"), rs.getLong("done_messages"),
                total == null ? null : ((Number) total).longValue(), size == null ? null : ((Number) size).longValue(), rs.getString("sha256"),
                rs.getString("error"), Tx.instant(rs, "created_at"), Tx.instant(rs, "started_at"), Tx.instant(rs, "finished_at"),
                Tx.instant(rs, "expires_at"));
    }

    /**
     * The engine's worker for every app's export jobs: one daemon thread that takes queued jobs (and stale ones of a
     * stopped node) with {@code FOR UPDATE SKIP LOCKED}, so that several nodes share them, woken at once by a start on
     * this node and every {@code poll} otherwise.
     */
    public static final class Runner implements AutoCloseable {
        private final EngineContext ctx;
        private final BlobStore store;
        private final Duration poll;
        private final Object signal = new Object();
        private final Thread thread;
        /** Moves a running job's heartbeat every {@link #HEARTBEAT}, whatever its progress (a long count, many empty channels). */
        private final java.util.concurrent.ScheduledExecutorService heartbeat = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chatsdk-exports-heartbeat");
            t.setDaemon(true);
            return t;
        });
        private boolean woken;
        private volatile boolean closed;

        public Runner(EngineContext ctx, BlobStore store, Duration poll) {
            this.ctx = ctx;
            this.store = store;
            this.poll = poll;
            this.thread = new Thread(this::loop, "chatsdk-exports");
            thread.setDaemon(true);
            thread.start();
        }

        /** The jobs of one app. */
        public ExportJobs of(AppId app) {
            return new ExportJobs(ctx, app, this);
        }

        void wake() {
            synchronized (signal) {
                woken = true;
                signal.notifyAll();
            }
        }

        private void loop() {
            while (!closed) {
                try {
                    while (!closed && runOne()) {
                        // take the next one at once
                    }
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "export jobs: " + e.getClass().getName() + "; retrying in " + poll);
                }
                synchronized (signal) {
                    if (!woken && !closed) {
                        try {
                            signal.wait(poll.toMillis());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                    woken = false;
                }
            }
        }

        private record Claimed(UUID id, AppId app, Kind kind, String format, Map<String, Object> request, String requestedBy, int attempt) {
        }

        /** Runs one waiting job to its end on the calling thread; false when none was waiting. */
        public boolean runOne() {
            if (closed) {
                return false;
            }
            Instant now = ctx.now();
            Instant stale = now.minus(STALE);
            Optional<Claimed> claimed = ctx.db().inTransaction(tx -> {
                // a job whose node stopped MAX_ATTEMPTS times is given up rather than tried for ever
                tx.update("update export_job set state = 'failed', error = 'interrupted " + MAX_ATTEMPTS + " times (its node stopped)', finished_at = ? "
                        + "where state = 'running' and heartbeat_at < ? and attempts >= ?", now, stale, MAX_ATTEMPTS);
                return tx.one("update export_job set state = 'running', attempts = attempts + 1, started_at = ?, heartbeat_at = ?, done_messages = 0 "
                        + "where id = (select id from export_job where state = 'queued' or (state = 'running' and heartbeat_at < ?) "
                        + "order by created_at limit 1 for update skip locked) returning id, app_id, kind, format, request, requested_by, attempts",
                        rs -> new Claimed(rs.getObject(1, UUID.class), new AppId(rs.getObject(2, UUID.class)), Kind.fromWire("kind", rs.getString(3)),
                                rs.getString(4), Json.readMap(rs.getString(5)), rs.getString(6), rs.getInt(7)), now, now, stale);
            });
            claimed.ifPresent(this::run);
            return claimed.isPresent();
        }

        private void run(Claimed job) {
            // a key of this attempt's own: a node that lost the job (it looked stopped) cannot overwrite the file of the one that took it
            String key = "exports/" + job.app().value() + "/" + job.id() + "/" + job.attempt();
            boolean stored = false;
            java.util.concurrent.atomic.AtomicBoolean lost = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.ScheduledFuture<?> beat = heartbeat.scheduleWithFixedDelay(() -> {
                try {
                    if (ctx.db().inTransaction(tx -> tx.update("update export_job set heartbeat_at = ? where id = ? and attempts = ? and state = 'running'",
                            ctx.now(), job.id(), job.attempt())) != 1) {
                        lost.set(true);
                    }
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "export job " + job.id() + ": heartbeat failed: " + e.getClass().getName());
                }
            }, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            try {
                int version = ctx.db().read(tx -> tx.keys().currentVersion(tx, job.app()));
                // recorded at once, so that pruning keeps this key version while the job runs
                fenced(job, "update export_job set key_version = ? where id = ? and attempts = ? and state = 'running'", version, job.id(), job.attempt());
                StreamingAead aead = ctx.db().read(tx -> tx.keys().files(tx, job.app(), version));
                Compliance compliance = new Compliance(ctx, job.app(), this);
                long total;
                ComplianceExport.Request request = null;
                if (job.kind() == Kind.DATA_SUBJECT) {
                    total = compliance.exports().count(new ComplianceExport.Request(ExportFormat.JSONL, null, null,
                            List.of((String) job.request().get("user_id")), List.of(), job.requestedBy()));
                } else {
                    request = new ComplianceExport.Request(ExportFormat.fromWire(job.format()), instant(job.request().get("from")),
                            instant(job.request().get("to")), strings(job.request().get("user_ids")), strings(job.request().get("channel_cids")),
                            job.requestedBy());
                    total = compliance.exports().count(request);
                }
                stopIfNeeded(lost);
                fenced(job, "update export_job set total_messages = ? where id = ? and attempts = ? and state = 'running'", total, job.id(), job.attempt());
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                long size;
                ComplianceExport.Progress progress = written -> {
                    stopIfNeeded(lost);
                    fenced(job, "update export_job set done_messages = ?, heartbeat_at = ? where id = ? and attempts = ? and state = 'running'",
                            written, ctx.now(), job.id(), job.attempt());
                };
                try (BlobStore.Upload up = store.create(key)) {
                    Counting counting;
                    try (OutputStream enc = aead.newEncryptingStream(up.stream(), aad(job.app(), job.id(), version))) {
                        counting = new Counting(enc, sha);
                        if (request == null) {
                            compliance.dataSubjects().export((String) job.request().get("user_id"), counting, job.requestedBy(), progress);
                        } else {
                            compliance.exports().write(request, counting, progress);
                        }
                        counting.flush();
                    }
                    size = counting.count;
                    stopIfNeeded(lost);
                    up.commit();
                    stored = true;
                }
                Instant end = ctx.now();
                long sizeBytes = size;
                int finished = ctx.db().inTransaction(tx -> tx.update("update export_job set state = 'done', storage_key = ?, key_version = ?, "
                                + "size_bytes = ?, sha256 = ?, finished_at = ?, expires_at = ? where id = ? and attempts = ? and state = 'running'",
                        key, version, sizeBytes, HexFormat.of().formatHex(sha.digest()), end, end.plus(KEEP), job.id(), job.attempt()));
                if (finished != 1) {
                    throw new TakenOver();
                }
            } catch (TakenOver e) {
                // another node took the job over (this one looked stopped): it writes its own file; this one's goes
                LOG.log(Level.INFO, "export job " + job.id() + " was taken over by another node");
                if (stored) {
                    delete(key);
                }
            } catch (Stopping e) {
                // this node is shutting down: the job goes back to the queue for another node (or this one, restarted)
                ctx.db().inTransaction(tx -> tx.update("update export_job set state = 'queued', heartbeat_at = null where id = ? and attempts = ? "
                        + "and state = 'running'", job.id(), job.attempt()));
            } catch (Exception e) {
                String why = e instanceof ChatException c ? c.code().code() + ": " + c.getMessage() : "internal error (" + e.getClass().getSimpleName() + ")";
                LOG.log(Level.WARNING, "export job " + job.id() + " of app " + job.app() + " failed: " + e.getClass().getName());
                ctx.db().inTransaction(tx -> tx.update("update export_job set state = 'failed', error = ?, finished_at = ? "
                        + "where id = ? and attempts = ? and state = 'running'", why, ctx.now(), job.id(), job.attempt()));
                ctx.audit().record(new AuditEntry(job.app(), "compliance", job.requestedBy(), null, "export.failed", "export", job.id().toString(),
                        null, null, false, why, Map.of("kind", job.kind().wire())));
                if (stored) {
                    delete(key);
                }
            } finally {
                beat.cancel(false);
            }
        }

        private void stopIfNeeded(java.util.concurrent.atomic.AtomicBoolean lost) {
            if (lost.get()) {
                throw new TakenOver();
            }
            if (closed) {
                throw new Stopping();
            }
        }

        private void fenced(Claimed job, String sql, Object... params) {
            if (ctx.db().inTransaction(tx -> tx.update(sql, params)) != 1) {
                throw new TakenOver();
            }
        }

        /** Deletes the files of exports past their {@link #KEEP}; returns how many. Run by the engine's maintenance. */
        public int expire() {
            return expire(null);
        }

        int expire(AppId app) {
            Instant now = ctx.now();
            record Due(UUID id, String key) {
            }
            List<Due> due = ctx.db().read(tx -> tx.query("select id, storage_key from export_job where state = 'done' and expires_at < ? "
                            + "and (?::uuid is null or app_id = ?::uuid) limit 1000",
                    rs -> new Due(rs.getObject(1, UUID.class), rs.getString(2)), now, app == null ? null : app.value(), app == null ? null : app.value()));
            int n = 0;
            for (Due d : due) {
                if (ctx.db().inTransaction(tx -> tx.update("update export_job set state = 'expired' where id = ? and state = 'done'", d.id())) == 1) {
                    delete(d.key());
                    n++;
                }
            }
            return n;
        }

        private void delete(String key) {
            try {
                store.delete(key);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "could not delete an export's file: " + e.getClass().getName());
            }
        }

        /**
         * Stops taking jobs; a job being written stops at its next page and goes back to the queue for another node.
         * Waits at most 10 s for that.
         */
        @Override
        public void close() {
            closed = true;
            wake();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            heartbeat.shutdownNow();
        }
    }

    private static Instant instant(Object iso) {
        return iso == null ? null : Instant.parse((String) iso);
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object list) {
        return list == null ? List.of() : (List<String>) list;
    }

    /** Another node took the job over: this one stops writing it. */
    private static final class TakenOver extends RuntimeException {
        TakenOver() {
            super(null, null, false, false);
        }
    }

    /** This node is shutting down: the job is put back in the queue. */
    private static final class Stopping extends RuntimeException {
        Stopping() {
            super(null, null, false, false);
        }
    }

    /** Counts and hashes the plaintext on its way to the sealing stream. */
    private static final class Counting extends FilterOutputStream {
        private final MessageDigest sha;
        private long count;

        Counting(OutputStream out, MessageDigest sha) {
            super(out);
            this.sha = sha;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            sha.update((byte) b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            sha.update(b, off, len);
            count += len;
        }

        @Override
        public void close() throws IOException {
            // the sealing stream is closed by its owner, after the export's writer is done with this one
            out.flush();
        }
    }

}
