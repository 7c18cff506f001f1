package io.chatsdk.connectors.embeddings;

import io.chatsdk.connectors.http.EgressPolicy;
import io.chatsdk.connectors.http.EgressRefusedException;
import io.chatsdk.connectors.http.EgressResponse;
import io.chatsdk.connectors.http.SafeEgress;
import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.ai.SmartReplies;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.model.SearchQuery;
import io.chatsdk.engine.spi.Embedder;
import io.chatsdk.engine.spi.HttpSender;
import io.chatsdk.engine.testing.EngineFixture;
import io.chatsdk.engine.testing.TestClock;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.chatsdk.engine.testing.EngineFixture.channel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The OpenAI-compatible connector, through the real SSRF-guarded egress client, to {@link OpenAiStandIn} (a STAND-IN for
 * an on-premises model server; it embeds with the real all-MiniLM-L6-v2), on embedded PostgreSQL: nothing is sent while
 * AI is off, only redacted text is sent, meaning search and smart replies work through it, a server that is down delays
 * embeddings without losing them, a refused text is not sent again, and bad answers and addresses are refused.
 */
class OpenAiCompatibleIT {
    private static final String KEY = "model-key-" + UUID.randomUUID();

    static OpenAiStandIn server;
    static SafeEgress egress;
    /** Moved past the connector's pause after each failure. */
    static final TestClock CLOCK = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    static OpenAiCompatibleEmbedder embedder;
    static EngineFixture fx;

    static HttpSender sender(SafeEgress e) {
        return (url, headers, body) -> {
            EgressResponse r = e.post(url, headers, body);
            return new HttpSender.Response(r.status(), r.bodyPrefix());
        };
    }

    static SafeEgress egress(int maxResponseBytes, boolean allowServer) {
        EgressPolicy.Builder p = EgressPolicy.builder().maxResponseBytes(maxResponseBytes).maxRedirects(0);   // as the appliance's
        if (allowServer) {
            p.allowOrigin(server.baseUrl());   // as the appliance allows its configured model server
        }
        return SafeEgress.builder().policy(p.build()).build();
    }

    @BeforeAll
    static void start() throws Exception {
        server = new OpenAiStandIn(KEY);
        egress = egress(1 << 20, true);
        embedder = new OpenAiCompatibleEmbedder(server.baseUrl(), OpenAiStandIn.MODEL, KEY, sender(egress), CLOCK);
        fx = new EngineFixture(b -> b.embedder(embedder));
    }

    @AfterAll
    static void stop() {
        fx.close();
        egress.close();
        server.close();
    }

    @BeforeEach
    void normal() {
        server.misbehave(OpenAiStandIn.Mode.NORMAL);
        CLOCK.pass(OpenAiCompatibleEmbedder.PAUSE.plusSeconds(1));   // past any pause an earlier test caused
    }

    private static AppHandle appWithAi(boolean on) {
        AppHandle app = fx.newApp(3);
        if (on) {
            fx.engine.app(app.id()).ai().update(Map.of("ai_enabled", true, "ai_embeddings", true, "ai_smart_replies", true), "officer-1");
        }
        return app;
    }

    private static Message send(AppHandle app, String user, Cid cid, String text) {
        Message m = app.as(user).messages().send(cid, NewMessage.text(text));
        fx.awaitIndexed(m.id());
        return m;
    }

    private static List<String> search(AppHandle app, String user, String op, String text) {
        return app.as(user).search().search(new SearchQuery(Map.of("members", Map.of("$in", List.of(user))), null,
                Map.of("text", Map.of(op, text)), List.of(), 10, 0, null, null)).results().stream().map(Message::text).toList();
    }

    private static String model(Message m) {
        return fx.count("select count(*) from message_search_doc where message_id = '" + m.id() + "' and embedding is not null") == 1 ? "sealed"
                : fx.count("select count(*) from message_search_doc where message_id = '" + m.id() + "' and embedding_model is not null") == 1 ? "refused"
                : "pending";
    }

