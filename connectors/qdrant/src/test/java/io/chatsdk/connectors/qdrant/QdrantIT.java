package io.chatsdk.connectors.qdrant;

import io.chatsdk.connectors.embeddings.LocalEmbedder;
import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.model.SearchQuery;
import io.chatsdk.engine.search.SearchSync;
import io.chatsdk.engine.testing.EngineFixture;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.chatsdk.engine.testing.EngineFixture.channel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Qdrant connector with the engine on embedded PostgreSQL and the real embedding model, against
 * {@link QdrantStandIn} (a <b>stand-in</b> serving Qdrant's generated gRPC services in-process: the real Qdrant server
 * cannot run here): it needs AI embeddings, receives the sealed vectors' clear values only once switched on, answers
 * {@code $semantic} searches within the visibility rules, loses deletions and shadowed messages, survives an outage,
 * and its collection goes when switched off.
 */
class QdrantIT {
    static final String KEY = "qdrant-key-0123456789";
    static QdrantStandIn qdrant;
    static EngineFixture fx;

    @BeforeAll
    static void start() throws Exception {
        qdrant = QdrantStandIn.start(KEY);
        fx = new EngineFixture(b -> b.embedder(new LocalEmbedder()).searchEngine(new QdrantEngine(qdrant.client(KEY))));
    }

    @AfterAll
    static void stop() {
        fx.close();
        qdrant.close();
    }

    static Message send(AppHandle app, String user, Cid cid, String text) {
        Message m = app.as(user).messages().send(cid, NewMessage.text(text));
        fx.awaitSynced(app, m.id());
        return m;
    }

    static SearchSync engines(AppHandle app) {
        return fx.engine.app(app.id()).searchEngines();
    }

    static void aiOn(AppHandle app) {
        fx.engine.app(app.id()).ai().update(Map.of("ai_enabled", true, "ai_embeddings", true), "officer-1");
    }

    static List<String> semantic(AppHandle app, String user, String text) {
        return app.as(user).search().search(SearchQuery.messages(Map.of("members", Map.of("$in", List.of(user))), Map.of("text", Map.of("$semantic", text))))
                .results().stream().map(Message::text).toList();
    }

