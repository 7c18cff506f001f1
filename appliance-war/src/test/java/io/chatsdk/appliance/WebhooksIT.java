package io.chatsdk.appliance;

import com.sun.net.httpserver.HttpServer;
import io.chatsdk.engine.Webhooks;
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
}
