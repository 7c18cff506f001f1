package io.chatsdk.engine;

import com.sun.net.httpserver.HttpServer;
import io.chatsdk.engine.model.AppCredentials;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.model.UserInput;
import io.chatsdk.engine.spi.HttpSender;
import io.chatsdk.engine.spi.InProcessJobQueue;
import io.chatsdk.engine.spi.KeyProvider;
import io.chatsdk.engine.testing.TestDatabase;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Webhook deliveries end to end on embedded PostgreSQL: the outbox relay queues a job per matching endpoint, the job
 * queue retries, and a real HTTP receiver on loopback (reached with the JDK's HTTP client) answers.
 */
class WebhooksIT {
    static HikariDataSource ds;
    static ChatEngine engine;
    static HttpServer receiver;
    static final List<Map<String, String>> deliveries = new CopyOnWriteArrayList<>();
    static final AtomicInteger failuresLeft = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", x -> {
            byte[] body = x.getRequestBody().readAllBytes();
            deliveries.add(Map.of("id", x.getRequestHeaders().getFirst("X-Webhook-Id"), "attempt", x.getRequestHeaders().getFirst("X-Webhook-Attempt"),
                    "signature", x.getRequestHeaders().getFirst("X-Signature"), "key", x.getRequestHeaders().getFirst("X-Api-Key"),
                    "body", new String(body, java.nio.charset.StandardCharsets.UTF_8)));
            int status = failuresLeft.getAndDecrement() > 0 ? 500 : 200;
            x.sendResponseHeaders(status, -1);
            x.close();
        });
        receiver.start();
        HttpClient client = HttpClient.newHttpClient();
        HttpSender sender = (url, headers, body) -> {
            HttpRequest.Builder r = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach((k, v) -> {
                if (!k.equalsIgnoreCase("Content-Length")) {
                    r.header(k, v);
                }
            });
            return client.send(r.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        };
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        ds = TestDatabase.freshDatabase();
        engine = ChatEngine.builder().dataSource(ds).keyProvider(KeyProvider.aesGcm(key)).relayPollInterval(Duration.ofMillis(100))
                .jobQueue(new InProcessJobQueue()).httpSender(sender).build();
    }

    @AfterAll
    static void stop() {
        engine.close();
        ds.close();
        receiver.stop(0);
    }

    @Test
    void aReceiverThatFailsTwiceGetsTheEventOnceInEffectWithTheSameIdAndCountedAttempts() throws Exception {
        AppCredentials creds = engine.apps().create("hooks");
        AppHandle app = engine.app(creds.appId());
        app.users().upsertAll(List.of(UserInput.of("a"), UserInput.of("b"), UserInput.of("shadowy")));
        URI url = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
        engine.webhooks(app.id()).set(List.of(new Webhooks.Endpoint(url, Set.of("message.new"))));
        Cid cid = app.channels().getOrCreate("messaging", "w", ChannelInput.withMembers("a", List.of("b", "shadowy"))).channel().cid();
        deliveries.clear();
        failuresLeft.set(2);
        app.as("a").messages().send(cid, NewMessage.text("hello hooks").withId("hook-1"));
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveries.size() == 3);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> deliveries.size() == 3);
        assertThat(deliveries).extracting(d -> d.get("attempt")).containsExactly("1", "2", "3");
        assertThat(deliveries).extracting(d -> d.get("id")).containsOnly(deliveries.get(0).get("id"));
        Map<String, String> last = deliveries.get(2);
        assertThat(last.get("key")).isEqualTo(creds.apiKey());
        assertThat(last.get("signature")).isEqualTo(Webhooks.sign(creds.apiSecret(), last.get("body").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(last.get("body")).contains("\"type\":\"message.new\"").contains("hello hooks");

        // the filter holds (channel.created and member events were not sent), and shadowed messages are never sent
        app.moderation().ban("shadowy", null, null, null, true);
        deliveries.clear();
        app.as("shadowy").messages().send(cid, NewMessage.text("nobody may see this"));
        app.as("b").messages().send(cid, NewMessage.text("visible"));
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries.size() == 1);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> deliveries.size() == 1);
        assertThat(deliveries.get(0).get("body")).contains("visible").doesNotContain("nobody may see this");
    }

    @Test
    void endpointsAreValidated() {
        AppHandle app = engine.app(engine.apps().create("bad hooks").appId());
        assertThatThrownBy(() -> new Webhooks.Endpoint(URI.create("ftp://example.com/x"), null)).extracting("field").isEqualTo("url");
        assertThatThrownBy(() -> new Webhooks.Endpoint(URI.create("https://user:pw@example.com/x"), null)).extracting("field").isEqualTo("url");
        assertThatThrownBy(() -> new Webhooks.Endpoint(URI.create("https://example.com/x"), Set.of("Bad Type"))).extracting("field").isEqualTo("events");
        assertThat(engine.webhooks(app.id()).set(List.of(new Webhooks.Endpoint(URI.create("https://example.com/x"), null))))
                .singleElement().satisfies(e -> assertThat(e.events()).containsExactly("*"));
    }
}
