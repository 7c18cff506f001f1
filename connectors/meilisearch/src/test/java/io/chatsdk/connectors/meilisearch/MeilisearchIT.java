package io.chatsdk.connectors.meilisearch;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.model.SearchQuery;
import io.chatsdk.engine.model.SortField;
import io.chatsdk.engine.search.SearchSync;
import io.chatsdk.engine.testing.EngineFixture;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.chatsdk.engine.testing.EngineFixture.channel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Meilisearch connector with the engine on embedded PostgreSQL, against {@link MeilisearchStandIn} (a
 * <b>stand-in</b>: the real Meilisearch server cannot run here): nothing is sent until the operator switches it on; then
 * messages arrive, typos are found, visibility still holds, deletions, shadowing, purges and erasure reach it through
 * the sync queue, an outage loses nothing, and switching it off removes the app's index.
 */
class MeilisearchIT {
    static final String KEY = "meili-master-key-0123456789";
    static MeilisearchStandIn meili;
    static EngineFixture fx;

    @BeforeAll
    static void start() throws Exception {
        meili = MeilisearchStandIn.start(KEY);
        fx = new EngineFixture(b -> b.searchEngine(new MeilisearchEngine(meili.baseUri().toString(), KEY)));
    }

    @AfterAll
    static void stop() {
        fx.close();
        meili.close();
    }

    static Message send(AppHandle app, String user, Cid cid, String text) {
        Message m = app.as(user).messages().send(cid, NewMessage.text(text));
        fx.awaitSynced(app, m.id());
        return m;
    }

    static List<String> search(AppHandle app, String user, String query) {
        return app.as(user).search().search(SearchQuery.text(Map.of("members", Map.of("$in", List.of(user))), query)).results().stream()
                .map(Message::text).toList();
    }

    static String index(AppHandle app) {
        return MeilisearchEngine.uid(app.id());
    }

    static SearchSync engines(AppHandle app) {
        return fx.engine.app(app.id()).searchEngines();
    }

    @Test
    void nothingIsSentUntilTheOperatorSwitchesItOnThenEverythingIs() {
        AppHandle app = fx.newApp(2);
        Cid cid = channel(app, "u1", "u2");
        String canary = "canary" + UUID.randomUUID().toString().replace("-", "");
        Message before = send(app, "u1", cid, "the budget for " + canary);
        assertThat(meili.hasIndex(index(app))).isFalse();
        assertThat(meili.received).noneMatch(b -> b.contains(canary));
        assertThat(SearchSync.switches(Map.of())).containsEntry("meilisearch", false);

        assertThat(engines(app).update(app.id(), Map.of("meilisearch", true), "officer-1")).containsEntry("meilisearch", true);
        engines(app).drain(app.id());
        assertThat(meili.messageIds(index(app))).containsExactly(before.id());
        Message after = send(app, "u2", cid, "the quarterly budget was approved");
        assertThat(meili.messageIds(index(app))).containsExactlyInAnyOrder(before.id(), after.id());
        // Meilisearch's typo tolerance: one typo from five letters, which the built-in index cannot do
        assertThat(search(app, "u1", "quartrly")).containsExactly("the quarterly budget was approved");
        assertThat(search(app, "u1", "budget")).hasSize(2);
        assertThat(fx.count("select count(*) from audit_log where app_id = '" + app.id() + "' and action = 'search.engines' and actor_id = 'officer-1' "
                + "and details->>'meilisearch' = 'false->true'")).isEqualTo(1);
    }

    @Test
    void visibilityStillHoldsAndRemovalsReachTheEngine() {
        AppHandle app = fx.newApp(3);
        engines(app).update(app.id(), Map.of("meilisearch", true), "officer-1");
        Cid ours = channel(app, "u1", "u2");
        Cid theirs = channel(app, "u3");
        send(app, "u1", ours, "flamingo plans for the team");
        send(app, "u3", theirs, "flamingo secrets of u3");
        Message gone = send(app, "u2", ours, "flamingo draft to delete");
        assertThat(search(app, "u1", "flamingo")).containsExactlyInAnyOrder("flamingo plans for the team", "flamingo draft to delete");

        app.as("u2").messages().delete(gone.id(), false);
        awaitGone(app, gone.id());
        assertThat(search(app, "u1", "flamingo")).containsExactly("flamingo plans for the team");

        // shadowed after the fact by a moderator's ban of the author: their new messages never reach the engine
        fx.engine.app(app.id()).moderation().ban("u2", null, null, null, true);
        Message shadowed = app.as("u2").messages().send(ours, NewMessage.text("flamingo shadowed words"));
        fx.awaitIndexed(shadowed.id());
        engines(app).drain(app.id());
        assertThat(meili.messageIds(index(app))).doesNotContain(shadowed.id());
        assertThat(search(app, "u1", "flamingo")).containsExactly("flamingo plans for the team");

        // a truncation keeps the rows but hides them: its messages leave the engine too
        Cid scratch = channel(app, "u1", "u2");
        Message truncated = send(app, "u1", scratch, "flamingo in a scratch channel");
        assertThat(meili.messageIds(index(app))).contains(truncated.id());
        app.channels().truncate(scratch);
        engines(app).drain(app.id());
        assertThat(meili.messageIds(index(app))).doesNotContain(truncated.id());

        // erasure and a purge by retention queue through the trigger; the maintenance drain (here by hand) sends them
        Message old = send(app, "u1", ours, "flamingo from long ago");
        fx.engine.app(app.id()).compliance().dataSubjects().erase("u3", io.chatsdk.engine.compliance.DataSubjects.ErasureMode.DELETE, "officer");
        sql("update message set created_at = now() - interval '3 hours' where id = '" + old.id() + "'");
        fx.engine.app(app.id()).compliance().retention().set(null, null, Duration.ofHours(2));
        fx.engine.app(app.id()).compliance().retention().purge();
        engines(app).drain(app.id());
        assertThat(meili.messageIds(index(app))).hasSize(1).doesNotContain(old.id());
        assertThat(meili.received.get(meili.received.size() - 1)).doesNotContain("secrets of u3");
    }

