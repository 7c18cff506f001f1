package io.chatsdk.connectors.embeddings;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.ai.CatchUp;
import io.chatsdk.engine.ai.SmartReplies;
import io.chatsdk.engine.model.AiSettings;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.model.SearchPage;
import io.chatsdk.engine.model.SearchQuery;
import io.chatsdk.engine.model.SortField;
import io.chatsdk.engine.spi.Embedder;
import io.chatsdk.engine.testing.EngineFixture;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static io.chatsdk.engine.testing.EngineFixture.channel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The opt-in AI features with the real model (all-MiniLM-L6-v2, quantised, in-process), on embedded PostgreSQL and the
 * engine's own job queue: off by default with no model call, semantic search within what the user may read, smart
 * replies from the user's history, catch-up summaries, sealed embeddings of redacted text, audited switches.
 */
class AiIT {
    /** The real model, with every call counted and every text it saw kept, so a test can prove what it was given. */
    static final class Recording implements Embedder {
        final LocalEmbedder real = new LocalEmbedder();
        final AtomicInteger calls = new AtomicInteger();
        final List<String> texts = new CopyOnWriteArrayList<>();

        @Override
        public String model() {
            return real.model();
        }

        @Override
        public float[] embed(String text) {
            calls.incrementAndGet();
            texts.add(text);
            return real.embed(text);
        }
    }

    static final Recording MODEL = new Recording();
    static EngineFixture fx;

