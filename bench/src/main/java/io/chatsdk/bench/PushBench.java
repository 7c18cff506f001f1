package io.chatsdk.bench;

import io.chatsdk.connectors.fcm.FcmPushGateway;
import io.chatsdk.connectors.fcm.FcmStandIn;
import io.chatsdk.connectors.fcm.LocalEndpointTransport;
import io.chatsdk.connectors.fcm.TestServiceAccount;
import io.chatsdk.engine.spi.PushMessage;
import io.chatsdk.jakarta.Tokens;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Push throughput on the appliance: a channel with {@code members} offline members, each with one device, gets
 * {@value #MESSAGES} messages from one REST client; the appliance's firebase-admin sends each push to a local FCM v1
 * stand-in in this JVM (not Google). Figures: pushes per second from the first send to the last push received, and
 * the latency from a message's REST send to each of its pushes' arrival. Baseline in the same run: the same number of sends
 * through {@link FcmPushGateway} called directly from this JVM, one after another (what one sender thread of
 * firebase-admin achieves against the same stand-in).
 *
 * <p>Run with {@code ./chatsdk bench-push [members]} (default 100).
 */
public final class PushBench {
    static final int MESSAGES = 20;

    public static void main(String[] args) throws Exception {
        int members = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        Path jar = Path.of(args[1]);
        int pushes = members * MESSAGES;
        try (FcmStandIn fcm = FcmStandIn.start()) {
            TestServiceAccount account = TestServiceAccount.generate("bench-project");
            fcm.trustServiceAccount(account.clientEmail(), account.keys().getPublic());

            double baseline = baseline(fcm, account, pushes);

            Path credentials = Files.createTempDirectory("chatsdk-bench-fcm-");
            try (ApplianceProcess appliance = ApplianceProcess.start(jar, List.of("-Xmx2g"), Map.of(
                    "CHATSDK_FCM_CREDENTIALS_DIR", credentials.toString(), "CHATSDK_FCM_ENDPOINT", fcm.baseUri().toString()))) {
                appliance.awaitReady();
                Map<String, Object> created = appliance.post("/admin/api/apps", Map.of("name", "push bench"), "Bearer " + ApplianceProcess.OPERATOR);
                String appId = (String) ((Map<?, ?>) created.get("app")).get("id");
                String apiKey = (String) created.get("api_key");
                String secret = (String) created.get("api_secret");
                String server = Tokens.server(secret, Instant.now());
                Files.writeString(credentials.resolve(appId + ".json"), account.json());

                List<String> ids = new ArrayList<>();
                for (int i = 0; i < members; i++) {
                    ids.add("m" + i);
                }
                List<String> everyone = new ArrayList<>(ids);
                everyone.add(0, "sender");
                for (List<String> batch : batches(everyone, 100)) {   // the API takes at most 100 users or members per call
                    Map<String, Object> users = new LinkedHashMap<>();
                    batch.forEach(id -> users.put(id, Map.of("name", "User " + id)));
                    appliance.post("/api/v1/users?api_key=" + apiKey, Map.of("users", users), server);
                }
                String channel = "/api/v1/channels/messaging/push-bench";
                boolean first = true;
                for (List<String> batch : batches(everyone, 100)) {
                    if (first) {
                        appliance.post(channel + "/query?api_key=" + apiKey, Map.of("data", Map.of("name", "bench", "members", batch,
                                "created_by_id", "sender")), server);
                        first = false;
                    } else {
                        appliance.post(channel + "?api_key=" + apiKey, Map.of("add_members", batch), server);
                    }
                }
                for (String id : ids) {
                    appliance.post("/api/v1/devices?api_key=" + apiKey, Map.of("id", "device-" + id, "push_provider", "firebase",
                            "user_id", id), server);
                }
                put(appliance, "/api/v1/app/push_settings?api_key=" + apiKey, server, "{\"collapse_seconds\":0}");
                String token = Tokens.user(secret, "sender", Instant.now(), Instant.now().plus(java.time.Duration.ofHours(6)));
                String path = "/api/v1/channels/messaging/push-bench/message?api_key=" + apiKey;

                int before = fcm.received().size();
                Map<String, Long> sentAt = new java.util.HashMap<>();
                long start = System.nanoTime();
                for (int i = 0; i < MESSAGES; i++) {
                    long t = System.nanoTime();
                    Map<String, Object> sent = appliance.post(path, Map.of("message", Map.of("text", "message " + i)), token);
                    sentAt.put((String) ((Map<?, ?>) sent.get("message")).get("id"), t);
                }
                long deadline = System.nanoTime() + 120_000_000_000L;
                while (fcm.received().size() - before < pushes && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                List<FcmStandIn.Received> got = fcm.received().subList(before, fcm.received().size());
                if (got.size() != pushes) {
                    Map<String, Long> perMessage = got.stream().collect(java.util.stream.Collectors.groupingBy(
                            r -> r.message().path("data").path("message_id").asText(), java.util.stream.Collectors.counting()));
                    System.out.println("MISSING: " + (pushes - got.size()) + " of " + pushes + "; per message: " + perMessage.values()
                            + "; dead push jobs: " + get(appliance, "/admin/api/jobs/push/dead", "Bearer " + ApplianceProcess.OPERATOR));
                }
                long last = got.stream().mapToLong(FcmStandIn.Received::receivedNanos).max().orElse(start);
                double seconds = (last - start) / 1e9;
                long[] lat = got.stream().mapToLong(r -> r.receivedNanos() - sentAt.getOrDefault(r.message().path("data").path("message_id").asText(),
                        r.receivedNanos())).sorted().toArray();
                System.out.println("## Push benchmark");
                System.out.printf(Locale.ROOT, "JVM %s, %d cores, %d offline members with one device each, %d messages from one REST client, "
                        + "FCM v1 stand-in in the benchmark JVM%n%n", Runtime.version(), Runtime.getRuntime().availableProcessors(), members, MESSAGES);
                System.out.println("| pushes | pushes/s | latency p50 ms | latency p99 ms | baseline: direct FcmPushGateway sends/s | appliance ÷ baseline |");
                System.out.println("|---:|---:|---:|---:|---:|---:|");
                System.out.printf(Locale.ROOT, "| %d | %.0f | %.0f | %.0f | %.0f | %.2f |%n", got.size(), got.size() / seconds, pct(lat, 0.5),
                        pct(lat, 0.99), baseline, (got.size() / seconds) / baseline);
            }
        }
    }

    /** Sends {@code n} pushes through a gateway in this JVM, one after another; returns sends per second. */
    private static double baseline(FcmStandIn fcm, TestServiceAccount account, int n) {
        try (FcmPushGateway gateway = FcmPushGateway.builder("bench-baseline")
                .serviceAccount(new ByteArrayInputStream(account.json().getBytes(StandardCharsets.UTF_8)))
                .httpTransport(LocalEndpointTransport.to(fcm.baseUri())).build()) {
            for (int i = 0; i < 200; i++) {   // warm-up: token exchange, JIT
                gateway.send(PushMessage.notification("warm-" + i, "#bench", "warm-up", Map.of("cid", "messaging:push-bench")));
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                gateway.send(PushMessage.notification("device-" + (i % 1000), "#bench", "Sender: sent-at-" + System.nanoTime(),
                        Map.of("cid", "messaging:push-bench", "message_id", "m-" + i)));
            }
            return n / ((System.nanoTime() - t0) / 1e9);
        }
    }

    private static List<List<String>> batches(List<String> all, int size) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += size) {
            out.add(all.subList(i, Math.min(all.size(), i + size)));
        }
        return out;
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    private static String get(ApplianceProcess appliance, String path, String auth) throws Exception {
        return appliance.http.send(HttpRequest.newBuilder(URI.create(appliance.base + path)).header("Authorization", auth).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void put(ApplianceProcess appliance, String path, String auth, String json) throws Exception {
        HttpResponse<String> r = appliance.http.send(HttpRequest.newBuilder(URI.create(appliance.base + path)).header("Authorization", auth)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    private PushBench() {
    }
}
