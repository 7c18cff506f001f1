package io.chatsdk.bench;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.ChatEngine;
import io.chatsdk.engine.model.AppCredentials;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.model.UserInput;
import io.chatsdk.engine.spi.KeyProvider;
import io.chatsdk.engine.types.Cid;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Engine benchmarks against embedded PostgreSQL 17 with durable commits ({@code fsync=on}, {@code synchronous_commit=on}).
 *
 * <ol>
 *   <li>Durable sends per second into 1 and 64 channels with 1 and 16 sending threads, each next to a baseline run in
 *       the same process: plain JDBC inserts of an equal message row, one commit each. Into one channel, the sends also
 *       run with every send committed alone (a second engine on the same database, {@code groupCommitLimit(1)}),
 *       alternating with the default in three pairs.</li>
 *   <li>The compliance core's costs: audit appends and redaction ({@link ComplianceBench}).</li>
 *   <li>The unread-count query for a user in 500 channels holding 1M messages in all.</li>
 * </ol>
 *
 * Run with {@code ./chatsdk bench [seconds-per-case]} (default 10). Results print as Markdown.
 * {@code CHATSDK_BENCH_CASES} (e.g. {@code 16x1}, threads x channels) runs only the send cases it names, and then
 * neither the compliance nor the unread benchmark.
 */
public final class EngineBench {
    private static final String TEXT = "The quick brown fox jumps over the lazy dog. A message of typical length, 80 bytes.";

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 && !args[0].isBlank() ? Integer.parseInt(args[0].trim()) : 10;
        Duration run = Duration.ofSeconds(seconds);
        Duration warmup = Duration.ofSeconds(Math.max(2, seconds / 4));
        byte[] masterKey = randomKey();
        try (EmbeddedPostgres pg = durablePostgres().setServerConfig("max_connections", "100").start();
             HikariDataSource ds = pool(pg.getJdbcUrl("postgres", "postgres"));
             ChatEngine engine = ChatEngine.builder().dataSource(ds).keyProvider(KeyProvider.aesGcm(masterKey)).build();
             // the same database and keys with every send committed alone: group commit's baseline in the same run
             ChatEngine alone = ChatEngine.builder().dataSource(ds).keyProvider(KeyProvider.aesGcm(masterKey)).migrate(false)
                     .groupCommitLimit(1).build()) {
            System.out.println("## Engine benchmark");
            System.out.printf(Locale.ROOT, "JVM %s, %d cores, %ds per case after %ds warm-up, PostgreSQL %s (fsync=on, synchronous_commit=on)%n%n",
                    Runtime.version(), Runtime.getRuntime().availableProcessors(), run.toSeconds(), warmup.toSeconds(), serverVersion(ds));
            createBaselineTable(ds);
            AppCredentials creds = engine.apps().create("bench");
            AppHandle app = engine.app(creds.appId());
            List<UserInput> users = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                users.add(UserInput.of("u" + i));
            }
            app.users().upsertAll(users);
            List<String> members = users.stream().map(UserInput::id).toList();