    @BeforeAll
    static void start() {
        fx = new EngineFixture(b -> b.embedder(MODEL));
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    private static Message send(AppHandle app, String user, Cid cid, String text) {
        Message m = app.as(user).messages().send(cid, NewMessage.text(text));
        fx.awaitIndexed(m.id());
        return m;
    }

    private static AiSettings switchOn(AppHandle app) {
        return fx.engine.app(app.id()).ai().update(Map.of("ai_enabled", true, "ai_embeddings", true, "ai_smart_replies", true,
                "ai_catch_up_summaries", true), "officer-1");
    }

    private static List<String> semantic(AppHandle app, String user, String text) {
        SearchPage page = app.as(user).search().search(new SearchQuery(Map.of("members", Map.of("$in", List.of(user))), null,
                Map.of("text", Map.of("$semantic", text)), List.of(), 10, 0, null, null));
        return page.results().stream().map(Message::text).toList();
    }

    @Test
    void everythingIsOffByDefaultAndTheModelIsNeverCalledWhileOff() {
        AppHandle app = fx.newApp(2);
        assertThat(app.ai().settings()).isEqualTo(AiSettings.OFF);
        Cid cid = channel(app, "u1", "u2");
        int before = MODEL.calls.get();
        for (int i = 0; i < 5; i++) {
            send(app, "u1", cid, "canary-off-" + i + " lunch at noon?");
        }
        // embeddings switched on without the master: still nothing
        fx.engine.app(app.id()).ai().update(Map.of("ai_embeddings", true), "officer-1");
        send(app, "u2", cid, "canary-off-master sure");
        assertThat(fx.engine.app(app.id()).searchIndex().backfill(1000)).isZero();
        assertThatThrownBy(() -> semantic(app, "u1", "lunch")).isInstanceOfSatisfying(ChatException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.FEATURE_DISABLED));
        assertThatThrownBy(() -> app.as("u2").ai().smartReplies(cid, null)).isInstanceOfSatisfying(ChatException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.FEATURE_DISABLED));
        assertThatThrownBy(() -> app.as("u2").ai().catchUp(cid, null)).isInstanceOfSatisfying(ChatException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.FEATURE_DISABLED));
        assertThat(MODEL.calls.get()).as("model calls while the app's AI is off").isEqualTo(before);
        assertThat(MODEL.texts).noneMatch(t -> t.contains("canary-off"));
        assertThat(fx.count("select count(*) from message_search_doc d join message m on m.app_id = d.app_id and m.id = d.message_id "
                + "where d.app_id = '" + app.id() + "' and d.embedding is not null")).isZero();
    }

    @Test
    void semanticSearchFindsByMeaningOnlyWhatTheUserMayRead() {
        AppHandle app = fx.newApp(3);
        switchOn(app);
        Cid team = channel(app, "u1", "u2");
        Cid secret = channel(app, "u3");
        send(app, "u1", team, "The quarterly budget review moved to Friday afternoon");
        send(app, "u2", team, "I went hiking in the mountains last weekend");
        send(app, "u1", team, "Can someone fix the login bug on the website?");
        send(app, "u3", secret, "Finance: the budget planning for next year is secret");
        Message deleted = send(app, "u2", team, "Budget numbers for the finance meeting are ready");
        app.as("u2").messages().delete(deleted.id(), false);
        fx.engine.app(app.id()).moderation().ban("u2", null, null, null, true);
        send(app, "u2", team, "The finance meeting about spending is cancelled");   // shadowed: only u2 sees it

        List<String> finance = semantic(app, "u1", "finance meeting about money");
        assertThat(finance).isNotEmpty();
        assertThat(finance.get(0)).startsWith("The quarterly budget review");
        assertThat(finance).noneMatch(t -> t.contains("secret")).noneMatch(t -> t.contains("cancelled")).noneMatch(t -> t.contains("numbers"));
        assertThat(semantic(app, "u1", "walking outdoors in nature")).first().asString().contains("hiking");
        // another app with the same words finds only its own
        AppHandle other = fx.newApp(1);
        switchOn(other);
        Cid own = channel(other, "u1");
        send(other, "u1", own, "A cake recipe with chocolate");
        assertThat(semantic(other, "u1", "finance meeting about money")).allMatch(t -> t.contains("cake"));
        // combined with full text: refused
        assertThatThrownBy(() -> app.as("u1").search().search(new SearchQuery(Map.of("members", Map.of("$in", List.of("u1"))), null,
                Map.of("$and", List.of(Map.of("text", Map.of("$semantic", "money")), Map.of("text", Map.of("$q", "budget")))), List.of(), 10, 0, null, null)))
                .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION));
        // sorted by time, the same matches come newest first
        SearchPage byTime = app.as("u1").search().search(new SearchQuery(Map.of("members", Map.of("$in", List.of("u1"))), null,
                Map.of("text", Map.of("$semantic", "finance meeting about money")), List.of(new SortField("created_at", -1)), 10, 0, null, null));
        assertThat(byTime.results()).extracting(Message::createdAt).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    }

    @Test
    void embeddingsAreMadeFromRedactedTextAndStoredSealed() throws Exception {
        AppHandle app = fx.newApp(2);
        switchOn(app);
        Cid cid = channel(app, "u1", "u2");
        Message m = send(app, "u1", cid, "my card is 4111 1111 1111 1111, charge the annual subscription");
        assertThat(MODEL.texts).noneMatch(t -> t.replace(" ", "").contains("4111111111111111"));
        assertThat(MODEL.texts).anyMatch(t -> t.contains("4111 11** **** 1111"));
        try (Connection c = fx.dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select embedding, embedding_model from message_search_doc where message_id = '" + m.id() + "'")) {
            assertThat(rs.next()).isTrue();
            byte[] stored = rs.getBytes(1);
            assertThat(rs.getString(2)).isEqualTo(LocalEmbedder.MODEL);
            byte[] plain = io.chatsdk.engine.internal.Vectors.quantise(MODEL.real.embed(m.text()));
            // 384 quantised dimensions, sealed: format byte, nonce, ciphertext, tag; the clear vector is not in it
            assertThat(stored).hasSize(1 + 12 + plain.length + 16);
            assertThat(java.util.Collections.indexOfSubList(bytes(stored), bytes(java.util.Arrays.copyOf(plain, 16)))).isEqualTo(-1);
        }
        // switched off: the vectors go, and nothing is embedded any more
        int calls = MODEL.calls.get();
        fx.engine.app(app.id()).ai().update(Map.of("ai_enabled", false), "officer-1");
        assertThat(fx.count("select count(*) from message_search_doc where app_id = '" + app.id() + "' and embedding is not null")).isZero();
        send(app, "u2", cid, "noted, thanks");
        assertThat(MODEL.calls.get()).isEqualTo(calls);
    }

    private static List<Byte> bytes(byte[] b) {
        List<Byte> out = new ArrayList<>();
        for (byte x : b) {
            out.add(x);
        }
        return out;
    }

    @Test
    void switchingOnEmbedsEarlierMessagesAndEveryChangeIsAudited() {
        AppHandle app = fx.newApp(2);
        Cid cid = channel(app, "u1", "u2");
        send(app, "u1", cid, "Let's plan the team offsite in the mountains");
        assertThatThrownBy(() -> fx.engine.app(app.id()).ai().update(Map.of("ai_smart_replies", true, "ai_embeddings", false), "officer-1"))
                .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.field()).isEqualTo("ai_smart_replies"));
        assertThatThrownBy(() -> fx.engine.app(app.id()).ai().update(Map.of("ai_enabled", "yes"), "officer-1"))
                .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION));
        assertThatThrownBy(() -> fx.engine.app(app.id()).ai().update(Map.of("ai_telepathy", true), "officer-1"))
                .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION));
        assertThatThrownBy(() -> app.as("u1").ai().update(Map.of("ai_enabled", true), "u1"))
                .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
        assertThat(app.ai().settings()).isEqualTo(AiSettings.OFF);
        switchOn(app);
        assertThat(fx.engine.app(app.id()).searchIndex().backfill(1000)).isEqualTo(1);
        assertThat(semantic(app, "u2", "a company trip to the hills")).first().asString().contains("offsite");
        assertThat(fx.count("select count(*) from audit_log where app_id = '" + app.id() + "' and action = 'ai.settings' and actor_id = 'officer-1' "
                + "and details->>'ai_enabled' = 'false->true'")).isEqualTo(1);
    }

    @Test
    void aKeyRotationSealsTheVectorsAgainWithoutEmbeddingAgain() {
        AppHandle app = fx.newApp(2);
        switchOn(app);
        Cid cid = channel(app, "u1", "u2");
        Message m = send(app, "u1", cid, "The quarterly budget review moved to Friday afternoon");
        send(app, "u2", cid, "I went hiking in the mountains last weekend");
        var keys = fx.engine.app(app.id()).compliance().keys();
        keys.rotate();
        Message edited = send(app, "u1", cid, "Lunch at the taco place?");
        int calls = MODEL.calls.get();
        assertThat(fx.engine.app(app.id()).searchIndex().backfill(1000)).isEqualTo(2);   // the two under the old key
        assertThat(MODEL.calls.get()).as("model calls for re-keyed messages").isEqualTo(calls);
        assertThat(fx.count("select count(*) from message_search_doc where app_id = '" + app.id() + "' and key_version = 2 and embedding is not null"))
                .isEqualTo(3);
        assertThat(semantic(app, "u2", "finance meeting about money")).first().asString().startsWith("The quarterly budget review");
        // an edit is embedded anew: its indexing job does not reuse the old vector
        app.as("u1").messages().update(edited.id(), "The office is closed on Monday", List.of(), Map.of());
        fx.await("the edited text's embedding", () -> MODEL.texts.contains("The office is closed on Monday"));
        assertThat(semantic(app, "u2", "finance meeting about money")).first().asString().isEqualTo(m.text());
    }

    @Test
    void smartRepliesComeFromTheUsersOwnHistory() {
        AppHandle app = fx.newApp(3);
        switchOn(app);
        Cid old = channel(app, "u1", "u2");
        send(app, "u1", old, "Are you coming to lunch today?");
        send(app, "u2", old, "Sure, see you at noon");
        send(app, "u1", old, "Could you review my pull request?");
        send(app, "u2", old, "On it, give me ten minutes");
        Cid elsewhere = channel(app, "u3", "u1");
        send(app, "u3", elsewhere, "Do you want to get lunch together today?");
        send(app, "u1", elsewhere, "Only if we go to the taco place");   // u2 cannot read this channel
        Cid now = channel(app, "u1", "u2");
        Message prompt = send(app, "u1", now, "Want to grab lunch today?");

        SmartReplies.Result r = app.as("u2").ai().smartReplies(now, null);
        assertThat(r.messageId()).isEqualTo(prompt.id());
        assertThat(r.suggestions()).hasSize(3);
        assertThat(r.suggestions().get(0)).isEqualTo(new SmartReplies.Suggestion("Sure, see you at noon", "history"));
        assertThat(r.suggestions()).extracting(SmartReplies.Suggestion::text).doesNotContain("Only if we go to the taco place", "On it, give me ten minutes");
        assertThat(r.suggestions()).extracting(SmartReplies.Suggestion::source).contains("generic");
        // a stranger to the channel gets nothing
        assertThatThrownBy(() -> app.as("u3").ai().smartReplies(now, null)).isInstanceOf(ChatException.class);
    }

    @Test
    void aServerCallGetsTheNamedUsersViewOnly() {
        AppHandle app = fx.newApp(3);
        switchOn(app);
        Cid shared = channel(app, "u1", "u2", "u3");
        Cid without = channel(app, "u1", "u3");
        app.as("u2").moderation().block("u3");
        send(app, "u1", shared, "the release is on Thursday");
        send(app, "u3", shared, "buy cheap watches now");
        send(app, "u3", without, "u2 cannot read this");
        AppHandle server = fx.engine.app(app.id());
        CatchUp.Summary s = server.ai().catchUp(shared, "u2");
        assertThat(s.participants()).extracting(CatchUp.Participant::userId).as("u2 blocks u3").containsExactly("u1");
        assertThat(s.unread()).isEqualTo(1);
        assertThat(s.highlights()).noneMatch(h -> h.text().contains("watches"));
        assertThatThrownBy(() -> server.ai().catchUp(without, "u2")).isInstanceOfSatisfying(ChatException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
        assertThatThrownBy(() -> server.ai().smartReplies(without, "u2")).isInstanceOfSatisfying(ChatException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
        assertThatThrownBy(() -> server.ai().catchUp(shared, null)).isInstanceOfSatisfying(ChatException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION));
    }

    @Test
    void catchUpCountsEverythingUnreadAndReadsBackPastOnePage() {
        AppHandle app = fx.newApp(2);
        fx.engine.app(app.id()).ai().update(Map.of("ai_enabled", true, "ai_catch_up_summaries", true), "officer-1");
        Cid cid = channel(app, "u1", "u2");
        Message first = null;
        for (int i = 0; i < 320; i++) {
            Message m = app.as("u1").messages().send(cid, NewMessage.text("status update number " + i + (i % 7 == 0 ? " about the release" : "")));
            first = first == null ? m : first;
        }
        CatchUp.Summary s = app.as("u2").ai().catchUp(cid, null);
        assertThat(s.unread()).isEqualTo(320);
        assertThat(s.firstUnreadMessageId()).isEqualTo(first.id());
        assertThat(s.participants()).containsExactly(new CatchUp.Participant("u1", 320));
        assertThat(s.highlights()).isNotEmpty();
        assertThat(MODEL.texts).noneMatch(t -> t.startsWith("status update number"));   // catch-up needs no model
    }

    @Test
    void catchUpSummarisesWhatTheUserMissed() {
        AppHandle app = fx.newApp(3);
        switchOn(app);
        Cid cid = channel(app, "u1", "u2", "u3");
        Message seen = send(app, "u2", cid, "hello all");
        app.as("u2").reads().markRead(cid, seen.id(), null);
        List<String> topics = List.of("the release is scheduled for Thursday", "the release needs two more reviews", "lunch is pizza today",
                "the release notes are drafted", "my cat knocked over a plant");
        for (int i = 0; i < 20; i++) {
            send(app, i % 2 == 0 ? "u1" : "u3", cid, topics.get(i % topics.size()) + " (" + i + ")");
        }
        Message mention = app.as("u1").messages().send(cid, NewMessage.text("@u2 can you sign off the release?").mentioning(List.of("u2")));

        CatchUp.Summary s = app.as("u2").ai().catchUp(cid, null);
        assertThat(s.unread()).isEqualTo(21);
        assertThat(s.mentionsOfYou()).isEqualTo(1);
        assertThat(s.participants()).extracting(CatchUp.Participant::userId).containsExactly("u1", "u3");
        assertThat(s.participants()).extracting(CatchUp.Participant::messages).containsExactly(11, 10);
        assertThat(s.highlights()).hasSizeBetween(2, CatchUp.HIGHLIGHTS);
        assertThat(s.highlights()).extracting(CatchUp.Highlight::messageId).contains(mention.id());
        assertThat(s.highlights()).extracting(CatchUp.Highlight::createdAt).isSorted();
        assertThat(s.highlights()).noneMatch(h -> h.userId().equals("u2"));
        // sending marks the channel read: a user who answered has caught up
        send(app, "u2", cid, "on it");
        assertThat(app.as("u2").ai().catchUp(cid, null).unread()).isZero();
        assertThat(s.highlights()).extracting(h -> h.text().replaceAll(" \\(\\d+\\)$", "")).as("no topic twice").doesNotHaveDuplicates();
    }
}
