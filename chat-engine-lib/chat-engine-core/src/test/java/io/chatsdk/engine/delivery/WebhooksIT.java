package io.chatsdk.engine.delivery;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.ChatEngine;
import io.chatsdk.engine.messaging.BeforeSendHook;
import io.chatsdk.engine.model.AppCredentials;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.model.UserInput;
import io.chatsdk.engine.spi.HttpSender;
import io.chatsdk.engine.spi.InProcessJobQueue;
import io.chatsdk.engine.spi.KeyProvider;
import io.chatsdk.engine.testing.TestDatabase;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;

import com.sun.net.httpserver.HttpServer;
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
    /** Every job payload handed to the queue, as a durable queue would store it. */
    static final List<String> queued = new CopyOnWriteArrayList<>();
    /** How each handled job attempt ended: "id#attempt done" or "id#attempt failed". */
    static final List<String> outcomes = new CopyOnWriteArrayList<>();

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
            HttpResponse<byte[]> res = client.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new HttpSender.Response(res.statusCode(), res.body());
        };
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        ds = TestDatabase.freshDatabase();
        engine = ChatEngine.builder().dataSource(ds).keyProvider(KeyProvider.aesGcm(key)).relayPollInterval(Duration.ofMillis(100))
                .jobQueue(recording(new InProcessJobQueue())).httpSender(sender).build();
    }

    static io.chatsdk.engine.spi.JobQueue recording(io.chatsdk.engine.spi.JobQueue q) {
        return new io.chatsdk.engine.spi.ForwardingJobQueue(q) {
            @Override
            protected void onSubmit(io.chatsdk.engine.spi.Job job) {
                queued.add(job.payload());
            }

            @Override
            protected io.chatsdk.engine.spi.JobHandler wrap(String kind, io.chatsdk.engine.spi.JobHandler handler) {
                return (job, attempt) -> {
                    try {
                        handler.handle(job, attempt);
                        outcomes.add(job.id() + "#" + attempt + " done");
                    } catch (Exception e) {
                        outcomes.add(job.id() + "#" + attempt + " failed");
                        throw e;
                    }
                };
            }
        };
    }

    @org.junit.jupiter.api.AfterEach
    void settle() {
        failuresLeft.set(0);   // a failed test must not leave the receiver failing for the next one
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
        engine.app(app.id()).webhooks().set(List.of(new Webhooks.Endpoint(url, Set.of("message.new"))));
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
    void theBeforeSendHookAllowsModifiesOrRejectsAndFailsAsConfigured() throws Exception {
        AppCredentials creds = engine.apps().create("hooked sends");
        AppHandle app = engine.app(creds.appId());
        app.users().upsertAll(List.of(UserInput.of("a"), UserInput.of("b")));
        Cid cid = app.channels().getOrCreate("messaging", "h", ChannelInput.withMembers("a", List.of("b"))).channel().cid();
        engine.app(app.id()).compliance().setRedaction(io.chatsdk.engine.redact.RedactionSettings.of(io.chatsdk.engine.redact.RedactionPolicy.MASK));
        List<String> seen = new CopyOnWriteArrayList<>();
        receiver.createContext("/before-send", x -> {
            String body = new String(x.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            seen.add(body);
            String answer;
            if (body.contains("reject me")) {
                answer = "{\"action\":\"reject\",\"reason\":\"not in this room\"}";
            } else if (body.contains("modify me")) {
                answer = "{\"action\":\"modify\",\"message\":{\"text\":\"modified by the hook\"}}";
            } else if (body.contains("slow")) {
                try {
                    Thread.sleep(1500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                answer = "{\"action\":\"allow\"}";
            } else {
                answer = "{\"action\":\"allow\"}";
            }
            byte[] out = answer.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, out.length);
            x.getResponseBody().write(out);
            x.close();
        });
        URI hook = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/before-send");
        engine.app(app.id()).setBeforeSendHook(new BeforeSendHook.Config(hook, Duration.ofMillis(500), false));

        assertThat(app.as("a").messages().send(cid, NewMessage.text("fine, card 4111 1111 1111 1111")).text()).isEqualTo("fine, card 4111 11** **** 1111");
        assertThat(seen).last().asString().contains("4111 11** **** 1111").doesNotContain("4111 1111 1111 1111");
        assertThat(app.as("a").messages().send(cid, NewMessage.text("modify me")).text()).isEqualTo("modified by the hook");
        assertThatThrownBy(() -> app.as("a").messages().send(cid, NewMessage.text("reject me")))
                .satisfies(e -> assertThat(e.getMessage()).isEqualTo("not in this room")).extracting("code").isEqualTo(ErrorCode.MESSAGE_REJECTED);
        assertThatThrownBy(() -> app.as("a").messages().send(cid, NewMessage.text("slow hook"))).extracting("code").isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(app.messages().send(cid, NewMessage.text("the server is not hooked").from("a")).text()).isEqualTo("the server is not hooked");
        long before = app.channels().get(cid).lastSeq();

        engine.app(app.id()).setBeforeSendHook(new BeforeSendHook.Config(hook, Duration.ofMillis(500), true));
        assertThat(app.as("a").messages().send(cid, NewMessage.text("slow but fail-open")).text()).isEqualTo("slow but fail-open");
        assertThat(app.channels().get(cid).lastSeq()).isEqualTo(before + 1);
        assertThatThrownBy(() -> new BeforeSendHook.Config(hook, Duration.ofSeconds(30), false)).extracting("field").isEqualTo("timeout_ms");
        engine.app(app.id()).setBeforeSendHook(null);
    }

    @Test
    void endpointsAreValidated() {
        AppHandle app = engine.app(engine.apps().create("bad hooks").appId());
        assertThatThrownBy(() -> new Webhooks.Endpoint(URI.create("ftp://example.com/x"), null)).extracting("field").isEqualTo("url");
        assertThatThrownBy(() -> new Webhooks.Endpoint(URI.create("https://user:pw@example.com/x"), null)).extracting("field").isEqualTo("url");
        assertThatThrownBy(() -> new Webhooks.Endpoint(URI.create("https://example.com/x"), Set.of("Bad Type"))).extracting("field").isEqualTo("events");
        assertThat(engine.app(app.id()).webhooks().set(List.of(new Webhooks.Endpoint(URI.create("https://example.com/x"), null))))
                .singleElement().satisfies(e -> assertThat(e.events()).containsExactly("*"));
    }

    @Test
    void queuedJobsHoldTheEventSealedAndAShreddedAppsJobsAreDropped() throws Exception {
        AppCredentials creds = engine.apps().create("sealed hooks");
        AppHandle app = engine.app(creds.appId());
        app.users().upsertAll(List.of(UserInput.of("a")));
        URI url = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
        engine.app(app.id()).webhooks().set(List.of(new Webhooks.Endpoint(url, Set.of("message.new"))));
        Cid cid = app.channels().getOrCreate("messaging", "sealed", ChannelInput.withMembers("a", List.of())).channel().cid();
        deliveries.clear();
        queued.clear();
        app.as("a").messages().send(cid, NewMessage.text("canary-in-the-queue"));
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveries.size() == 1);
        assertThat(deliveries.get(0).get("body")).contains("canary-in-the-queue");
        assertThat(queued).isNotEmpty().noneMatch(p -> p.contains("canary-in-the-queue"));

        // issue #14 item 7: whoever can write to the broker cannot have a job of their own signed and sent. A job with
        // the event in clear (as versions before sealing queued them) and one that claims another app's id for a sealed
        // event are dropped without a request; a sealed job's id names its endpoint, so it cannot be moved to another
        String sealedJob = queued.get(0);
        String jobId = deliveries.get(0).get("id");
        deliveries.clear();
        outcomes.clear();
        String suffix = "-" + shortHashOf(url.toString());
        engine.jobs().submit(new io.chatsdk.engine.spi.Job(Webhooks.KIND, "forged-1" + suffix, io.chatsdk.engine.internal.Json.write(
                Map.of("app_id", app.id().toString(), "url", url.toString(), "event", Map.of("type", "message.new", "forged", true)))));
        AppCredentials other = engine.apps().create("other hooks");
        engine.jobs().submit(new io.chatsdk.engine.spi.Job(Webhooks.KIND, "forged-2" + suffix, sealedJob.replace(app.id().toString(), other.appId().toString())));
        await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.stream().filter(o -> o.startsWith("forged-")).count() >= 2);
        assertThat(outcomes).allMatch(o -> o.endsWith(" done"));
        assertThat(deliveries).as("nothing forged was sent").isEmpty();
        assertThat(Webhooks.boundToEndpoint(jobId, url.toString())).isTrue();
        assertThat(Webhooks.boundToEndpoint(jobId, url + "?to=attacker")).isFalse();

        // after crypto-shredding, a job still in the queue is dropped (its handler returns) rather than retried until dead
        failuresLeft.set(1000);
        deliveries.clear();
        queued.clear();
        app.as("a").messages().send(cid, NewMessage.text("sent before the keys go"));
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries.size() == 1);   // attempt 1 failed; the next is due in 1 s
        String job = deliveries.get(0).get("id");
        engine.app(app.id()).compliance().keys().destroy();
        int tried = deliveries.size();
        await().atMost(Duration.ofSeconds(15)).until(() -> outcomes.stream().anyMatch(o -> o.startsWith(job + "#") && o.endsWith(" done")));
        assertThat(deliveries).hasSizeLessThanOrEqualTo(tried + 1);   // at most one attempt raced the destruction
        failuresLeft.set(0);
    }

    @Test
    void anEndpointThatKeepsFailingIsPausedWhileOthersAreServed() throws Exception {
        AtomicInteger hits = new AtomicInteger();
        receiver.createContext("/broken", x -> {
            x.getRequestBody().readAllBytes();
            hits.incrementAndGet();
            x.sendResponseHeaders(503, -1);
            x.close();
        });
        AppHandle broken = engine.app(engine.apps().create("broken receiver").appId());
        AppHandle healthy = engine.app(engine.apps().create("healthy receiver").appId());
        String base = "http://127.0.0.1:" + receiver.getAddress().getPort();
        engine.app(broken.id()).webhooks().set(List.of(new Webhooks.Endpoint(URI.create(base + "/broken"), Set.of("message.new"))));
        engine.app(healthy.id()).webhooks().set(List.of(new Webhooks.Endpoint(URI.create(base + "/hook"), Set.of("message.new"))));
        for (AppHandle app : List.of(broken, healthy)) {
            app.users().upsertAll(List.of(UserInput.of("a")));
        }
        Cid bad = broken.channels().getOrCreate("messaging", "b", ChannelInput.withMembers("a", List.of())).channel().cid();
        Cid good = healthy.channels().getOrCreate("messaging", "g", ChannelInput.withMembers("a", List.of())).channel().cid();
        deliveries.clear();
        failuresLeft.set(0);
        for (int i = 0; i < 8; i++) {
            broken.as("a").messages().send(bad, NewMessage.text("to the broken one " + i));
        }
        // 8 deliveries with retries after 1 and 2 s would call it 24 times in 4 s; the breaker stops it after 5
        // (plus at most the 2 calls the queue's threads had in flight when it opened)
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(8)).until(() -> hits.get() <= EndpointBreakers.THRESHOLD + 2);
        assertThat(hits.get()).isGreaterThanOrEqualTo(EndpointBreakers.THRESHOLD);
        healthy.as("a").messages().send(good, NewMessage.text("to the healthy one"));
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries.stream().anyMatch(d -> d.get("body").contains("to the healthy one")));
    }

    static String shortHashOf(String s) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0, 8);
    }
}
