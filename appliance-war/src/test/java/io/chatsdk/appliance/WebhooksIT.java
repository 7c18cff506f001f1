package io.chatsdk.appliance;

import io.chatsdk.engine.delivery.Webhooks;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Webhooks on the running appliance: durable jobs on the embedded Artemis broker, delivered through the SSRF-guarded
 * egress client to a receiver on loopback (allowlisted for the tests with {@code CHATSDK_EGRESS_ALLOWLIST}); an
 * internal address that is not allowlisted is refused and the refusal is audited.
 */
class WebhooksIT {
    static TestAppliance appliance;
    static Api api;
    static HttpServer receiver;
    static final List<Map<String, String>> deliveries = new CopyOnWriteArrayList<>();
    static final AtomicInteger failuresLeft = new AtomicInteger(2);

    @BeforeAll
    static void start() throws Exception {
        appliance = TestAppliance.shared();
        api = Api.newApp(appliance, "webhooks");
        api.users("ann", "ben");
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", x -> {
            byte[] body = x.getRequestBody().readAllBytes();
            deliveries.add(Map.of("id", x.getRequestHeaders().getFirst("X-Webhook-Id"), "attempt", x.getRequestHeaders().getFirst("X-Webhook-Attempt"),
                    "signature", x.getRequestHeaders().getFirst("X-Signature"), "key", x.getRequestHeaders().getFirst("X-Api-Key"),
                    "body", new String(body, StandardCharsets.UTF_8)));
            x.sendResponseHeaders(failuresLeft.getAndDecrement() > 0 ? 503 : 200, -1);
            x.close();
        });
        receiver.start();
    }

    @AfterAll
    static void stop() {
        receiver.stop(0);
    }

    @Test
    void aReceiverThatFailsTwiceGetsEachEventOnceInEffect() throws Exception {
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        assertThat(api.asServer("PUT", "/app/webhooks", Map.of("webhooks", List.of(Map.of("url", url, "events", List.of("message.new"))))).status())
                .isEqualTo(200);
        assertThat(api.as("ann", "PUT", "/app/webhooks", Map.of("webhooks", List.of())).status()).isEqualTo(403);
        assertThat(api.asServer("PUT", "/app/webhooks", Map.of("webhooks", List.of(Map.of("url", "ftp://x")))).json())
                .containsEntry("field", "webhooks[0].url");
        api.as("ann", "POST", "/channels/messaging/hooked/query", Map.of("data", Map.of("members", List.of("ann", "ben"))));
        assertThat(api.as("ann", "POST", "/channels/messaging/hooked/message", Map.of("message", Map.of("text", "ring the hook"))).status())
                .isEqualTo(201);
        await().atMost(Duration.ofSeconds(30)).until(() -> deliveries.size() >= 3);
        assertThat(deliveries).extracting(d -> d.get("attempt")).startsWith("1", "2", "3");
        assertThat(deliveries).extracting(d -> d.get("id")).containsOnly(deliveries.get(0).get("id"));
        Map<String, String> ok = deliveries.get(2);
        assertThat(ok.get("key")).isEqualTo(api.apiKey);
        assertThat(ok.get("signature")).isEqualTo(Webhooks.sign(api.secret, ok.get("body").getBytes(StandardCharsets.UTF_8)));
        assertThat(ok.get("body")).contains("ring the hook");
        assertThat(Api.operator(appliance, "GET", "/admin/api/jobs/webhook/dead", null).status()).isEqualTo(200);
        assertThat(Api.operator(appliance, "POST", "/admin/api/jobs/webhook/dead/no-such-job/retry", null).status()).isEqualTo(404);
    }

    @Test
    void theBeforeSendHookCanRejectOverRest() throws Exception {
        Api hooked = Api.newApp(appliance, "hooked");
        hooked.users("hal");
        receiver.createContext("/reject", x -> {
            x.getRequestBody().readAllBytes();
            byte[] out = "{\"action\":\"reject\",\"reason\":\"closed for the night\"}".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, out.length);
            x.getResponseBody().write(out);
            x.close();
        });
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/reject";
        assertThat(hooked.asServer("PUT", "/app/before_send_hook", Map.of("url", url, "timeout_ms", 50_000)).json()).containsEntry("field", "timeout_ms");
        assertThat(hooked.asServer("PUT", "/app/before_send_hook", Map.of("url", url, "timeout_ms", 2000)).status()).isEqualTo(200);
        hooked.as("hal", "POST", "/channels/messaging/night/query", Map.of("data", Map.of("members", List.of("hal"))));
        Api.Res refused = hooked.as("hal", "POST", "/channels/messaging/night/message", Map.of("message", Map.of("text", "anyone?")));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.code()).isEqualTo("message_rejected");
        assertThat(refused.raw().body()).contains("closed for the night");
        assertThat(hooked.asServer("DELETE", "/app/before_send_hook", null).status()).isEqualTo(200);
        assertThat(hooked.as("hal", "POST", "/channels/messaging/night/message", Map.of("message", Map.of("text", "anyone?"))).status()).isEqualTo(201);
    }

    @Test
    void devicesAreRegisteredPerUser() throws Exception {
        assertThat(api.as("ann", "POST", "/devices", Map.of("id", "fcm-token-ann", "push_provider", "firebase")).status()).isEqualTo(201);
        assertThat(api.as("ann", "GET", "/devices", null).list("devices")).singleElement().satisfies(d -> assertThat(d).containsEntry("user_id", "ann"));
        assertThat(api.as("ben", "GET", "/devices", null).list("devices")).isEmpty();
        assertThat(api.as("ben", "DELETE", "/devices?id=fcm-token-ann", null).status()).isEqualTo(404);
        assertThat(api.as("ben", "GET", "/devices?user_id=ann", null).status()).isEqualTo(403);
        assertThat(api.as("ann", "POST", "/devices", Map.of("id", "x", "push_provider", "apns")).json()).containsEntry("field", "push_provider");
        assertThat(api.asServer("POST", "/devices", Map.of("id", "fcm-token-ben", "push_provider", "firebase", "user_id", "ben")).status()).isEqualTo(201);
        assertThat(api.as("ann", "DELETE", "/devices?id=fcm-token-ann", null).status()).isEqualTo(200);
    }

    @Test
    void internalAddressesAreRefusedAndTheRefusalIsAudited() throws Exception {
        Api other = Api.newApp(appliance, "ssrf");
        other.users("eve");
        other.asServer("PUT", "/app/webhooks", Map.of("webhooks", List.of(Map.of("url", "http://169.254.169.254/latest/meta-data"))));
        other.as("eve", "POST", "/channels/messaging/ssrf/query", Map.of("data", Map.of("members", List.of("eve"))));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(Api.operator(appliance, "GET", "/admin/api/audit?action=egress.refused&limit=1000", null).list("records"))
                        .anySatisfy(r -> assertThat(r.get("reason").toString()).contains("169.254.169.254").contains("link-local")));
    }

    @Test
    void deadJobsAreListedRetriedAndDiscardedByTheOperator() throws Exception {
        Api app = Api.newApp(appliance, "dead-letters");
        app.users("dee");
        java.util.concurrent.atomic.AtomicBoolean up = new java.util.concurrent.atomic.AtomicBoolean(false);
        List<Map<String, String>> got = new CopyOnWriteArrayList<>();
        receiver.createContext("/down", x -> {
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (up.get()) {
                got.add(Map.of("id", x.getRequestHeaders().getFirst("X-Webhook-Id"), "attempt", x.getRequestHeaders().getFirst("X-Webhook-Attempt"),
                        "body", body));
            }
            x.sendResponseHeaders(up.get() ? 200 : 500, -1);
            x.close();
        });
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/down";
        app.asServer("PUT", "/app/webhooks", Map.of("webhooks", List.of(Map.of("url", url, "events", List.of("message.new")))));
        app.as("dee", "POST", "/channels/messaging/dead/query", Map.of("data", Map.of("members", List.of("dee"))));
        String first = (String) app.as("dee", "POST", "/channels/messaging/dead/message", Map.of("message", Map.of("text", "first"))).obj("message").get("id");
        String second = (String) app.as("dee", "POST", "/channels/messaging/dead/message", Map.of("message", Map.of("text", "second"))).obj("message").get("id");

        // six attempts over 1 + 2 + 4 + 8 + 16 s, then the dead-letter queue
        java.util.function.Supplier<List<Map<String, Object>>> dead = () -> {
            try {
                return Api.operator(appliance, "GET", "/admin/api/jobs/webhook/dead?limit=1000", null).list("dead_jobs").stream()
                        .filter(j -> j.get("app_id") != null && j.get("app_id").equals(app.appId)).toList();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        await().atMost(Duration.ofSeconds(90)).until(() -> dead.get().size() == 2);
        assertThat(dead.get()).allSatisfy(j -> {
            assertThat(j).containsEntry("kind", "webhook").containsEntry("attempts", 6);
            // the endpoint's 500, or after five failures in a row its circuit breaker's refusal
            assertThat((String) j.get("last_error")).containsAnyOf("answered 500", "circuit open");
        });
        assertThat(dead.get().toString()).doesNotContain("first").doesNotContain("second");   // no content in the listing

        up.set(true);
        String retried = (String) dead.get().get(0).get("id");
        String discarded = (String) dead.get().get(1).get("id");
        assertThat(Api.operator(appliance, "POST", "/admin/api/jobs/webhook/dead/" + retried + "/retry", null).status()).isEqualTo(200);
        assertThat(Api.operator(appliance, "DELETE", "/admin/api/jobs/webhook/dead/" + discarded, null).status()).isEqualTo(200);
        // while the breaker is open (10 s after its last failed trial) attempts are refused; the next trial gets through
        await().atMost(Duration.ofSeconds(40)).until(() -> got.size() == 1);
        assertThat(got.get(0)).containsEntry("id", retried);
        assertThat(Integer.parseInt(got.get(0).get("attempt"))).isBetween(1, 6);
        assertThat(got.get(0).get("body")).containsAnyOf(first, second);
        assertThat(dead.get()).isEmpty();
        assertThat(Api.operator(appliance, "DELETE", "/admin/api/jobs/webhook/dead/" + discarded, null).status()).isEqualTo(404);
        assertThat(Api.operator(appliance, "POST", "/admin/api/jobs/webhook/dead/" + retried + "/retry", null).status()).isEqualTo(404);
        // the discarded one never arrives
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> got.size() == 1);
        // a job kind that is not a name is refused
        assertThat(Api.operator(appliance, "GET", "/admin/api/jobs/..%2F/dead", null).status()).isIn(400, 404);
    }
}
