package io.chatsdk.bench;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The appliance's executable jar, run by a benchmark as a separate process on a free port with a fresh data directory. */
final class ApplianceProcess implements AutoCloseable {
    static final String OPERATOR = "bench-operator-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    final int port;
    final String base;
    final Process process;
    /** What the appliance printed (stdout and stderr). */
    final Path log;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private ApplianceProcess(int port, Process process, Path log) {
        this.port = port;
        this.base = "http://127.0.0.1:" + port;
        this.process = process;
        this.log = log;
    }

    /** The appliance JVM's CPU time so far (all its threads, user and system), in nanoseconds. */
    long cpuNanos() {
        return process.toHandle().info().totalCpuDuration().orElseThrow(() -> new IllegalStateException("no CPU time for the appliance process")).toNanos();
    }

    /**
     * The CPU time so far of the appliance's HTTP worker threads (Grizzly's {@code http-thread-pool}), in nanoseconds,
     * from {@code /proc}: the request path alone, without the JIT compiler, the garbage collector or the engine's
     * background threads; zero where {@code /proc} is missing. Counted in the kernel's clock ticks (10 ms).
     */
    long requestThreadsCpuNanos() {
        return requestThreadsCpuNanos(threadGroupTicks());
    }

    /** As {@link #requestThreadsCpuNanos()}, from a reading of {@link #threadGroupTicks()}. */
    static long requestThreadsCpuNanos(Map<String, Long> threadGroupTicks) {
        return threadGroupTicks.getOrDefault("http-thread-poo", 0L) * 10_000_000L;
    }

    /**
     * The CPU time so far of each group of the appliance's threads, in clock ticks (10 ms), from {@code /proc}: threads
     * are grouped by name with their digits dropped ({@code C2 CompilerThread}, {@code GC Thread#}, {@code http-thread-poo}).
     */
    Map<String, Long> threadGroupTicks() {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (ThreadTicks t : threadTicks(process.pid())) {
            out.merge(t.name().replaceAll("[0-9]+", ""), t.ticks(), Long::sum);
        }
        return out;
    }

    /** One thread of a process: its id, its name (at most 15 characters, as the kernel keeps it) and its CPU ticks so far. */
    record ThreadTicks(String id, String name, long ticks) {
    }

    /** The threads of any process of this machine (the benchmark's own JVM included), from {@code /proc}; empty without it. */
    static List<ThreadTicks> threadTicks(long pid) {
        List<ThreadTicks> out = new ArrayList<>();
        Path tasks = Path.of("/proc", String.valueOf(pid), "task");
        if (!Files.isDirectory(tasks)) {
            return List.of();
        }
        try (java.util.stream.Stream<Path> ts = Files.list(tasks)) {
            for (Path t : (Iterable<Path>) ts::iterator) {
                try {
                    String name = Files.readString(t.resolve("comm")).strip();
                    String stat = Files.readString(t.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.add(new ThreadTicks(t.getFileName().toString(), name, Long.parseLong(f[11]) + Long.parseLong(f[12])));
                } catch (IOException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return out;
    }

    /** Starts the jar with the benchmarks' settings (no demo, rate limits off, a known operator token) plus {@code env}. */
    static ApplianceProcess start(Path jar, List<String> jvmArgs, Map<String, String> env) throws IOException {
        if (!Files.exists(jar)) {
            throw new IllegalStateException("build the appliance first (./chatsdk build): " + jar + " is missing");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = Files.createTempDirectory("chatsdk-bench-");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmArgs);
        // extra JVM options for the appliance, e.g. a flight recording to profile a run:
        // CHATSDK_BENCH_JVM_ARGS="-XX:StartFlightRecording=filename=/tmp/appliance.jfr,settings=profile"
        String extra = System.getenv("CHATSDK_BENCH_JVM_ARGS");
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(List.of(extra.strip().split("\\s+")));
        }
        cmd.addAll(List.of("-jar", jar.toString(), "--port", String.valueOf(port), "--nohazelcast", "--disablephonehome"));
        Path log = data.resolveSibling(data.getFileName() + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(Map.of("CHATSDK_DATA_DIR", data.toString(), "CHATSDK_PORT", String.valueOf(port), "CHATSDK_DEMO", "false",
                "CHATSDK_RATE_LIMIT_ENABLED", "false", "CHATSDK_OPERATOR_TOKEN", OPERATOR));
        pb.environment().putAll(env);
        return new ApplianceProcess(port, pb.start(), log);
    }

    void awaitReady() throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the appliance exited with " + process.exitValue());
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the appliance was not ready within 3 minutes");
    }

    /** POSTs JSON and returns the JSON answer; anything but 2xx fails. */
    @SuppressWarnings("unchecked")
    Map<String, Object> post(String path, Object body, String auth) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", auth)
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readValue(r.body(), Map.class);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
