package io.chatsdk.appliance;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Webhook jobs pending when the appliance is killed ({@code kill -9}) are delivered after it restarts: the receiver is
 * down while 10 messages are sent, the appliance dies with their deliveries queued (and retrying) in the Artemis
 * journal, then the receiver comes up and the restarted appliance delivers every one.
 */
class PendingWebhooksCrashIT {

    @Test
    void killingTheApplianceLosesNoPendingWebhook() throws Exception {
        int receiverPort;
        try (ServerSocket s = new ServerSocket(0)) {
            receiverPort = s.getLocalPort();
        }
        TestAppliance node = TestAppliance.start(Map.of("CHATSDK_OPERATOR_TOKEN", TestAppliance.OPERATOR_TOKEN, "CHATSDK_DEMO", "false",
                "CHATSDK_RATE_LIMIT_ENABLED", "false", "CHATSDK_EGRESS_ALLOWLIST", "127.0.0.1"));
        TestAppliance restarted = null;
        HttpServer receiver = null;
        try {
            node.awaitReady(Duration.ofSeconds(180));
            Api api = Api.newApp(node, "pending");
            api.users("p1", "p2");
            api.asServer("PUT", "/app/webhooks", Map.of("webhooks", List.of(Map.of("url", "http://127.0.0.1:" + receiverPort + "/hook",
                    "events", List.of("message.new")))));
            api.as("p1", "POST", "/channels/messaging/pending/query", Map.of("data", Map.of("members", List.of("p1", "p2"))));
            for (int i = 0; i < 10; i++) {
                assertThat(api.as("p1", "POST", "/channels/messaging/pending/message", Map.of("message", Map.of("id", "pending-" + i,
                        "text", "pending " + i))).status()).isEqualTo(201);
            }
            Thread.sleep(1500);   // the relay has queued the jobs; their first attempts fail (nobody listens)
            node.kill();

            Set<String> delivered = ConcurrentHashMap.newKeySet();
            receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", receiverPort), 0);
            receiver.createContext("/hook", x -> {
                String body = new String(x.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                for (int i = 0; i < 10; i++) {
                    if (body.contains("\"pending-" + i + "\"")) {
                        delivered.add("pending-" + i);
                    }
                }
                x.sendResponseHeaders(200, -1);
                x.close();
            });
            receiver.start();
            restarted = node.restart();
            restarted.awaitReady(Duration.ofSeconds(180));
            await().atMost(Duration.ofSeconds(90)).until(() -> delivered.size() == 10);
            System.out.println("pending webhooks after kill -9: 10/10 delivered after the restart");
        } finally {
            if (receiver != null) {
                receiver.stop(0);
            }
            if (restarted != null) {
                restarted.stop();
            }
            node.stop();
        }
    }
}
