package io.chatsdk.bench;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.ChatEngine;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.model.UserInput;
import io.chatsdk.engine.spi.KeyProvider;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.jakarta.Tokens;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * REST sends against the real appliance (the Payara Micro executable jar, started here as a separate process with its
 * embedded PostgreSQL), from this JVM as the client over keep-alive HTTP/1.1; and, in the same run, the same sends
 * through the engine in-process against its own embedded PostgreSQL, to show what the HTTP layer costs. Also the
 * appliance's cold start time to healthy.
 *
 * Run with {@code ./chatsdk bench-rest [seconds-per-case]}.
 */
public final class RestBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TEXT = "The quick brown fox jumps over the lazy dog. A message of typical length, 80 bytes.";
    private static final java.util.concurrent.atomic.AtomicLong IDS = new java.util.concurrent.atomic.AtomicLong();
    /** {clients, channels}; {@code CHATSDK_BENCH_CASES} (e.g. {@code 32x1}) runs only the cases it names. */
    private static final int[][] CASES = cases(System.getenv("CHATSDK_BENCH_CASES"));

    private static int[][] cases(String only) {
        int[][] all = {{1, 1}, {32, 1}, {32, 32}};
        if (only == null || only.isBlank()) {
            return all;
        }
        return java.util.Arrays.stream(only.split(",")).map(c -> c.trim().split("x"))
                .map(c -> new int[] {Integer.parseInt(c[0]), Integer.parseInt(c[1])}).toArray(int[][]::new);
    }

    /**
     * With {@code CHATSDK_BENCH_SETTLE} set, each case waits for the appliance to go idle after its warm-up, and again
     * after its run, and prints the appliance's CPU per send from the run's start until idle: the background work a
     * send causes (indexing jobs, the relay), which the run's own accounting misses when it lags behind the sends.
     */
    private static final boolean SETTLE = System.getenv("CHATSDK_BENCH_SETTLE") != null;
    /** CHATSDK_BENCH_FLOOR=0 leaves out the floor (Payara's HTTP path and one insert, see BenchFloorServlet). */
    private static final boolean FLOOR = !"0".equals(System.getenv("CHATSDK_BENCH_FLOOR"));
    /** CHATSDK_BENCH_PG_STATEMENTS=1 prints the embedded PostgreSQL's statements of each REST case's measured run (PgStatements). */
    private static final boolean PG_STATEMENTS = "1".equals(System.getenv("CHATSDK_BENCH_PG_STATEMENTS"));

    /** Waits until the appliance uses under 5 % of a core over half a second (at most two minutes); returns the seconds waited. */
    private static double awaitIdle(ApplianceProcess appliance) {
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < java.util.concurrent.TimeUnit.MINUTES.toNanos(2)) {
            long before = appliance.cpuNanos();
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (appliance.cpuNanos() - before < 25_000_000L) {
                break;
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Waits until the appliance is idle, then reconnects every client: the pause may outlast the server's keep-alive timeout. */
    private static void settle(ApplianceProcess appliance, RawHttpClient[] clients) {
        awaitIdle(appliance);
        for (RawHttpClient client : clients) {
            try {
                client.reconnect();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 && !args[0].isBlank() ? Integer.parseInt(args[0].trim()) : 10;
        Duration run = Duration.ofSeconds(seconds);
        // each case first runs until the JIT compiler of the JVM it measures has settled (JitSettle), then as long again as it
        // is measured; a fixed warm-up alone left the appliance's compiler busy for a minute more (2026-12-06)
        Duration warmup = Duration.ofSeconds(Math.max(5, seconds));
        Path jar = Path.of(args.length > 1 ? args[1] : "appliance-war/target/chatsdk-appliance.jar").toAbsolutePath();
        System.out.println("## REST benchmark");
        System.out.printf(Locale.ROOT, "JVM %s, %d cores, %ds per case after %s%ds warm-up%n%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), run.toSeconds(),
                JitSettle.maxSeconds() > 0 ? "a wait until the JIT settled (at most " + JitSettle.maxSeconds() + " s) and a further " : "a ",
                warmup.toSeconds());

        Map<String, EngineBench.CpuResult> rest = new LinkedHashMap<>();
        Map<String, EngineBench.CpuResult> floor = new LinkedHashMap<>();
        // where each measured run's CPU went on the whole machine, by run ("REST", "floor", "engine", "JDBC") and case
        Map<String, MachineCpu.Share> machine = new LinkedHashMap<>();
        // the floor endpoint (/bench/floor) is deployed only with CHATSDK_BENCH_ENDPOINTS=true
        Map<String, String> env = new java.util.HashMap<>(FLOOR ? Map.of("CHATSDK_BENCH_ENDPOINTS", "true") : Map.of());
        Path pgData = PG_STATEMENTS ? java.nio.file.Files.createTempDirectory("chatsdk-bench-pg-") : null;
        if (pgData != null) {
            env.put("CHATSDK_DATA_DIR", pgData.toString());
        }
        double[] coldStart = new double[1];
        try (ApplianceProcess appliance = startAppliance(jar, env, pgData, coldStart);
             PgStatements pg = pgData == null ? null : PgStatements.connect(pgData, appliance.log)) {
            System.out.printf(Locale.ROOT, "Cold start of the appliance (process start to /health/ready = 200, fresh data directory, "
                    + "includes initdb of the embedded PostgreSQL): **%.1f s**%n%n", coldStart[0]);
            String base = appliance.base;
            Map<String, Object> created = appliance.post("/admin/api/apps", Map.of("name", "bench"), "Bearer " + ApplianceProcess.OPERATOR);
            String apiKey = (String) created.get("api_key");
            String secret = (String) created.get("api_secret");
            String server = Tokens.server(secret, Instant.now());
            Map<String, Object> users = new LinkedHashMap<>();
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                users.put("u" + i, Map.of("name", "User " + i));
                tokens.add(Tokens.user(secret, "u" + i, Instant.now(), Instant.now().plus(java.time.Duration.ofHours(6))));
            }
            appliance.post("/api/v1/users?api_key=" + apiKey, Map.of("users", users), server);
            int round = 0;
            for (int[] c : CASES) {
                round++;
                List<String> channels = new ArrayList<>();
                for (int ch = 0; ch < c[1]; ch++) {
                    String id = "r" + round + "-c" + ch;
                    appliance.post("/api/v1/channels/messaging/" + id + "/query?api_key=" + apiKey,
                            Map.of("data", Map.of("members", new ArrayList<>(users.keySet()), "created_by_id", "u0")), server);
                    channels.add(base + "/api/v1/channels/messaging/" + id + "/message?api_key=" + apiKey);
                }
                // each send carries a client id, as the SDKs' sends do (it makes a retry idempotent)
                String bodyStart = "{\"message\":{\"text\":" + JSON.writeValueAsString(TEXT) + ",\"id\":\"rest-" + round + "-";
                int clients = c[0];
                URI baseUri = URI.create(base);
                RawHttpClient[] perClient = new RawHttpClient[clients];
                for (int i = 0; i < clients; i++) {
                    perClient[i] = new RawHttpClient(baseUri.getHost(), baseUri.getPort()); // one keep-alive connection each
                }
                EngineBench.Sender send = (thread, i) -> {
                    String path = URI.create(channels.get(thread % channels.size())).getRawPath() + "?api_key=" + apiKey;
                    byte[] body = (bodyStart + IDS.incrementAndGet() + "\"}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    int status = perClient[thread].post(path, tokens.get(thread), body);
                    if (status != 201) {
                        throw new IllegalStateException("send answered " + status);
                    }
                };
                Map<String, Long>[] threads = new Map[2];
                int[] calls = {0};
                long[] cpuAtStart = new long[1];
                int[] cpuCalls = {0};
                java.util.function.LongSupplier cpu = () -> {
                    if (cpuCalls[0]++ == 0) {
                        if (SETTLE) {
                            settle(appliance, perClient);   // the warm-up's background work (indexing jobs) is not charged to the run
                        }
                        if (pg != null) {
                            try {
                                pg.reset();
                            } catch (java.sql.SQLException e) {
                                throw new IllegalStateException("could not reset pg_stat_statements", e);
                            }
                        }
                        cpuAtStart[0] = appliance.cpuNanos();
                        return cpuAtStart[0];
                    }
                    return appliance.cpuNanos();
                };
                JitSettle.Outcome jit = JitSettle.warm(appliance.process.pid(), window -> EngineBench.drive(send, clients, window));
                System.out.printf(Locale.ROOT, "%d clients, %d channels: REST warm-up: %s%n", c[0], c[1], jit.describe());
                MachineCpu.Recorder restMachine = new MachineCpu.Recorder();
                rest.put(key(c), EngineBench.measure(send, clients, warmup, run, restMachine.around(cpu), () -> {
                    Map<String, Long> now = appliance.threadGroupTicks();   // read right before and right after the measured run
                    threads[calls[0]++ % 2] = now;
                    return ApplianceProcess.requestThreadsCpuNanos(now);
                }));
                double sends = rest.get(key(c)).result().perSecond() * run.toSeconds();
                machine.put("REST " + key(c), restMachine.perOp(sends));
                if (pg != null) {
                    pg.print(key(c) + ", REST", 15, sends);
                    System.out.println();
                }
                if (SETTLE) {
                    double waited = awaitIdle(appliance);
                    System.out.printf(Locale.ROOT, "%d clients, %d channels: appliance CPU ms per send with the background work that followed "
                            + "until idle (%.1f s): %.2f%n", c[0], c[1], waited, (appliance.cpuNanos() - cpuAtStart[0]) / 1e6 / sends);
                }
                if (System.getenv("CHATSDK_BENCH_THREADS") != null) {
                    System.out.printf(Locale.ROOT, "%d clients, %d channels: CPU ms per send by thread group:", c[0], c[1]);
                    threads[1].entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue() - threads[0].getOrDefault(e.getKey(), 0L)))
                            .filter(e -> e.getValue() > 0).sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(10)
                            .forEach(e -> System.out.printf(Locale.ROOT, " %s %.2f;", e.getKey(), e.getValue() * 10.0 / sends));
                    System.out.println();
                }
                if (FLOOR) {
                    // the floor in the same appliance: Payara's HTTP path, the body's JSON and one durable insert, nothing else,
                    // each client's rows in its channel as the JDBC baseline writes them; after the REST case's background work
                    settle(appliance, perClient);
                    EngineBench.Sender insert = (thread, i) -> {
                        byte[] body = (bodyStart + "floor-" + IDS.incrementAndGet() + "\"},\"channel\":" + (thread % c[1]) + "}")
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                        int status = perClient[thread].post("/bench/floor", "none", body);
                        if (status != 201) {
                            throw new IllegalStateException("the floor answered " + status);
                        }
                    };
                    byte[] probe = "{\"message\":{\"text\":\"probe\"}}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    if (perClient[0].post("/bench/floor", "none", probe) == 404) {
                        System.out.println("(this appliance jar does not serve /bench/floor, which came in a7dcdc9: the floor is left out)");
                    } else {
                        JitSettle.Outcome floorJit = JitSettle.warm(appliance.process.pid(), window -> EngineBench.drive(insert, clients, window));
                        System.out.printf(Locale.ROOT, "%d clients, %d channels: floor warm-up: %s%n", c[0], c[1], floorJit.describe());
                        MachineCpu.Recorder floorMachine = new MachineCpu.Recorder();
                        floor.put(key(c), EngineBench.measure(insert, clients, warmup, run, floorMachine.around(appliance::cpuNanos),
                                appliance::requestThreadsCpuNanos));
                        machine.put("floor " + key(c), floorMachine.perOp(floor.get(key(c)).result().perSecond() * run.toSeconds()));
                    }
                }
                for (RawHttpClient client : perClient) {
                    client.close();
                }
            }
        }

        Map<String, EngineBench.Result> engine = new LinkedHashMap<>();
        Map<String, EngineBench.Result> baseline = new LinkedHashMap<>();
        try (EmbeddedPostgres pg = EngineBench.durablePostgres().start();
             HikariDataSource ds = EngineBench.pool(pg.getJdbcUrl("postgres", "postgres"));
             ChatEngine e = ChatEngine.builder().dataSource(ds).keyProvider(KeyProvider.aesGcm(randomKey())).build()) {
            AppHandle app = e.app(e.apps().create("bench").appId());
            List<UserInput> inputs = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                inputs.add(UserInput.of("u" + i));
            }
            app.users().upsertAll(inputs);
            List<String> members = inputs.stream().map(UserInput::id).toList();
            int round = 0;
            for (int[] c : CASES) {
                round++;
                List<Cid> cids = new ArrayList<>();
                for (int ch = 0; ch < c[1]; ch++) {
                    cids.add(app.channels().getOrCreate("messaging", "r" + round + "-c" + ch, ChannelInput.withMembers("u0", members)).channel().cid());
                }
                String idPrefix = "engine-" + round + "-";
                EngineBench.Sender send = (thread, i) -> app.as("u" + thread).messages().send(cids.get(thread % cids.size()),
                        NewMessage.text(TEXT).withId(idPrefix + IDS.incrementAndGet()));
                JitSettle.Outcome jit = JitSettle.warm(ProcessHandle.current().pid(), window -> EngineBench.drive(send, c[0], window));
                System.out.printf(Locale.ROOT, "%d clients, %d channels: engine warm-up: %s%n", c[0], c[1], jit.describe());
                engine.put(key(c), measureOnMachine(machine, "engine " + key(c), send, c[0], warmup, run));
            }
            // the physical ceiling: a plain insert of an equal message row and its commit, per send
            EngineBench.createBaselineTable(ds);
            for (int[] c : CASES) {
                List<java.util.UUID> channelIds = new ArrayList<>();
                for (int ch = 0; ch < c[1]; ch++) {
                    channelIds.add(java.util.UUID.randomUUID());
                }
                EngineBench.Sender insert = (thread, i) -> EngineBench.baselineInsert(ds, channelIds.get(thread % channelIds.size()), "u" + thread);
                JitSettle.Outcome jit = JitSettle.warm(ProcessHandle.current().pid(), window -> EngineBench.drive(insert, c[0], window));
                System.out.printf(Locale.ROOT, "%d clients, %d channels: JDBC warm-up: %s%n", c[0], c[1], jit.describe());
                baseline.put(key(c), measureOnMachine(machine, "JDBC " + key(c), insert, c[0], warmup, run));
            }
        }

        System.out.println("| case | REST sends/s | REST p50 ms | REST p99 ms | appliance CPU ms per send | request threads' CPU ms per send | engine sends/s | engine p50 ms | engine p99 ms | JDBC insert+commit/s | REST / engine | REST / JDBC |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int[] c : CASES) {
            EngineBench.Result r = rest.get(key(c)).result();
            EngineBench.Result e = engine.get(key(c));
            EngineBench.Result b = baseline.get(key(c));
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.2f | %.2f | %.2f | %.2f | %.0f | %.2f | %.2f | %.0f | %.2f | %.2f |%n", key(c), r.perSecond(), r.p50(), r.p99(),
                    rest.get(key(c)).cpuMsPerOp(), rest.get(key(c)).requestCpuMsPerOp(),
                    e.perSecond(), e.p50(), e.p99(), b.perSecond(), r.perSecond() / e.perSecond(), r.perSecond() / b.perSecond());
        }
        if (!floor.isEmpty()) {
            System.out.println();
            System.out.println("The floor: `POST /bench/floor` on the same appliance (Payara's HTTP path, the body's JSON, one insert of the JDBC "
                    + "baseline's row and its commit through the appliance's pool; no authentication, engine or audit), against the same JDBC baseline:");
            System.out.println();
            System.out.println("| case | floor sends/s | floor p50 ms | floor p99 ms | appliance CPU ms per send | JDBC insert+commit/s | floor / JDBC | REST / floor |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
            for (int[] c : CASES) {
                if (!floor.containsKey(key(c))) {
                    continue;
                }
                EngineBench.Result f = floor.get(key(c)).result();
                EngineBench.Result b = baseline.get(key(c));
                System.out.printf(Locale.ROOT, "| %s | %.0f | %.2f | %.2f | %.2f | %.0f | %.2f | %.2f |%n", key(c), f.perSecond(), f.p50(), f.p99(),
                        floor.get(key(c)).cpuMsPerOp(), b.perSecond(), f.perSecond() / b.perSecond(), rest.get(key(c)).result().perSecond() / f.perSecond());
            }
        }
        printMachine(machine, rest, floor, engine, baseline);
    }

    /**
     * Starts the appliance and waits until it is ready; {@code coldStart} gets the seconds that took. With {@code pgData}
     * (its data directory), stops it and starts it again there with {@code pg_stat_statements} loaded (PgStatements).
     */
    private static ApplianceProcess startAppliance(Path jar, Map<String, String> env, Path pgData, double[] coldStart) throws Exception {
        long t0 = System.nanoTime();
        ApplianceProcess appliance = ready(ApplianceProcess.start(jar, List.of(), env));
        coldStart[0] = (System.nanoTime() - t0) / 1e9;
        if (pgData == null) {
            return appliance;
        }
        appliance.close();
        PgStatements.enable(pgData);
        return ready(ApplianceProcess.start(jar, List.of(), env));
    }

    private static ApplianceProcess ready(ApplianceProcess appliance) throws Exception {
        try {
            appliance.awaitReady();
            return appliance;
        } catch (Exception e) {
            appliance.close();
            throw e;
        }
    }

    /** A measured run of the in-process engine or the JDBC baseline (no appliance), with the machine read around it. */
    private static EngineBench.Result measureOnMachine(Map<String, MachineCpu.Share> machine, String label, EngineBench.Sender sender, int threads,
                                                      Duration warmup, Duration run) throws Exception {
        MachineCpu.Recorder recorder = new MachineCpu.Recorder();
        EngineBench.Result r = EngineBench.measure(sender, threads, warmup, run, recorder.around(() -> 0L), () -> 0L).result();
        machine.put(label, recorder.perOp(r.perSecond() * run.toSeconds()));
        return r;
    }

    /**
     * Where each run's CPU went on the whole machine, and what half the JDBC baseline's rate leaves a send: on a machine
     * whose cores every process shares, a rate of R sends/s allows cores / R of CPU a send, whichever process spends it.
     */
    private static void printMachine(Map<String, MachineCpu.Share> machine, Map<String, EngineBench.CpuResult> rest,
                                     Map<String, EngineBench.CpuResult> floor, Map<String, EngineBench.Result> engine,
                                     Map<String, EngineBench.Result> baseline) {
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.println();
        if (!MachineCpu.available()) {
            System.out.println("(no /proc/stat on this machine: where the CPU went is left out)");
            return;
        }
        System.out.println("Where each run's CPU went on the whole machine (" + cores + " cores; `/proc/stat`), in ms a send; the rest is "
                + "PostgreSQL, the kernel's work outside the two JVMs and anything else running"
                + (PG_STATEMENTS ? " (the appliance's PostgreSQL had pg_stat_statements loaded, whose own cost is in these figures)" : "") + ":");
        System.out.println();
        System.out.println("| case | run | sends/s | machine CPU ms per send | appliance | benchmark JVM (clients) | the rest | cores idle |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|");
        for (int[] c : CASES) {
            Map<String, Double> rates = new LinkedHashMap<>();
            rates.put("REST", rest.get(key(c)).result().perSecond());
            if (floor.containsKey(key(c))) {
                rates.put("floor", floor.get(key(c)).result().perSecond());
            }
            rates.put("engine", engine.get(key(c)).perSecond());
            rates.put("JDBC", baseline.get(key(c)).perSecond());
            rates.forEach((run, rate) -> {
                MachineCpu.Share s = machine.get(run + " " + key(c));
                System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %.3f | %.3f | %.3f | %.3f | %.0f %% |%n", key(c), run, rate, s.machineMs(),
                        s.applianceMs(), s.benchMs(), s.restMs(), 100 * s.idleShare());
            });
            double half = baseline.get(key(c)).perSecond() / 2;
            System.out.printf(Locale.ROOT, "%s: half the JDBC baseline, %.0f sends/s, leaves %.3f ms of the machine's CPU a send%n",
                    key(c), half, cores * 1000.0 / half);
        }
    }

    private static String key(int[] c) {
        return c[0] + " client" + (c[0] == 1 ? "" : "s") + ", " + c[1] + " channel" + (c[1] == 1 ? "" : "s");
    }




    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