    @Test
    void itNeedsEmbeddingsThenAnswersSemanticSearchesWithinTheRules() throws Exception {
        AppHandle app = fx.newApp(3);
        assertThatThrownBy(() -> engines(app).update(app.id(), Map.of("qdrant", true), "officer-1"))
                .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.field()).isEqualTo("qdrant"));
        aiOn(app);
        Cid team = channel(app, "u1", "u2");
        Cid secret = channel(app, "u3");
        Message budget = send(app, "u1", team, "The quarterly budget review moved to Friday afternoon");
        assertThat(qdrant.hasCollection(QdrantEngine.collection(app.id(), LocalEmbedder.MODEL))).as("nothing is sent before the switch").isFalse();

        engines(app).update(app.id(), Map.of("qdrant", true), "officer-1");
        engines(app).drain(app.id());
        assertThat(qdrant.messageIds(QdrantEngine.collection(app.id(), LocalEmbedder.MODEL))).containsExactly(budget.id());
        send(app, "u2", team, "I went hiking in the mountains last weekend");
        send(app, "u3", secret, "Finance: the budget planning for next year is secret");
        Message deleted = send(app, "u2", team, "Budget numbers for the finance meeting are ready");

        assertThat(semantic(app, "u1", "finance meeting about money")).first().asString().contains("Budget numbers");
        app.as("u2").messages().delete(deleted.id(), false);
        fx.await("the deletion reaching qdrant", () -> !qdrant.messageIds(QdrantEngine.collection(app.id(), LocalEmbedder.MODEL)).contains(deleted.id()));
        List<String> found = semantic(app, "u1", "finance meeting about money");
        assertThat(found).first().asString().startsWith("The quarterly budget review");
        assertThat(found).noneMatch(t -> t.contains("secret")).noneMatch(t -> t.contains("hiking"));

        // the search went through qdrant: with it down, a semantic search is refused; full text still answers
        qdrant.setDown(true);
        assertThatThrownBy(() -> semantic(app, "u1", "money")).isInstanceOfSatisfying(ChatException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
        assertThat(app.as("u1").search().search(SearchQuery.text(Map.of("members", Map.of("$in", List.of("u1"))), "hiking")).results()).hasSize(1);
        Message during = app.as("u1").messages().send(team, NewMessage.text("Dinner plans for the team offsite"));
        Thread.sleep(500);
        qdrant.setDown(false);
        engines(app).drain(app.id());
        assertThat(qdrant.messageIds(QdrantEngine.collection(app.id(), LocalEmbedder.MODEL))).contains(during.id());

        assertThatThrownBy(() -> fx.engine.app(app.id()).ai().update(Map.of("ai_embeddings", false), "officer-1"))
                .as("qdrant holds the vectors").isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION));
        engines(app).update(app.id(), Map.of("qdrant", false), "officer-1");
        assertThat(qdrant.hasCollection(QdrantEngine.collection(app.id(), LocalEmbedder.MODEL))).isFalse();
        assertThat(semantic(app, "u1", "finance meeting about money")).as("the embedded store answers again")
                .contains("The quarterly budget review moved to Friday afternoon").noneMatch(t -> t.contains("secret"));
    }

    @Test
    void aWrongKeyIsRefusedAndNothingIsLost() throws Exception {
        try (QdrantEngine wrong = new QdrantEngine(qdrant.client("not-the-key"))) {
            assertThatThrownBy(() -> wrong.drop(fx.newApp(0).id())).hasMessageContaining("UNAUTHENTICATED");
        }
    }

    @Test
    void anotherModelGetsACollectionOfItsOwnAndTheOldOneGoes() {
        QdrantEngine engine = new QdrantEngine(qdrant.client(KEY));
        io.chatsdk.engine.types.AppId app = fx.newApp(1).id();
        String channel = UUID.randomUUID().toString();
        java.util.function.BiFunction<String, float[], io.chatsdk.engine.spi.SearchEngine.Document> doc = (model, v) ->
                new io.chatsdk.engine.spi.SearchEngine.Document("m-" + UUID.randomUUID(), channel, "messaging:x", "u1", "text", java.time.Instant.now(),
                        null, List.of(), List.of(), v, model);
        var old = doc.apply("model-a", new float[]{1, 0, 0});
        engine.upsert(app, List.of(old));
        assertThat(qdrant.messageIds(QdrantEngine.collection(app, "model-a"))).containsExactly(old.messageId());
        // a model of another size (the operator changed CHATSDK_AI_MODEL): a new collection, and the old one is deleted
        var fresh = doc.apply("model-b", new float[]{0, 1, 0, 0});
        engine.upsert(app, List.of(fresh));
        assertThat(qdrant.hasCollection(QdrantEngine.collection(app, "model-a"))).isFalse();
        assertThat(qdrant.messageIds(QdrantEngine.collection(app, "model-b"))).containsExactly(fresh.messageId());
        var query = new io.chatsdk.engine.spi.SearchEngine.Query(null, false, new float[]{0, 1, 0, 0}, List.of(channel), null, null, 10, 0.2, "model-b");
        assertThat(engine.search(app, query)).extracting(io.chatsdk.engine.spi.SearchEngine.Hit::messageId).containsExactly(fresh.messageId());
        // vectors of two models in one call are refused, not mixed
        assertThatThrownBy(() -> engine.upsert(app, List.of(doc.apply("model-b", new float[]{1, 0, 0, 0}), doc.apply("model-c", new float[]{1, 0}))))
                .isInstanceOf(IllegalArgumentException.class);
        engine.delete(app, List.of(fresh.messageId()));
        assertThat(qdrant.messageIds(QdrantEngine.collection(app, "model-b"))).isEmpty();
        engine.drop(app);
        assertThat(qdrant.hasCollection(QdrantEngine.collection(app, "model-b"))).isFalse();
    }
}
