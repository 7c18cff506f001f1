package io.chatsdk.bench;

import com.sun.net.httpserver.HttpServer;
import io.chatsdk.jakarta.Tokens;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Webhook delivery throughput on the appliance: {@code n} messages are sent over REST as fast as one client can while
 * a receiver in this JVM (on loopback, allowlisted) answers 200; the figures are the deliveries per second once all
 * have arrived and the latency from the REST send to the delivery. Baseline in the same run: the same sends with no
 * webhook configured (the REST send rate the deliveries have to keep up with). A second part sends half as many
 * messages to an app with a fast endpoint and one that takes 200 ms, on appliances with 1 and with 4 job workers, and
 * reports the fast endpoint's delivery rate and latency.
 *
 * <p>Run with {@code ./chatsdk bench-webhooks [messages]} (default 500).
 */
public final class WebhookBench {
    private static final Pattern SENT = Pattern.compile("sent-at-(\\d+)");

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        Path jar = Path.of(args[1]);
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong delivered = new AtomicLong();
        AtomicLong lastDelivery = new AtomicLong();
        HttpServer receiver = receiver(Executors.newFixedThreadPool(4), latencies, delivered, lastDelivery);
        receiver.start();
        try (ApplianceProcess appliance = ApplianceProcess.start(jar, List.of("-Xmx2g"), Map.of("CHATSDK_EGRESS_ALLOWLIST", "127.0.0.1"))) {
            appliance.awaitReady();
            Map<String, Object> created = appliance.post("/admin/api/apps", Map.of("name", "webhook bench"), "Bearer " + ApplianceProcess.OPERATOR);
            String apiKey = (String) created.get("api_key");
            String secret = (String) created.get("api_secret");
            String server = Tokens.server(secret, Instant.now());
            appliance.post("/api/v1/users?api_key=" + apiKey, Map.of("users", Map.of("a", Map.of("name", "A"), "b", Map.of("name", "B"))), server);
            appliance.post("/api/v1/channels/messaging/hooks/query?api_key=" + apiKey, Map.of("data", Map.of("members", List.of("a", "b"),
                    "created_by_id", "a")), server);
            String sendPath = "/api/v1/channels/messaging/hooks/message?api_key=" + apiKey;
            String token = Tokens.user(secret, "a", Instant.now(), Instant.now().plus(java.time.Duration.ofHours(6)));

            // warm-up and baseline: sends with no webhook configured
            send(appliance, sendPath, token, 200);
            double baseline = send(appliance, sendPath, token, n);

            put(appliance, "/api/v1/app/webhooks?api_key=" + apiKey, server, "{\"webhooks\":[{\"url\":\"http://127.0.0.1:"
                    + receiver.getAddress().getPort() + "/hook\",\"events\":[\"message.new\"]}]}");
            long start = System.nanoTime();
            double sends = send(appliance, sendPath, token, n);
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (delivered.get() < n && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            double seconds = (lastDelivery.get() - start) / 1e9;
            long[] lat = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.println("## Webhook benchmark");
            System.out.printf(Locale.ROOT, "JVM %s, %d cores, %d messages, one REST client, receiver in the benchmark JVM%n%n", Runtime.version(),
                    Runtime.getRuntime().availableProcessors(), n);
            System.out.println("| deliveries | deliveries/s | latency p50 ms | latency p99 ms | REST sends/s with webhook | REST sends/s without (baseline) | deliveries/s ÷ baseline sends/s |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
            System.out.printf(Locale.ROOT, "| %d | %.0f | %.1f | %.1f | %.0f | %.0f | %.2f |%n", delivered.get(), delivered.get() / seconds,
                    pct(lat, 0.5), pct(lat, 0.99), sends, baseline, (delivered.get() / seconds) / baseline);
        } finally {
            receiver.stop(0);
        }
        int slowN = Math.max(50, n / 2);
        System.out.println();
        System.out.println("## Webhooks with a slow endpoint beside a fast one");
        System.out.printf(Locale.ROOT, "%d messages, each delivered to a fast endpoint and to one that takes %d ms; latency and rate of the fast "
                + "endpoint's deliveries, by job workers per node (`CHATSDK_JOB_WORKERS`)%n%n", slowN, SLOW_MS);
        System.out.println("| workers | fast deliveries | fast deliveries/s | fast latency p50 ms | fast latency p99 ms |");
        System.out.println("|---:|---:|---:|---:|---:|");
        double one = 0;
        for (int workers : new int[] {1, 4}) {
            double rate = slowEndpoint(jar, slowN, workers);
            if (workers == 1) {
                one = rate;
            } else {
                System.out.printf(Locale.ROOT, "%nfast deliveries/s, 4 workers ÷ 1 worker: %.2f%n", rate / one);
            }
        }
    }

    static final int SLOW_MS = 200;

    /** A receiver whose {@code /hook} answers 200 and records each delivery's latency from the send time in its text. */
    private static HttpServer receiver(java.util.concurrent.Executor executor, ConcurrentLinkedQueue<Long> latencies, AtomicLong delivered,
                                       AtomicLong lastDelivery) throws java.io.IOException {
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(executor);
        receiver.createContext("/hook", x -> {
            long now = System.nanoTime();
            Matcher m = SENT.matcher(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            if (m.find()) {
                latencies.add(now - Long.parseLong(m.group(1)));
                delivered.incrementAndGet();
                lastDelivery.set(now);
            }
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        return receiver;
    }

    /** One appliance with {@code workers}; prints a table row and returns the fast endpoint's deliveries per second. */
    private static double slowEndpoint(Path jar, int n, int workers) throws Exception {
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong delivered = new AtomicLong();
        AtomicLong lastDelivery = new AtomicLong();
        // a thread per request: the slow endpoint must not take the fast one's threads
        HttpServer receiver = receiver(Executors.newCachedThreadPool(), latencies, delivered, lastDelivery);
        receiver.createContext("/slow", x -> {
            x.getRequestBody().readAllBytes();
            try {
                Thread.sleep(SLOW_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        receiver.start();
        try (ApplianceProcess appliance = ApplianceProcess.start(jar, List.of("-Xmx2g"), Map.of("CHATSDK_EGRESS_ALLOWLIST", "127.0.0.1",
                "CHATSDK_JOB_WORKERS", Integer.toString(workers)))) {
            appliance.awaitReady();
            Map<String, Object> created = appliance.post("/admin/api/apps", Map.of("name", "slow webhook bench"), "Bearer " + ApplianceProcess.OPERATOR);
            String apiKey = (String) created.get("api_key");
            String secret = (String) created.get("api_secret");
            String server = Tokens.server(secret, Instant.now());
            appliance.post("/api/v1/users?api_key=" + apiKey, Map.of("users", Map.of("a", Map.of("name", "A"))), server);
            appliance.post("/api/v1/channels/messaging/slow/query?api_key=" + apiKey, Map.of("data", Map.of("members", List.of("a"),
                    "created_by_id", "a")), server);
            String base = "http://127.0.0.1:" + receiver.getAddress().getPort();
            put(appliance, "/api/v1/app/webhooks?api_key=" + apiKey, server, "{\"webhooks\":[{\"url\":\"" + base + "/hook\",\"events\":[\"message.new\"]},"
                    + "{\"url\":\"" + base + "/slow\",\"events\":[\"message.new\"]}]}");
            String token = Tokens.user(secret, "a", Instant.now(), Instant.now().plus(java.time.Duration.ofHours(6)));
            long start = System.nanoTime();
            send(appliance, "/api/v1/channels/messaging/slow/message?api_key=" + apiKey, token, n);
            long deadline = System.nanoTime() + 300_000_000_000L;
            while (delivered.get() < n && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            double rate = delivered.get() / ((lastDelivery.get() - start) / 1e9);
            long[] lat = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf(Locale.ROOT, "| %d | %d | %.1f | %.0f | %.0f |%n", workers, delivered.get(), rate, pct(lat, 0.5), pct(lat, 0.99));
            return rate;
        } finally {
            receiver.stop(0);
        }
    }

    private static double send(ApplianceProcess appliance, String path, String token, int n) throws Exception {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            appliance.post(path, Map.of("message", Map.of("text", "sent-at-" + System.nanoTime())), token);
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    private static void put(ApplianceProcess appliance, String path, String auth, String json) throws Exception {
        HttpResponse<String> r = appliance.http.send(HttpRequest.newBuilder(URI.create(appliance.base + path)).header("Authorization", auth)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    private WebhookBench() {
    }
}