            System.out.println("| case | engine sends/s | engine p50 ms | engine p99 ms | JDBC baseline inserts/s | baseline p50 ms | baseline p99 ms | engine / baseline |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
            int round = 0;
            // CHATSDK_BENCH_CASES: the cases to run (threads x channels); unset or blank, every case and the other benchmarks
            String casesEnv = System.getenv("CHATSDK_BENCH_CASES");
            List<String> only = casesEnv == null || casesEnv.isBlank() ? List.of() : Arrays.asList(casesEnv.replace(" ", "").split(","));
            // CPU per send of the whole system under test: this JVM (the engine runs on the sending threads) and PostgreSQL
            long postmaster = postmasterPid(ds);
            java.util.function.LongSupplier pgCpu = () -> postgresCpuNanos(postmaster);
            java.util.function.LongSupplier both = () -> ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos() + pgCpu.getAsLong();
            List<String> cpuNotes = new ArrayList<>();
            // the background work a send leaves is done: its outbox row published and its message indexed for search
            java.util.function.BooleanSupplier idle = () -> {
                try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                     var rs = st.executeQuery("select (select count(*) from outbox_event where published_at is null) + (select count(*) from message m "
                             + "where not exists (select 1 from message_search_doc d where d.app_id = m.app_id and d.message_id = m.id))")) {
                    rs.next();
                    return rs.getLong(1) == 0;
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            };
            for (int channels : new int[] {1, 64}) {
                for (int threads : new int[] {1, 16}) {
                    round++;
                    if (!only.isEmpty() && !only.contains(threads + "x" + channels)) {
                        continue;
                    }
                    List<Cid> cids = new ArrayList<>();
                    for (int c = 0; c < channels; c++) {
                        cids.add(app.channels().getOrCreate("messaging", "r" + round + "-c" + c,
                                ChannelInput.withMembers("u0", members)).channel().cid());
                    }
                    List<UUID> baselineChannels = new ArrayList<>();
                    for (int c = 0; c < channels; c++) {
                        baselineChannels.add(UUID.randomUUID());
                    }
                    Sender engineSend = (thread, i) -> app.as("u" + thread).messages().send(cids.get((int) (i % channels)), NewMessage.text(TEXT));
                    Sender jdbcSend = (thread, i) -> baselineInsert(ds, baselineChannels.get((int) (i % channels)), "u" + thread);
                    Result base = measure(jdbcSend, threads, warmup, run);
                    Result eng;
                    Result off = null;
                    if (channels == 1) {
                        // group commit against every send committed alone, in three pairs of alternating order (whatever runs
                        // right after the JDBC baseline pays for its checkpoint): the medians
                        AppHandle aloneApp = alone.app(creds.appId());
                        Sender aloneSend = (thread, i) -> aloneApp.as("u" + thread).messages().send(cids.get(0), NewMessage.text(TEXT));
                        List<CpuResult> grouped = new ArrayList<>();
                        List<CpuResult> single = new ArrayList<>();
                        for (int pair = 0; pair < 3; pair++) {
                            boolean groupedFirst = pair % 2 == 0;
                            // the second CPU reading is PostgreSQL's alone (CpuResult.requestCpuMsPerOp below)
                            (groupedFirst ? grouped : single).add(measureUntilIdle(groupedFirst ? engineSend : aloneSend, threads, warmup, run, both, pgCpu, idle));
                            (groupedFirst ? single : grouped).add(measureUntilIdle(groupedFirst ? aloneSend : engineSend, threads, warmup, run, both, pgCpu, idle));
                        }
                        eng = median(grouped.stream().map(CpuResult::result).toList());
                        off = median(single.stream().map(CpuResult::result).toList());
                        cpuNotes.add(String.format(Locale.ROOT, "- 1 channel, %d thread%s: CPU per send %s ms grouped (of which PostgreSQL %s), %s ms every send "
                                        + "committed alone (PostgreSQL %s)", threads, threads == 1 ? "" : "s", cpus(grouped, CpuResult::cpuMsPerOp),
                                cpus(grouped, CpuResult::requestCpuMsPerOp), cpus(single, CpuResult::cpuMsPerOp), cpus(single, CpuResult::requestCpuMsPerOp)));
                    } else {
                        eng = measure(engineSend, threads, warmup, run);
                    }
                    String label = String.format(Locale.ROOT, "%d channel%s, %d thread%s", channels, channels == 1 ? "" : "s", threads, threads == 1 ? "" : "s");
                    printRow(label + (off == null ? "" : " (median of 3)"), eng, base);
                    if (off != null) {
                        printRow(label + ", every send committed alone (groupCommitLimit 1, median of 3)", off, base);
                    }
                }
            }
            System.out.println();
            if (!cpuNotes.isEmpty()) {
                System.out.println("CPU per send until idle (this JVM, the engine included, and PostgreSQL, from the run's start until every send is "
                        + "published and indexed; the three runs of each, in order; CPU time moves less than throughput on a shared machine):");
                cpuNotes.forEach(System.out::println);
                System.out.println();
            }
            if (!only.isEmpty()) {
                return;   // only the cases asked for
            }
            ComplianceBench.run(engine, ds, app, members, warmup, run);
            UnreadBench.run(engine, ds, app);
        }
    }

    @FunctionalInterface
    interface Sender {
        void send(int thread, long i) throws Exception;
    }

    record Result(double perSecond, double p50, double p99) {
    }

    private static void printRow(String label, Result r, Result base) {
        System.out.printf(Locale.ROOT, "| %s | %.0f | %.2f | %.2f | %.0f | %.2f | %.2f | %.2f |%n",
                label, r.perSecond, r.p50, r.p99, base.perSecond, base.p50, base.p99, r.perSecond / base.perSecond);
    }

    /** Each figure's median over the runs. */
    static Result median(List<Result> runs) {
        java.util.function.ToDoubleFunction<java.util.function.ToDoubleFunction<Result>> mid = f -> {
            double[] v = runs.stream().mapToDouble(f).sorted().toArray();
            return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        };
        return new Result(mid.applyAsDouble(Result::perSecond), mid.applyAsDouble(Result::p50), mid.applyAsDouble(Result::p99));
    }

    /** The runs' CPU figures, in the order they ran. */
    private static String cpus(List<CpuResult> runs, java.util.function.ToDoubleFunction<CpuResult> f) {
        return runs.stream().map(r -> String.format(Locale.ROOT, "%.2f", f.applyAsDouble(r))).collect(java.util.stream.Collectors.joining("/"));
    }

    /** The embedded PostgreSQL's postmaster: the first line of {@code postmaster.pid} in its data directory. */
    static long postmasterPid(HikariDataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); var rs = s.executeQuery("show data_directory")) {
            rs.next();
            return Long.parseLong(java.nio.file.Files.readAllLines(java.nio.file.Path.of(rs.getString(1), "postmaster.pid")).get(0).strip());
        }
    }

    /**
     * The CPU time so far of PostgreSQL: the postmaster and every process under it (backends, WAL writer, checkpointer).
     * A process that ended meanwhile (an autovacuum worker) no longer counts, so this slightly undercounts.
     */
    static long postgresCpuNanos(long postmaster) {
        ProcessHandle pm = ProcessHandle.of(postmaster).orElseThrow(() -> new IllegalStateException("PostgreSQL is not running"));
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(pm), pm.descendants())
                .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
    }

    static Result measure(Sender sender, int threads, Duration warmup, Duration run) throws Exception {
        drive(sender, threads, warmup);
        return drive(sender, threads, run);
    }

    /** A measured run, with the CPU time a process spent on each operation during it. */
    record CpuResult(Result result, double cpuMsPerOp, double requestCpuMsPerOp) {
    }

    /**
     * As {@link #measure}, also reading {@code cpuNanos} (a process's CPU time so far) and {@code requestCpuNanos} (its
     * request threads' alone) around the measured run: the CPU each operation cost them. Throughput on a shared 2-core machine moves with the machine's load; the CPU an
     * operation costs moves much less, so it is the steadier figure to compare two builds by.
     */
    static CpuResult measure(Sender sender, int threads, Duration warmup, Duration run, java.util.function.LongSupplier cpuNanos,
                             java.util.function.LongSupplier requestCpuNanos) throws Exception {
        return measureUntilIdle(sender, threads, warmup, run, cpuNanos, requestCpuNanos, () -> true);
    }

    /**
     * As {@link #measure(Sender, int, Duration, Duration, java.util.function.LongSupplier, java.util.function.LongSupplier)},
     * but with the background work the sends leave behind (publishing, search indexing) charged to them: it waits for
     * {@code idle} after the warm-up, then counts CPU from the measured run's start until {@code idle} again (at most
     * 120 s). Otherwise one run would pay for the indexing of the run before it.
     */
    static CpuResult measureUntilIdle(Sender sender, int threads, Duration warmup, Duration run, java.util.function.LongSupplier cpuNanos,
                                      java.util.function.LongSupplier secondCpuNanos, java.util.function.BooleanSupplier idle) throws Exception {
        drive(sender, threads, warmup);
        awaitIdle(idle);
        long before = cpuNanos.getAsLong();
        long secondBefore = secondCpuNanos.getAsLong();
        Result r = drive(sender, threads, run);
        awaitIdle(idle);
        double ops = r.perSecond() * run.toNanos() / 1e9;
        return new CpuResult(r, (cpuNanos.getAsLong() - before) / 1e6 / ops, (secondCpuNanos.getAsLong() - secondBefore) / 1e6 / ops);
    }

    private static void awaitIdle(java.util.function.BooleanSupplier idle) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!idle.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the engine's background work did not finish within 120 s");
            }
            Thread.sleep(100);
        }
    }

    static Result drive(Sender sender, int threads, Duration duration) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        AtomicLong counter = new AtomicLong();
        List<Future<long[]>> futures = new ArrayList<>();
        long[] endAt = new long[1];
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                long[] lat = new long[1 << 16];
                int n = 0;
                start.await();
                while (System.nanoTime() < endAt[0]) {
                    long t0 = System.nanoTime();
                    sender.send(thread, counter.getAndIncrement());
                    long dt = System.nanoTime() - t0;
                    if (n == lat.length) {
                        lat = Arrays.copyOf(lat, n * 2);
                    }
                    lat[n++] = dt;
                }
                return Arrays.copyOf(lat, n);
            }));
        }
        long t0 = System.nanoTime();
        endAt[0] = t0 + duration.toNanos();
        start.countDown();
        List<long[]> all = new ArrayList<>();
        try {
            for (Future<long[]> f : futures) {
                all.add(f.get());
            }
        } finally {
            pool.shutdownNow();   // a failed sender must not leave the pool's threads keeping the JVM (mvn exec:java) alive
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Result(merged.length / elapsed, percentile(merged, 0.50), percentile(merged, 0.99));
    }

    static double percentile(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        return sortedNanos[Math.min(sortedNanos.length - 1, (int) Math.ceil(p * sortedNanos.length) - 1)] / 1e6;
    }

    static void createBaselineTable(HikariDataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            // the same columns and indexes a message row has, without the engine's logic
            s.execute("create table bench_message (like message including all)");
            s.execute("create sequence bench_seq");
        }
    }

    static void baselineInsert(HikariDataSource ds, UUID channel, String user) throws Exception {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("insert into bench_message (app_id, id, channel_pk, seq, user_id, type, text, "
                    + "attachments, mentioned_users, custom, created_at, updated_at) values (?, ?, ?, nextval('bench_seq'), ?, 'regular', ?, "
                    + "'[]'::jsonb, '{}', '{}'::jsonb, now(), now())")) {
                ps.setObject(1, channel);
                ps.setString(2, UUID.randomUUID().toString());
                ps.setObject(3, channel);
                ps.setString(4, user);
                ps.setString(5, TEXT);
                ps.executeUpdate();
            }
            c.commit();
        }
    }

    static String serverVersion(HikariDataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); var rs = s.executeQuery("show server_version")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * Embedded PostgreSQL as the appliance runs its own (Database.java, and the Ansible role): every acknowledged commit
     * on disk, and autovacuum looking for work every 5 s.
     */
    static EmbeddedPostgres.Builder durablePostgres() {
        return EmbeddedPostgres.builder()
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("autovacuum_naptime", "5s");
    }

    static HikariDataSource pool(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(24);
        return new HikariDataSource(config);
    }

    static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