    @Test
    void nothingIsSentWhileAiIsOff() {
        AppHandle app = appWithAi(false);
        Cid cid = channel(app, "u1", "u2");
        int before = server.calls.get();
        send(app, "u1", cid, "canary-remote-off the quarterly numbers");
        fx.engine.app(app.id()).ai().update(Map.of("ai_embeddings", true), "officer-1");   // without the master switch
        send(app, "u2", cid, "canary-remote-off-2 thanks");
        fx.engine.app(app.id()).searchIndex().backfill(1000);
        assertThatThrownBy(() -> search(app, "u1", "$semantic", "money")).isInstanceOfSatisfying(ChatException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.FEATURE_DISABLED));
        assertThat(server.calls.get()).as("requests the model server received").isEqualTo(before);
        assertThat(server.inputs).noneMatch(t -> t.contains("canary-remote-off"));
    }

    @Test
    void meaningSearchAndSmartRepliesWorkThroughTheServerOnRedactedText() {
        AppHandle app = appWithAi(true);
        Cid team = channel(app, "u1", "u2");
        Message card = send(app, "u1", team, "my card is 4111 1111 1111 1111, renew the annual subscription");
        send(app, "u2", team, "I went hiking in the mountains last weekend");
        send(app, "u1", team, "Are you coming to lunch today?");
        send(app, "u2", team, "Sure, see you at noon");
        assertThat(server.inputs).noneMatch(t -> t.replace(" ", "").contains("4111111111111111"));
        assertThat(server.inputs).anyMatch(t -> t.contains("4111 11** **** 1111"));
        assertThat(fx.count("select count(*) from message_search_doc where message_id = '" + card.id()
                + "' and embedding is not null and embedding_model = 'openai-compatible:" + OpenAiStandIn.MODEL + "'")).isEqualTo(1);

        assertThat(search(app, "u1", "$semantic", "walking outdoors in nature")).first().asString().contains("hiking");
        Cid now = channel(app, "u1", "u2");
        send(app, "u1", now, "Want to grab lunch today?");
        int calls = server.calls.get();
        SmartReplies.Result r = app.as("u2").ai().smartReplies(now, null);
        assertThat(r.suggestions().get(0)).isEqualTo(new SmartReplies.Suggestion("Sure, see you at noon", "history"));
        assertThat(server.calls.get() - calls).as("one embedding per smart-reply request (the last message)").isEqualTo(1);
    }

    @Test
    void aServerThatIsDownDelaysEmbeddingsWithoutLosingThem() {
        AppHandle app = appWithAi(true);
        Cid cid = channel(app, "u1", "u2");
        server.misbehave(OpenAiStandIn.Mode.ERROR_503);
        Message m = send(app, "u1", cid, "The invoice for March is overdue");
        assertThat(model(m)).isEqualTo("pending");
        assertThat(search(app, "u2", "$q", "invoice")).containsExactly(m.text());   // words work meanwhile
        // paused after the failure: no request, a clear 503-class error
        int calls = server.calls.get();
        assertThatThrownBy(() -> search(app, "u2", "$semantic", "unpaid bill")).isInstanceOfSatisfying(ChatException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
        assertThat(server.calls.get()).isEqualTo(calls);

        server.misbehave(OpenAiStandIn.Mode.NORMAL);
        CLOCK.pass(OpenAiCompatibleEmbedder.PAUSE.plusSeconds(1));
        assertThat(fx.engine.app(app.id()).searchIndex().backfill(1000)).isEqualTo(1);
        assertThat(model(m)).isEqualTo("sealed");
        assertThat(search(app, "u2", "$semantic", "unpaid bill")).containsExactly(m.text());
    }

    @Test
    void aTextTheServerRefusesIsLeftWithoutVectorAndNotSentAgain() {
        AppHandle app = appWithAi(true);
        Cid cid = channel(app, "u1", "u2");
        assertThat(embedder.embed("a first answer")).isNotEmpty();   // a 400 counts as "this text" only once the server has answered
        server.misbehave(OpenAiStandIn.Mode.REFUSE_400);
        Message m = send(app, "u1", cid, "a text the model will not take");
        assertThat(model(m)).isEqualTo("refused");
        server.misbehave(OpenAiStandIn.Mode.NORMAL);
        int calls = server.calls.get();
        fx.engine.app(app.id()).searchIndex().backfill(1000);
        assertThat(server.calls.get()).isEqualTo(calls);
        assertThat(search(app, "u2", "$q", "model")).containsExactly(m.text());
    }

    @Test
    void badAnswersAreUnavailableAndNeverStored() {
        assertThat(embedder.embed("one good answer first")).hasSize(384);
        for (OpenAiStandIn.Mode bad : List.of(OpenAiStandIn.Mode.MALFORMED, OpenAiStandIn.Mode.OTHER_DIMENSIONS, OpenAiStandIn.Mode.HUGE,
                OpenAiStandIn.Mode.ERROR_503)) {
            server.misbehave(bad);
            CLOCK.pass(OpenAiCompatibleEmbedder.PAUSE.plusSeconds(1));
            assertThatThrownBy(() -> embedder.embed("hello")).as(bad.name()).isInstanceOf(Embedder.UnavailableException.class);
        }
        // a response cut at the egress client's size limit is not read as a vector
        server.misbehave(OpenAiStandIn.Mode.NORMAL);
        try (SafeEgress small = egress(2048, true)) {
            OpenAiCompatibleEmbedder cut = new OpenAiCompatibleEmbedder(server.baseUrl(), OpenAiStandIn.MODEL, KEY, sender(small), CLOCK);
            assertThatThrownBy(() -> cut.embed("hello")).isInstanceOf(Embedder.UnavailableException.class).hasMessageContaining("size limit");
        }
        // the vector is normalised to unit length (the stand-in sends it three times too long)
        CLOCK.pass(OpenAiCompatibleEmbedder.PAUSE.plusSeconds(1));
        float[] v = embedder.embed("unit length please");
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void aRefusalBeforeAnyAnswerIsTakenForAMisconfiguredServerNotABadText() {
        OpenAiCompatibleEmbedder fresh = new OpenAiCompatibleEmbedder(server.baseUrl(), OpenAiStandIn.MODEL, KEY, sender(egress), CLOCK);
        server.misbehave(OpenAiStandIn.Mode.REFUSE_400);
        assertThatThrownBy(() -> fresh.embed("hello")).isInstanceOf(Embedder.UnavailableException.class).hasMessageContaining("HTTP 400");
        server.misbehave(OpenAiStandIn.Mode.NORMAL);
        CLOCK.pass(OpenAiCompatibleEmbedder.PAUSE.plusSeconds(1));
        assertThat(fresh.embed("hello")).hasSize(384);
        server.misbehave(OpenAiStandIn.Mode.REFUSE_400);
        assertThatThrownBy(() -> fresh.embed("a text too long")).isInstanceOf(IllegalArgumentException.class);
        server.misbehave(OpenAiStandIn.Mode.NORMAL);
        assertThat(fresh.embed("not paused by a refusal")).hasSize(384);
    }

    @Test
    void aRedirectIsNotFollowed() {
        server.misbehave(OpenAiStandIn.Mode.REDIRECT);
        assertThatThrownBy(() -> embedder.embed("text that must stay home")).isInstanceOf(Embedder.UnavailableException.class);
        assertThat(server.redirected.get()).isZero();
    }

    @Test
    void afterAPauseOneCallTriesTheServerWhileTheOthersFailAtOnce() throws Exception {
        OpenAiCompatibleEmbedder e = new OpenAiCompatibleEmbedder(server.baseUrl(), OpenAiStandIn.MODEL, KEY, sender(egress), CLOCK);
        server.misbehave(OpenAiStandIn.Mode.ERROR_503);
        assertThatThrownBy(() -> e.embed("hello")).isInstanceOf(Embedder.UnavailableException.class);
        CLOCK.pass(OpenAiCompatibleEmbedder.PAUSE.plusSeconds(1));
        server.misbehave(OpenAiStandIn.Mode.SLOW);
        int calls = server.calls.get();
        java.util.concurrent.CompletableFuture<float[]> trial = java.util.concurrent.CompletableFuture.supplyAsync(() -> e.embed("the trial"));
        fx.await("the trial call to reach the server", () -> server.calls.get() == calls + 1);
        assertThatThrownBy(() -> e.embed("waits for the trial")).isInstanceOf(Embedder.UnavailableException.class);
        assertThat(trial.get(30, java.util.concurrent.TimeUnit.SECONDS)).hasSize(384);
        assertThat(server.calls.get()).isEqualTo(calls + 1);
        server.misbehave(OpenAiStandIn.Mode.NORMAL);
        assertThat(e.embed("back to normal")).hasSize(384);
    }

    @Test
    void aWrongKeyIsUnavailableAndTheKeyIsNotInTheError() {
        String wrong = "wrong-key-" + UUID.randomUUID();
        OpenAiCompatibleEmbedder e = new OpenAiCompatibleEmbedder(server.baseUrl(), OpenAiStandIn.MODEL, wrong, sender(egress), CLOCK);
        assertThatThrownBy(() -> e.embed("secret text")).isInstanceOf(Embedder.UnavailableException.class)
                .hasMessageContaining("HTTP 401").hasMessageNotContaining(wrong).hasMessageNotContaining("secret text");
    }

    @Test
    void theSsrfGuardRefusesAnAddressTheOperatorDidNotAllow() {
        int calls = server.calls.get();
        try (SafeEgress strict = egress(1 << 20, false)) {
            OpenAiCompatibleEmbedder e = new OpenAiCompatibleEmbedder(server.baseUrl(), OpenAiStandIn.MODEL, KEY, sender(strict), CLOCK);
            assertThatThrownBy(() -> e.embed("hello")).isInstanceOf(Embedder.UnavailableException.class)
                    .hasCauseInstanceOf(EgressRefusedException.class);
        }
        assertThat(server.calls.get()).isEqualTo(calls);
    }

    @Test
    void configurationIsChecked() {
        HttpSender never = (url, headers, body) -> {
            throw new AssertionError("no request expected");
        };
        assertThat(new OpenAiCompatibleEmbedder(URI.create("http://models.internal:8000/v1"), "m", null, never).endpoint())
                .isEqualTo(URI.create("http://models.internal:8000/v1/embeddings"));
        assertThat(new OpenAiCompatibleEmbedder(URI.create("https://models.internal/api/v1/"), "m", null, never).endpoint())
                .isEqualTo(URI.create("https://models.internal/api/v1/embeddings"));
        assertThat(new OpenAiCompatibleEmbedder(URI.create("http://models.internal"), "bge", null, never).model()).isEqualTo("openai-compatible:bge");
        for (String bad : List.of("ftp://models.internal/v1", "http://user:pw@models.internal/v1", "http://models.internal/v1?x=1", "models.internal/v1",
                "http://models.internal/v1#f")) {
            assertThatThrownBy(() -> new OpenAiCompatibleEmbedder(URI.create(bad), "m", null, never)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        for (String bad : List.of("", "  ", "a\nb", "x".repeat(201))) {
            assertThatThrownBy(() -> new OpenAiCompatibleEmbedder(URI.create("http://models.internal/v1"), bad, null, never))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