    static void sql(String statement) {
        try (Connection c = fx.dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void awaitGone(AppHandle app, String messageId) {
        fx.await("the deletion of " + messageId + " reaching the engine", () -> !meili.messageIds(index(app)).contains(messageId));
    }

    @Test
    void anOutageLosesNothingAndSwitchingOffRemovesTheIndex() throws Exception {
        AppHandle app = fx.newApp(2);
        engines(app).update(app.id(), Map.of("meilisearch", true), "officer-1");
        Cid cid = channel(app, "u1", "u2");
        send(app, "u1", cid, "okapi one");
        meili.setDown(true);
        Message during = app.as("u2").messages().send(cid, NewMessage.text("okapi during the outage"));
        fx.awaitIndexed(during.id());
        Thread.sleep(300);
        assertThat(fx.count("select count(*) from search_sync where app_id = '" + app.id() + "'")).as("queued while the engine is down").isEqualTo(1);
        assertThatThrownBy(() -> search(app, "u1", "okapi")).isInstanceOfSatisfying(ChatException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
        meili.setDown(false);
        engines(app).drain(app.id());
        assertThat(search(app, "u1", "okapi")).hasSize(2);

        // switched off while the engine is down: off at once, and its index is removed once it answers again
        meili.setDown(true);
        assertThat(engines(app).update(app.id(), Map.of("meilisearch", false), "officer-1")).containsEntry("meilisearch", false);
        assertThat(engines(app).pendingDrops(app.id())).containsExactly("meilisearch");
        assertThat(search(app, "u1", "okapi")).as("the built-in index answers at once").hasSize(2);
        assertThat(engines(app).pending()).contains(app.id());
        meili.setDown(false);
        assertThat(meili.hasIndex(index(app))).isTrue();
        engines(app).drain(app.id());
        assertThat(meili.hasIndex(index(app))).isFalse();
        assertThat(engines(app).pendingDrops(app.id())).isEmpty();
    }

    @Test
    void hostileSwitchesAreRefused() {
        AppHandle app = fx.newApp(1);
        assertThatThrownBy(() -> engines(app).update(app.id(), Map.of("elasticsearch", true), "x"))
                .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION));
        assertThatThrownBy(() -> engines(app).update(app.id(), Map.of("meilisearch", "yes"), "x"))
                .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION));
        assertThatThrownBy(() -> engines(app).update(app.id(), Map.of("qdrant", true), "x"))
                .as("this server has no Qdrant").isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FEATURE_DISABLED));
        assertThatThrownBy(() -> app.as("u1").searchEngines()).isInstanceOf(ChatException.class);
        assertThat(SearchSync.switches(fx.engine.apps().get(app.id()).settings())).containsEntry("meilisearch", false).containsEntry("qdrant", false);
    }

    @Test
    void sortedByTimeThePagesFollowTheEngine() {
        AppHandle app = fx.newApp(1);
        engines(app).update(app.id(), Map.of("meilisearch", true), "officer-1");
        Cid cid = channel(app, "u1");
        for (int i = 0; i < 5; i++) {
            send(app, "u1", cid, "heron number " + i);
        }
        var first = app.as("u1").search().search(SearchQuery.text(Map.of("members", Map.of("$in", List.of("u1"))), "heron")
                .sortedBy(SortField.desc("created_at")).page(3, 0));
        assertThat(first.results()).extracting(Message::text).containsExactly("heron number 4", "heron number 3", "heron number 2");
        var rest = app.as("u1").search().search(new SearchQuery(Map.of("members", Map.of("$in", List.of("u1"))), "heron", null,
                List.of(SortField.desc("created_at")), 3, 0, first.next(), null));
        assertThat(rest.results()).extracting(Message::text).containsExactly("heron number 1", "heron number 0");
    }
}
