package io.chatsdk.engine.audit;

import io.chatsdk.engine.internal.Json;
import io.chatsdk.engine.persistence.Db;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The tamper-evident audit log in PostgreSQL: one SHA-256 hash chain per app (and one for operator actions), each
 * record linked to the previous record of its chain ({@link AuditHash}), signed periodically by checkpoints.
 *
 * <p>{@link #record} is a group commit: callers on any thread hand their entry to one writer thread, which appends
 * what has queued up in one transaction (locking each chain's head row, so nodes sharing the database interleave
 * correctly) and releases the callers once it committed. A caller therefore returns only when its record is durable,
 * while a busy node pays one commit per batch rather than per record.
 *
 * <p>Thread-safe. {@link #close()} drains the queue and stops the writer.
 */
public final class AuditLog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AuditLog.class.getName());
    private static final int BATCH = 500;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String COLUMNS = "chain, seq, at, actor_type, actor_id, actor_role, action, resource_type, resource_id, ip, "
            + "user_agent, outcome, reason, details::text as details, prev_hash, hash";

    private final Db db;
    private final Clock clock;
    private final AuditSigner signer;
    /** Records whose callers wait for them: successful requests. Nothing else goes in, so no flood can fill it. */
    private final BlockingDeque<Pending> queue = new LinkedBlockingDeque<>(50_000);
    /** Records nobody waits for (failed requests, counted auth failures): written after {@link #queue}'s, dropped when full. */
    private final BlockingDeque<Pending> later;
    private final java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();
    private final Thread writer;
    /** Chains whose head row exists (chains are never deleted), so the writer skips creating it. */
    private final java.util.Set<String> knownChains = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;

    /**
     * {@code waited}: a caller blocks on it (fail it on error); otherwise the writer keeps retrying it. {@code at}: when
     * it happened, for a record written in its change's transaction; null means when it is chained.
     */
    private record Pending(AuditEntry entry, CompletableFuture<AuditRecord> done, boolean waited, int attempts, Instant at) {
        Pending(AuditEntry entry, CompletableFuture<AuditRecord> done, boolean waited) {
            this(entry, done, waited, 0, null);
        }
    }

    /** Put in {@link #queue} after a commit that wrote a record into {@code audit_pending}: chain it now. */
    private static final Pending NUDGE = new Pending(null, null, false, 0, null);
    private static final int PENDING_BATCH = 500;
    /** How often the writer looks for records other nodes (or a crash) left in {@code audit_pending}. */
    private static final Duration PENDING_SWEEP = Duration.ofSeconds(1);
    /** Set while this thread chains pending records, so that doing so writes no record of its own. */
    private static final ThreadLocal<Boolean> CHAINING = new ThreadLocal<>();

    /** {@code signer} (nullable) is the operator's checkpoint key, used by {@link #export(AuditQuery, OutputStream)}. */
    public AuditLog(Db db, Clock clock, AuditSigner signer) {
        this(db, clock, signer, 10_000);
    }

    /** {@code laterCapacity}: how many {@link #recordLater} records may wait before new ones are dropped. */
    AuditLog(Db db, Clock clock, AuditSigner signer, int laterCapacity) {
        this.later = new LinkedBlockingDeque<>(laterCapacity);
        this.db = db;
        this.clock = clock;
        this.signer = signer;
        db.beforeCommit(this::writeInTransaction);
        this.writer = new Thread(this::loop, "chatsdk-audit-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Appends an entry and returns its sealed record once it is committed. Blocks up to 10 s; fails with
     * {@code unavailable} when the database cannot take it (the caller must not report success then).
     */
    public AuditRecord record(AuditEntry entry) {
        CompletableFuture<AuditRecord> done = new CompletableFuture<>();
        if (!running || !queue.offer(new Pending(entry, done, true))) {
            throw new ChatException(ErrorCode.UNAVAILABLE, "the audit log is not accepting records; retry later", null, null);
        }
        try {
            return done.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChatException(ErrorCode.UNAVAILABLE, "interrupted while writing the audit log", null, e);
        } catch (TimeoutException e) {
            throw new ChatException(ErrorCode.UNAVAILABLE, "the audit log did not commit in time; retry later", null, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof ChatException ce ? ce
                    : new ChatException(ErrorCode.UNAVAILABLE, "the audit log could not be written; retry later", null, e.getCause());
        }
    }

    /**
     * Queues an entry without waiting: for events whose caller has already failed (a rejected token, a request that
     * met a database outage), which must not wait on the database a second time. Such entries have their own queue
     * (10,000 entries), written after the records callers wait for, so that a flood of them cannot delay or refuse
     * those. The writer retries them, in order, until the database takes them; a full queue drops new ones, counted
     * in {@link #dropped()} and logged once per thousand. Returns the future record.
     */
    public CompletableFuture<AuditRecord> recordLater(AuditEntry entry) {
        CompletableFuture<AuditRecord> done = new CompletableFuture<>();
        if (!running || !later.offer(new Pending(entry, done, false))) {
            drop(entry);
            done.completeExceptionally(new ChatException(ErrorCode.UNAVAILABLE, "the audit log is not accepting records", null, null));
        }
        return done;
    }

    /** How many {@link #recordLater} records were dropped since start because their queue was full. */
    public long dropped() {
        return dropped.get();
    }

    private void drop(AuditEntry entry) {
        long n = dropped.incrementAndGet();
        if (n % 1000 == 1) {
            LOG.log(Level.WARNING, "audit queue of unwaited records full: dropped a " + entry.action() + " record (" + n + " dropped since start)");
        }
    }

    /** A record for {@code audit_pending}, held back by a group commit's batch. */
    private record HeldRecord(AuditEntry entry, Instant at) {
    }

    /** Writes a batch's held-back records in one statement, in the order given (their ids ascend in it). */
    private static final Tx.RowWriter<HeldRecord> PENDING = (tx, rows) -> {
        int n = rows.size();
        UUID[] apps = new UUID[n];
        Instant[] ats = new Instant[n];
        String[][] text = new String[10][n];
        Boolean[] success = new Boolean[n];
        for (int i = 0; i < n; i++) {
            AuditEntry e = rows.get(i).entry();
            apps[i] = e.app() == null ? null : e.app().value();
            ats[i] = rows.get(i).at();
            success[i] = e.success();
            textRow(text, i, e.actorType(), e.actorId(), e.actorRole(), e.action(), e.resourceType(), e.resourceId(), e.ip(), e.userAgent(),
                    e.reason(), Json.write(e.details()));
        }
        tx.update("insert into audit_pending (app_id, at, actor_type, actor_id, actor_role, action, resource_type, resource_id, ip, user_agent, "
                        + "success, reason, details) "
                        + "select r.app_id, r.at, r.actor_type, r.actor_id, r.actor_role, r.action, r.resource_type, r.resource_id, r.ip, r.user_agent, "
                        + "r.success, r.reason, r.details::jsonb from unnest(?::uuid[], ?::timestamptz[], ?::text[], ?::text[], ?::text[], ?::text[], "
                        + "?::text[], ?::text[], ?::text[], ?::text[], ?::boolean[], ?::text[], ?::text[]) with ordinality as r(app_id, at, actor_type, "
                        + "actor_id, actor_role, action, resource_type, resource_id, ip, user_agent, success, reason, details, n) order by r.n",
                apps, ats, text[0], text[1], text[2], text[3], text[4], text[5], text[6], text[7], success, text[8], text[9]);
    };

    /**
     * The transaction hook: when this thread has an {@link AuditScope} whose record is not written and the transaction
     * wrote, the record goes into {@code audit_pending} in this transaction; after the commit the scope is marked and
     * the writer told to chain it.
     */
    private void writeInTransaction(Tx tx) {
        AuditScope scope = AuditScope.pending();
        if (scope == null || CHAINING.get() != null || !tx.wrote()) {
            return;
        }
        AuditEntry e = scope.entry();
        Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
        if (tx.holdsRows()) {
            tx.hold(PENDING, new HeldRecord(e, at));   // a group commit's batch writes its records together, before its commit
        } else {
            tx.update("insert into audit_pending (app_id, at, actor_type, actor_id, actor_role, action, resource_type, resource_id, ip, user_agent, "
                            + "success, reason, details) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)",
                    e.app() == null ? null : e.app().value(), at, e.actorType(), e.actorId(),
                    e.actorRole(), e.action(), e.resourceType(), e.resourceId(), e.ip(), e.userAgent(), e.success(), e.reason(), Json.write(e.details()));
        }
        tx.afterCommit(() -> {
            scope.markWritten();
            queue.offer(NUDGE);
        });
    }

    /**
     * Chains up to {@value #PENDING_BATCH} records from {@code audit_pending} (oldest first) and deletes them, in one
     * transaction; returns how many. Rows another thread or node is chaining are skipped, or, with {@code waitForOthers},
     * waited for: their transaction then has committed, so they are in the chain (or still pending, and chained here).
     */
    private int chainPending(boolean waitForOthers) {
        CHAINING.set(Boolean.TRUE);
        try {
            return db.inTransaction(tx -> {
                List<Long> ids = new ArrayList<>();
                List<Pending> rows = tx.query("select id, app_id, at, actor_type, actor_id, actor_role, action, resource_type, resource_id, ip, "
                        + "user_agent, success, reason, details::text as details from audit_pending order by id limit " + PENDING_BATCH
                        + (waitForOthers ? " for update" : " for update skip locked"), rs -> {
                    ids.add(rs.getLong("id"));
                    java.util.UUID app = (java.util.UUID) rs.getObject("app_id");
                    Map<String, String> details = new LinkedHashMap<>();
                    Json.readMap(rs.getString("details")).forEach((k, v) -> details.put(k, String.valueOf(v)));
                    AuditEntry entry = new AuditEntry(app == null ? null : new AppId(app), rs.getString("actor_type"), rs.getString("actor_id"),
                            rs.getString("actor_role"), rs.getString("action"), rs.getString("resource_type"), rs.getString("resource_id"),
                            rs.getString("ip"), rs.getString("user_agent"), rs.getBoolean("success"), rs.getString("reason"), details);
                    return new Pending(entry, new CompletableFuture<>(), false, 0, Tx.instant(rs, "at"));
                });
                if (rows.isEmpty()) {
                    return 0;
                }
                writeIn(tx, rows);
                tx.update("delete from audit_pending where id in (" + String.join(",", java.util.Collections.nCopies(ids.size(), "?")) + ")",
                        ids.toArray());
                return rows.size();
            });
        } finally {
            CHAINING.remove();
        }
    }

    /**
     * Chains every record waiting in {@code audit_pending}. Readers wait for records another thread is chaining at that
     * moment, so that what they read next includes them; the writer's own sweeps skip those and never wait.
     */
    private void flushPending(boolean waitForOthers) {
        while (chainPending(waitForOthers) == PENDING_BATCH) {
            // more waiting
        }
    }

    /** One page of a chain, oldest first (records written with their changes are chained first). */
    public List<AuditRecord> query(AuditQuery q) {
        flushPending(true);
        return page(q);
    }

    /** One page of a chain as chained so far. */
    private List<AuditRecord> page(AuditQuery q) {
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from audit_log where chain = ? and seq > ?");
        List<Object> params = new ArrayList<>(List.of(q.chain(), q.afterSeq()));
        condition(sql, params, "actor_id", q.actorId());
        condition(sql, params, "action", q.action());
        condition(sql, params, "resource_type", q.resourceType());
        condition(sql, params, "resource_id", q.resourceId());
        if (q.from() != null) {
            sql.append(" and at >= ?");
            params.add(q.from());
        }
        if (q.to() != null) {
            sql.append(" and at < ?");
            params.add(q.to());
        }
        sql.append(" order by seq limit ").append(q.limit());
        return db.read(tx -> tx.query(sql.toString(), AuditLog::row, params.toArray()));
    }

    /** The chains that have records: app ids as text and {@value AuditRecord#OPERATOR_CHAIN}. */
    public List<String> chains() {
        flushPending(true);
        return db.read(tx -> tx.query("select chain from audit_chain order by chain", rs -> rs.getString(1)));
    }

    /**
     * Where a chain stands: its newest record, and its newest signed checkpoint ({@code checkpointSeq} 0 and
     * {@code checkpointAt} null when none yet). Records after the checkpoint are hashed but not yet signed.
     */
    public record ChainStatus(String chain, long lastSeq, Instant lastAt, long checkpointSeq, Instant checkpointAt) {
    }

    /** Every chain's {@link ChainStatus}, the operator chain first. */
    public List<ChainStatus> status() {
        flushPending(true);
        return db.read(tx -> tx.query("select c.chain, c.last_seq, (select l.at from audit_log l where l.chain = c.chain and l.seq = c.last_seq) as last_at, "
                + "k.seq as cp_seq, k.at as cp_at from audit_chain c left join lateral (select seq, at from audit_checkpoint k where k.chain = c.chain "
                + "order by seq desc limit 1) k on true order by c.chain <> '" + AuditRecord.OPERATOR_CHAIN + "', c.chain",
                rs -> new ChainStatus(rs.getString("chain"), rs.getLong("last_seq"), io.chatsdk.engine.persistence.Tx.instant(rs, "last_at"),
                        rs.getLong("cp_seq"), io.chatsdk.engine.persistence.Tx.instant(rs, "cp_at"))));
    }

    /**
     * Verifies one whole chain ({@code app} null: the operator chain) as an auditor would: exports it signed to a
     * temporary file and checks that with {@link AuditVerifier} and the engine's public key (every record's hash,
     * every link, every checkpoint's signature). Needs the signing key; the file is deleted afterwards.
     */
    public AuditVerification verify(io.chatsdk.engine.types.AppId app) throws IOException {
        AuditSigner key = signingKey();
        java.nio.file.Path file = java.nio.file.Files.createTempFile("chatsdk-audit-verify", ".jsonl");
        try {
            try (OutputStream out = java.nio.file.Files.newOutputStream(file)) {
                export(new AuditQuery(app, null, null, null, null, null, null, 0, 1000), out, key);
            }
            return new AuditVerifier(key.publicKey()).verify(file);
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    /**
     * Signs the head of every chain that grew since its last checkpoint; returns how many checkpoints it made.
     * Nodes running this at the same time make the same checkpoint once.
     */
    public int checkpoint(AuditSigner signer) {
        flushPending(true);
        Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return db.inTransaction(tx -> {
            List<Checkpoint> made = new ArrayList<>();
            tx.query("select c.chain, c.last_seq, c.last_hash from audit_chain c where c.last_seq > "
                    + "coalesce((select max(k.seq) from audit_checkpoint k where k.chain = c.chain), 0)", rs -> {
                made.add(signer.checkpoint(rs.getString(1), rs.getLong(2), rs.getBytes(3), at));
                return null;
            });
            int n = 0;
            for (Checkpoint cp : made) {
                n += tx.update("insert into audit_checkpoint (chain, seq, hash, at, key_id, signature) values (?, ?, ?, ?, ?, ?) on conflict do nothing",
                        cp.chain(), cp.seq(), cp.hash(), cp.at(), cp.keyId(), cp.signature());
            }
            return n;
        });
    }

    /**
     * Streams one chain (the scope's app, or the operator chain), optionally limited to {@code [from, to)}, with its
     * checkpoints and a signed end line, in the format {@link AuditVerifier} checks offline. Other filters of the query
     * are ignored: an export must be a contiguous piece of the chain to be verifiable. Returns the records written.
     */
    public long export(AuditQuery scope, OutputStream out) throws IOException {
        return export(scope, out, signingKey());
    }

    /** The public half of the engine's checkpoint key; fails with {@code feature_disabled} when none is configured. */
    public AuditPublicKey publicKey() {
        return signingKey().publicKey();
    }

    private AuditSigner signingKey() {
        if (signer == null) {
            throw new ChatException(ErrorCode.FEATURE_DISABLED, "no audit signing key is configured: ChatEngine.builder().auditSigner(...)", null, null);
        }
        return signer;
    }

    /** Like {@link #export(AuditQuery, OutputStream)}, signed by {@code signer}. */
    public long export(AuditQuery scope, OutputStream out, AuditSigner signer) throws IOException {
        flushPending(true);
        String chain = scope.chain();
        AuditExportWriter w = new AuditExportWriter(out, clock);
        w.header(List.of(chain));
        long after = 0;
        while (true) {
            AuditQuery page = new AuditQuery(scope.app(), null, null, null, null, scope.from(), scope.to(), after, 1000);
            List<AuditRecord> records = page(page);
            if (records.isEmpty()) {
                break;
            }
            long first = records.get(0).seq();
            long last = records.get(records.size() - 1).seq();
            Map<Long, Checkpoint> checkpoints = new TreeMap<>();
            db.read(tx -> tx.query("select chain, seq, hash, at, key_id, signature from audit_checkpoint where chain = ? and seq between ? and ?",
                    rs -> checkpoints.put(rs.getLong(2), new Checkpoint(rs.getString(1), rs.getLong(2), rs.getBytes(3), Tx.instant(rs, "at"),
                            rs.getString(5), rs.getBytes(6))), chain, first, last));
            for (AuditRecord r : records) {
                w.record(r);
                Checkpoint cp = checkpoints.get(r.seq());
                if (cp != null) {
                    w.checkpoint(cp);
                }
            }
            after = last;
        }
        w.end(signer);
        return w.records();
    }

    private static void condition(StringBuilder sql, List<Object> params, String column, String value) {
        if (value != null) {
            sql.append(" and ").append(column).append(" = ?");
            params.add(value);
        }
    }

    static AuditRecord row(ResultSet rs) throws SQLException {
        Map<String, Object> raw = Json.readMap(rs.getString("details"));
        Map<String, String> details = new TreeMap<>();
        raw.forEach((k, v) -> details.put(k, String.valueOf(v)));
        return new AuditRecord(rs.getString("chain"), rs.getLong("seq"), Tx.instant(rs, "at"), rs.getString("actor_type"),
                rs.getString("actor_id"), rs.getString("actor_role"), rs.getString("action"), rs.getString("resource_type"),
                rs.getString("resource_id"), rs.getString("ip"), rs.getString("user_agent"), rs.getString("outcome"),
                rs.getString("reason"), details, rs.getBytes("prev_hash"), rs.getBytes("hash"));
    }

    private void loop() {
        List<Pending> batch = new ArrayList<>(BATCH);
        int failures = 0;
        long nextSweep = 0;
        while (running || !queue.isEmpty() || !later.isEmpty()) {
            try {
                if (System.nanoTime() - nextSweep >= 0) {
                    nextSweep = System.nanoTime() + PENDING_SWEEP.toNanos();
                    flushPending(false);   // left by other nodes, or by a crash before they were chained
                }
                Pending first = queue.poll();
                if (first == null) {
                    first = later.poll();
                }
                if (first == null) {
                    first = queue.poll(100, TimeUnit.MILLISECONDS);
                }
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                later.drainTo(batch, BATCH - batch.size());
                if (batch.removeIf(p -> p == NUDGE)) {
                    flushPending(false);
                }
                if (!batch.isEmpty()) {
                    write(batch);
                }
                failures = 0;
            } catch (InterruptedException e) {
                if (!running) {
                    continue;
                }
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "audit batch of " + batch.size() + " failed: " + e.getClass().getName());
                if (!(e instanceof ChatException ce && ce.code() == ErrorCode.UNAVAILABLE) && batch.size() > 1) {
                    // not an outage: find the entry the database refuses, so that it cannot block the others
                    isolate(batch);
                    batch.clear();
                    continue;
                }
                List<Pending> keep = new ArrayList<>();
                for (Pending p : batch) {
                    if (p.waited() || !running || p.attempts() >= 100) {
                        if (!p.waited()) {
                            LOG.log(Level.WARNING, "dropped an audit record of " + p.entry().action() + " after " + p.attempts() + " attempts");
                        }
                        p.done().completeExceptionally(e);
                    } else {
                        keep.add(new Pending(p.entry(), p.done(), false, p.attempts() + 1, p.at()));
                    }
                }
                for (int i = keep.size() - 1; i >= 0; i--) {
                    if (!later.offerFirst(keep.get(i))) {
                        drop(keep.get(i).entry());
                    }
                }
                if (!keep.isEmpty()) {
                    pause(failures++);
                }
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Pending> batch) {
        db.inTransaction(tx -> {
            writeIn(tx, batch);
            return null;
        });
    }

    /** Chains a batch in {@code tx}; completes the records' futures once that commits. */
    private void writeIn(Tx tx, List<Pending> batch) {
        Map<String, List<Pending>> byChain = new TreeMap<>();   // sorted: nodes lock chains in one order, no deadlock
        for (Pending p : batch) {
            byChain.computeIfAbsent(p.entry().chain(), k -> new ArrayList<>()).add(p);
        }
        Map<Pending, AuditRecord> sealed = new LinkedHashMap<>();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        for (Map.Entry<String, List<Pending>> chain : byChain.entrySet()) {
            if (!knownChains.contains(chain.getKey())) {
                tx.update("insert into audit_chain (chain, last_seq, last_hash) values (?, 0, ?) on conflict do nothing",
                        chain.getKey(), AuditHash.genesis());
            }
            long[] seq = new long[1];
            byte[][] prev = new byte[1][];
            tx.one("select last_seq, last_hash from audit_chain where chain = ? for update", rs -> {
                seq[0] = rs.getLong(1);
                prev[0] = rs.getBytes(2);
                return true;
            }, chain.getKey());
            for (Pending p : chain.getValue()) {
                AuditEntry e = p.entry();
                AuditRecord r = AuditRecord.builder().chain(chain.getKey()).seq(++seq[0]).at(p.at() != null ? p.at() : now)
                        .actor(e.actorType(), e.actorId(), e.actorRole()).action(e.action()).resource(e.resourceType(), e.resourceId())
                        .client(e.ip(), e.userAgent()).outcome(e.success() ? "success" : "failure").reason(e.reason())
                        .details(e.details()).build().seal(prev[0]);
                prev[0] = r.hash();
                sealed.put(p, r);
            }
            tx.update("update audit_chain set last_seq = ?, last_hash = ? where chain = ?", seq[0], prev[0], chain.getKey());
        }
        insertAll(tx, sealed);
        tx.afterCommit(() -> {
            knownChains.addAll(byChain.keySet());
            sealed.forEach((p, r) -> p.done().complete(r));
        });
    }

    /** The batch's records in one statement: one round trip, where a statement a record took one each. */
    private static void insertAll(Tx tx, Map<Pending, AuditRecord> sealed) {
        int n = sealed.size();
        String[] chains = new String[n];
        Long[] seqs = new Long[n];
        UUID[] apps = new UUID[n];
        Instant[] ats = new Instant[n];
        String[][] text = new String[10][n];   // actor type, id and role, action, resource type and id, ip, user agent, outcome, reason
        String[] details = new String[n];
        byte[][] prevHashes = new byte[n][];
        byte[][] hashes = new byte[n][];
        int i = 0;
        for (Map.Entry<Pending, AuditRecord> sealedOne : sealed.entrySet()) {
            AuditEntry e = sealedOne.getKey().entry();
            AuditRecord r = sealedOne.getValue();
            chains[i] = r.chain();
            seqs[i] = r.seq();
            apps[i] = e.app() == null ? null : e.app().value();
            ats[i] = r.at();
            textRow(text, i, r.actorType(), r.actorId(), r.actorRole(), r.action(), r.resourceType(), r.resourceId(), r.ip(), r.userAgent(),
                    r.outcome(), r.reason());
            details[i] = Json.write(r.details());
            prevHashes[i] = r.prevHash();
            hashes[i] = r.hash();
            i++;
        }
        int written = tx.update("insert into audit_log (chain, seq, app_id, at, actor_type, actor_id, actor_role, action, resource_type, resource_id, "
                        + "ip, user_agent, outcome, reason, details, prev_hash, hash) "
                        + "select r.chain, r.seq, r.app_id, r.at, r.actor_type, r.actor_id, r.actor_role, r.action, r.resource_type, r.resource_id, "
                        + "r.ip, r.user_agent, r.outcome, r.reason, r.details::jsonb, r.prev_hash, r.hash "
                        + "from unnest(?::text[], ?::bigint[], ?::uuid[], ?::timestamptz[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], "
                        + "?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bytea[], ?::bytea[]) "
                        + "as r(chain, seq, app_id, at, actor_type, actor_id, actor_role, action, resource_type, resource_id, ip, user_agent, "
                        + "outcome, reason, details, prev_hash, hash)",
                chains, seqs, apps, ats, text[0], text[1], text[2], text[3], text[4], text[5], text[6], text[7], text[8], text[9], details,
                prevHashes, hashes);
        if (written != n) {
            throw new IllegalStateException(n - written + " of " + n + " audit records were not written");
        }
    }

    /** Puts one row's text values into the column arrays of a statement that reads its rows through {@code unnest}. */
    private static void textRow(String[][] columns, int row, String... values) {
        for (int k = 0; k < values.length; k++) {
            columns[k][row] = values[k];
        }
    }

    /** Writes each entry of a failed batch on its own; one the database refuses fails alone and is not retried. */
    private void isolate(List<Pending> batch) {
        for (Pending p : batch) {
            try {
                write(List.of(p));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "audit record of " + p.entry().action() + " refused by the database: " + e.getClass().getName());
                p.done().completeExceptionally(e);
            }
        }
    }

    /** Backs off 1, 2, 4, 8, then 10 s between retries while the database is away. */
    private void pause(int failures) {
        try {
            Thread.sleep(Math.min(10_000L, 1000L << Math.min(failures, 4)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes what is queued, then stops the writer thread. */
    @Override
    public void close() {
        running = false;
        try {
            writer.join(WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
