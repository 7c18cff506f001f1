package io.chatsdk.engine.search;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.compliance.DataSubjects;
import io.chatsdk.engine.model.Attachment;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.model.SearchPage;
import io.chatsdk.engine.model.SearchQuery;
import io.chatsdk.engine.model.SortField;
import io.chatsdk.engine.testing.DataFiles;
import io.chatsdk.engine.testing.EngineTest;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Message search over the blind index, against embedded PostgreSQL and the engine's own job queue: what is found,
 * what never is (other apps, other channels, shadowed, blocked, deleted, erased, expired), paging, and what the index
 * leaves on disk.
 */
class SearchIT extends EngineTest {
    AppHandle app;
    Cid general;
    Cid privateOfU3;

    @BeforeEach
    void setUp() {
        app = fx.newApp(4);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        general = app.channels().getOrCreate("messaging", "general-" + suffix, ChannelInput.withMembers("u1", List.of("u2", "u4"))).channel().cid();
        privateOfU3 = app.channels().getOrCreate("messaging", "u3-" + suffix, ChannelInput.withMembers("u3", List.of("u4"))).channel().cid();
    }

    private Message send(String user, Cid cid, NewMessage m) {
        Message sent = app.as(user).messages().send(cid, m);
        fx.awaitIndexed(sent.id());
        return sent;
    }

    private Message send(String user, Cid cid, String text) {
        return send(user, cid, NewMessage.text(text));
    }

    private List<String> ids(SearchPage page) {
        return page.results().stream().map(Message::id).toList();
    }

    private List<String> search(String user, String query) {
        return ids(app.as(user).search().search(SearchQuery.text(Map.of("members", Map.of("$in", List.of(user))), query)));
    }

    private List<String> searchBy(String user, Map<String, Object> messageFilter) {
        return ids(app.as(user).search().search(SearchQuery.messages(Map.of("members", Map.of("$in", List.of(user))), messageFilter)));
    }

    @Test
    void findsWordsFoldedLikeTheBlocklistsWithEveryWordRequired() {
        Message cafe = send("u1", general, "Meet at the Café Zürich tomorrow");
        Message other = send("u2", general, "the cafe was closed");
        send("u2", general, "nothing to see here");

        assertThat(search("u1", "CAFE")).containsExactlyInAnyOrder(cafe.id(), other.id());
        assertThat(search("u1", "ｃａｆé zurich")).containsExactly(cafe.id());
        assertThat(search("u2", "cafe tomorrow")).containsExactly(cafe.id());
        assertThat(search("u1", "cafeteria")).isEmpty();
        assertThat(search("u1", "caf")).as("$q matches whole words only").isEmpty();
    }

    @Test
    void autocompleteMatchesTheStartsOfWordsIncludingLongOnes() {
        Message m = send("u1", general, "internationalization matters, and so does Chinese: 东京 is a city");
        Map<String, Object> auto = Map.of("text", Map.of("$autocomplete", "internationaliz"));
        assertThat(searchBy("u2", auto)).containsExactly(m.id());
        // longer than the 16 code points the index keeps: looked up by its first 16, then checked in clear
        assertThat(searchBy("u2", Map.of("text", Map.of("$autocomplete", "internationalization")))).containsExactly(m.id());
        assertThat(searchBy("u2", Map.of("text", Map.of("$autocomplete", "internationalizations")))).isEmpty();
        assertThat(searchBy("u2", Map.of("text", Map.of("$autocomplete", "mat and")))).containsExactly(m.id());
        assertThat(search("u2", "东京")).containsExactly(m.id());
        assertThat(search("u2", "京")).as("each Han character is a word, as in the blocklists").containsExactly(m.id());
    }

    @Test
    void searchesOnlyChannelsTheSearcherCanReadAndNeverAnotherApp() {
        Message secret = send("u3", privateOfU3, "zebra crossing plans");
        Message shared = send("u1", general, "zebra in general");
        AppHandle other = fx.newApp(2);
        Cid otherCid = other.channels().getOrCreate("messaging", "x", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
        Message foreign = other.as("u1").messages().send(otherCid, NewMessage.text("zebra elsewhere"));
        fx.awaitIndexed(foreign.id());

        assertThat(search("u1", "zebra")).containsExactly(shared.id());
        // naming the other channel outright finds nothing either: u1 is not a member
        assertThat(ids(app.as("u1").search().search(SearchQuery.text(Map.of("cid", privateOfU3.toString()), "zebra")))).isEmpty();
        assertThat(search("u4", "zebra")).containsExactlyInAnyOrder(secret.id(), shared.id());
        // the server sees every channel of its app, and only its app
        assertThat(ids(app.search().search(SearchQuery.text(Map.of("type", "messaging"), "zebra")))).containsExactlyInAnyOrder(secret.id(), shared.id());
        assertThat(ids(other.search().search(SearchQuery.text(Map.of("type", "messaging"), "zebra")))).containsExactly(foreign.id());
    }

    @Test
    void channelTypesWithSearchSwitchedOffAreNotSearched() {
        Message found = send("u1", general, "tapir in messaging");
        var config = app.channelTypes().get("messaging").config();
        var quiet = new io.chatsdk.engine.model.ChannelConfig(config.typingEvents(), config.readEvents(), config.reactions(), config.replies(),
                config.quotes(), config.uploads(), false, config.mutes(), config.maxMessageLength());
        app.channelTypes().create("nosearch", quiet, app.channelTypes().get("messaging").grants());
        Cid hidden = app.channels().getOrCreate("nosearch", "x", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
        send("u1", hidden, "tapir in a channel type without search");
        assertThat(search("u2", "tapir")).containsExactly(found.id());
    }

    @Test
    void shadowedAndBlockedAuthorsAreHiddenAsInChannelReads() {
        app.moderation().ban("u2", null, null, "spam", true);
        Message shadowed = send("u2", general, "giraffe offer, click now");
        Message fine = send("u4", general, "giraffe facts");
        app.as("u1").moderation().block("u4");

        assertThat(search("u1", "giraffe")).as("u2 is shadow-banned, u1 blocks u4").isEmpty();
        assertThat(search("u2", "giraffe")).as("an author always finds their own").containsExactlyInAnyOrder(shadowed.id(), fine.id());
        assertThat(search("u4", "giraffe")).containsExactly(fine.id());
    }

    @Test
    void deletedErasedAndExpiredMessagesAreNeverFound() throws Exception {
        Message deleted = send("u1", general, "walrus one");
        Message kept = send("u1", general, "walrus two");
        Message erased = send("u4", general, "walrus three");
        Message old = send("u2", general, "walrus four");

        app.as("u1").messages().delete(deleted.id(), false);
        assertThat(fx.count("select count(*) from message_search_term where message_id = '" + deleted.id() + "'"))
                .as("a deletion takes the terms with it, in its own transaction").isZero();
        app.compliance().dataSubjects().erase("u4", DataSubjects.ErasureMode.DELETE, "officer");
        sql("update message set created_at = now() - interval '3 hours' where id = '" + old.id() + "'");
        app.compliance().retention().set(null, null, Duration.ofHours(2));

        assertThat(search("u2", "walrus")).as("retention applies before the hourly purge runs").containsExactly(kept.id());
        assertThat(fx.count("select count(*) from message_search_doc where message_id in ('" + deleted.id() + "', '" + erased.id() + "')")).isZero();
        app.compliance().retention().purge();
        assertThat(fx.count("select count(*) from message_search_doc where message_id = '" + old.id() + "'")).as("purged with its message").isZero();
        // the terms leave with their document on every path: deletion, erasure, purge
        assertThat(fx.count("select count(*) from message_search_term where message_id in ('" + deleted.id() + "', '" + erased.id() + "', '"
                + old.id() + "')")).isZero();
        assertThat(fx.count("select count(*) from message_search_term where message_id = '" + kept.id() + "'")).isPositive();
        assertNoOrphanTerms();
    }

    /** Every term has its document: whatever removed a document took its terms. */
    private void assertNoOrphanTerms() throws SQLException {
        assertThat(fx.count("select count(*) from message_search_term t where not exists "
                + "(select 1 from message_search_doc d where d.app_id = t.app_id and d.message_id = t.message_id)")).as("terms without a document").isZero();
    }

    @Test
    void truncatedHistoryIsNotFound() {
        send("u1", general, "marmot before");
        app.channels().truncate(general);
        Message after = send("u1", general, "marmot after");
        assertThat(search("u2", "marmot")).containsExactly(after.id());
    }

    @Test
    void aCursorWithATimeOutOfRangeIsAValidationError() {
        String raw = "n:31556889864403199.0:m1";
        String forged = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertInvalid(() -> app.as("u1").search().search(SearchQuery.text(Map.of("cid", general.toString()), "x")
                .sortedBy(SortField.desc("created_at")).after(forged, 10)), "next");
    }

    @Test
    void anEditIsIndexedAgainAndOldWordsStopMatching() {
        Message m = send("u1", general, "ocelot sighting");
        app.as("u1").messages().partialUpdate(m.id(), Map.of("text", "lynx sighting"), List.of());
        // the old terms are still there until the edit's job runs, but every hit is checked in clear: no stale match
        assertThat(search("u2", "ocelot")).isEmpty();
        fx.await("the edit's indexing job", () -> !search("u2", "lynx").isEmpty());
        assertThat(search("u2", "lynx")).containsExactly(m.id());
        assertThat(search("u2", "ocelot")).isEmpty();
    }

    @Test
    void filtersByAuthorAttachmentTypeMentionsThreadAndTime() {
        Message photo = send("u1", general, NewMessage.text("heron photo").withAttachments(List.of(Attachment.image("https://img.example/heron.png"))));
        Message mention = send("u2", general, NewMessage.text("heron, @u4 look").mentioning(List.of("u4")));
        Message reply = send("u4", general, NewMessage.text("heron reply").replyTo(photo.id(), false));

        assertThat(searchBy("u1", Map.of("text", Map.of("$q", "heron"), "user_id", "u2"))).containsExactly(mention.id());
        assertThat(searchBy("u1", Map.of("attachments.type", Map.of("$in", List.of("image", "video"))))).containsExactly(photo.id());
        assertThat(searchBy("u1", Map.of("mentioned_users", Map.of("$contains", "u4")))).containsExactly(mention.id());
        assertThat(searchBy("u1", Map.of("parent_id", photo.id()))).containsExactly(reply.id());
        assertThat(searchBy("u1", Map.of("text", Map.of("$q", "heron"), "created_at", Map.of("$gt", mention.createdAt().toString()))))
                .containsExactly(reply.id());
        assertThat(searchBy("u1", Map.of("$or", List.of(Map.of("user_id", "u1"), Map.of("user_id", "u4")))))
                .containsExactly(reply.id(), photo.id());
    }

    @Test
    void pagesByTimeWithACursorVisitEveryHitOnce() {
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            sent.add(send("u1", general, "badger " + i).id());
        }
        Map<String, Object> mine = Map.of("members", Map.of("$in", List.of("u2")));
        SearchQuery q = SearchQuery.text(mine, "badger").sortedBy(SortField.desc("created_at")).page(10, 0);
        List<String> seen = new ArrayList<>();
        SearchPage page = app.as("u2").search().search(q);
        int pages = 1;
        seen.addAll(ids(page));
        while (page.next() != null) {
            page = app.as("u2").search().search(q.after(page.next(), 10));
            seen.addAll(ids(page));
            pages++;
        }
        assertThat(pages).isEqualTo(3);
        List<String> newestFirst = new ArrayList<>(sent);
        java.util.Collections.reverse(newestFirst);
        assertThat(seen).containsExactlyElementsOf(newestFirst);

        List<String> ascending = ids(app.as("u2").search().search(SearchQuery.text(mine, "badger").sortedBy(SortField.asc("created_at")).page(5, 2)));
        assertThat(ascending).containsExactlyElementsOf(sent.subList(2, 7));
    }

    @Test
    void relevancePutsMoreFocusedMatchesFirstAndPagesByOffset() {
        Message weak = send("u1", general, "a long message that mentions a narwhal once among many many other words here today");
        Message strong = send("u1", general, "narwhal narwhal");
        Message middle = send("u1", general, "the narwhal swims");
        SearchPage page = app.as("u2").search().search(SearchQuery.text(Map.of("cid", general.toString()), "narwhal").page(2, 0));
        assertThat(ids(page)).containsExactly(strong.id(), middle.id());
        SearchPage rest = app.as("u2").search().search(SearchQuery.text(Map.of("cid", general.toString()), "narwhal").after(page.next(), 2));
        assertThat(ids(rest)).containsExactly(weak.id());
        assertThat(rest.next()).isNull();
    }

    @Test
    void hostileAndMalformedSearchesGetValidationErrors() {
        Map<String, Object> mine = Map.of("members", Map.of("$in", List.of("u1")));
        assertInvalid(() -> SearchQuery.text(Map.of(), "x"), "filter_conditions");
        assertInvalid(() -> new SearchQuery(mine, "x", Map.of("user_id", "u1"), List.of(), 20, 0, null, null), "query");
        assertInvalid(() -> new SearchQuery(mine, "x", null, List.of(), 101, 0, null, null), "limit");
        assertInvalid(() -> new SearchQuery(mine, "x", null, List.of(), 20, 1001, null, null), "offset");
        assertInvalid(() -> app.as("u1").search().search(SearchQuery.text(mine, "!!! ???")), "text");
        assertInvalid(() -> app.as("u1").search().search(SearchQuery.text(mine, "a b c d e f g h i j k l m n o p q")), "text");
        assertInvalid(() -> app.as("u1").search().search(SearchQuery.text(mine, "bad \uD800 surrogate")), "text");
        assertInvalid(() -> app.as("u1").search().search(SearchQuery.messages(mine,
                Map.of("$or", List.of(Map.of("text", Map.of("$q", "x")), Map.of("user_id", "u2"))))), "text");
        assertInvalid(() -> app.as("u1").search().search(SearchQuery.messages(mine, Map.of("custom_field", "x"))), "custom_field");
        assertInvalid(() -> app.as("u1").search().search(SearchQuery.messages(mine, Map.of("user_id", Map.of("$q", "x")))), "user_id");
        assertInvalid(() -> app.as("u1").search().search(SearchQuery.text(mine, "x").sortedBy(SortField.desc("reply_count"))), "sort");
        assertInvalid(() -> app.as("u1").search().search(SearchQuery.messages(mine, Map.of("user_id", "u1")).sortedBy(SortField.desc("relevance"))), "sort");
        assertInvalid(() -> app.as("u1").search().search(SearchQuery.text(mine, "x").after("bm90LWEtY3Vyc29y", 10)), "next");
        // a created_at cursor handed to a relevance search
        send("u1", general, "quokka 1");
        send("u1", general, "quokka 2");
        SearchQuery byTime = SearchQuery.text(mine, "quokka").sortedBy(SortField.desc("created_at")).page(1, 0);
        String cursor = app.as("u1").search().search(byTime).next();
        assertThat(cursor).isNotNull();
        assertInvalid(() -> app.as("u1").search().search(SearchQuery.text(mine, "quokka").after(cursor, 1)), "next");
    }

    @Test
    void theIndexHoldsNoWordInClearAndDiesWithTheAppsKeys() throws Exception {
        AppHandle shredded = fx.newApp(2);
        Cid c = shredded.channels().getOrCreate("messaging", "c", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
        String canary = "searchcanary" + UUID.randomUUID().toString().replace("-", "");
        String clearMarker = "clearmarker-" + UUID.randomUUID();   // message ids are not encrypted: proves the scan finds clear text
        Message m = shredded.as("u1").messages().send(c, NewMessage.text("the word is " + canary).withId(clearMarker));
        fx.awaitIndexed(m.id());
        assertThat(ids(shredded.as("u2").search().search(SearchQuery.text(Map.of("cid", c.toString()), canary)))).containsExactly(m.id());
        assertThat(ids(shredded.as("u2").search().search(SearchQuery.messages(Map.of("cid", c.toString()),
                Map.of("text", Map.of("$autocomplete", canary.substring(0, 10))))))).containsExactly(m.id());

        Path dataDir = DataFiles.checkpoint(fx.dataSource);
        assertThat(DataFiles.containing(dataDir, clearMarker)).as("the scan sees clear text").isNotEmpty();
        assertThat(DataFiles.containing(dataDir, canary)).as("files holding the canary word").isEmpty();
        assertThat(DataFiles.containing(dataDir, canary.substring(0, 16))).as("files holding its longest indexed prefix").isEmpty();

        fx.engine.app(shredded.id()).compliance().keys().destroy();
        assertThatThrownBy(() -> shredded.as("u2").search().search(SearchQuery.text(Map.of("cid", c.toString()), canary)))
                .isInstanceOf(ChatException.class).extracting("code").isEqualTo(ErrorCode.CONTENT_ERASED);
        assertThat(fx.count("select count(*) from message_search_doc where app_id = '" + shredded.id() + "'")).isZero();
        assertThat(fx.count("select count(*) from message_search_term where app_id = '" + shredded.id() + "'")).as("terms of a shredded app").isZero();
        assertNoOrphanTerms();
    }

    @Test
    void indexingTwiceOrConcurrentlyLeavesOneSetOfTermsAndRebuildRestoresIt() throws Exception {
        Message m = send("u1", general, "one two three four five six seven");
        long terms = fx.count("select count(*) from message_search_term where message_id = '" + m.id() + "'");
        assertThat(terms).isGreaterThan(7);
        AppHandle.SearchIndexAdmin index = fx.engine.app(app.id()).searchIndex();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(() -> index.index(m.id()));
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(fx.count("select count(*) from message_search_term where message_id = '" + m.id() + "'")).isEqualTo(terms);

        sql("delete from message_search_doc where app_id = '" + app.id() + "'");
        assertThat(fx.count("select count(*) from message_search_term where app_id = '" + app.id() + "'")).as("the terms went with their documents").isZero();
        assertThat(search("u2", "seven")).isEmpty();
        assertThat(index.backfill(Integer.MAX_VALUE)).isGreaterThanOrEqualTo(1);
        assertThat(search("u2", "seven")).containsExactly(m.id());
        long indexed = index.indexed();
        assertThat(index.rebuild()).isEqualTo((int) indexed);
        assertThat(fx.count("select count(*) from message_search_term where message_id = '" + m.id() + "'")).isEqualTo(terms);
        assertNoOrphanTerms();
    }

    @Test
    void aKeyRotationReindexesUnderTheNewKeyAndTheOldKeyLeavesOnlyAfterwards() throws Exception {
        AppHandle rotated = fx.newApp(2);
        Cid c = rotated.channels().getOrCreate("messaging", "c", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
        Message before = rotated.as("u1").messages().send(c, NewMessage.text("pelican before"));
        fx.awaitIndexed(before.id());
        var keys = fx.engine.app(rotated.id()).compliance().keys();
        keys.rotate();
        Message after = rotated.as("u1").messages().send(c, NewMessage.text("pelican after"));
        fx.awaitIndexed(after.id());
        Map<String, Object> scope = Map.of("cid", c.toString());
        assertThat(ids(rotated.as("u2").search().search(SearchQuery.text(scope, "pelican")))).containsExactlyInAnyOrder(before.id(), after.id());

        sql("update app_data_key set retired_at = retired_at - interval '6 minutes' where app_id = '" + rotated.id() + "'");
        assertThat(fx.count("select count(*) from message_search_doc where app_id = '" + rotated.id() + "' and key_version = 1")).isEqualTo(1);
        // re-encryption indexes again under the current key before it deletes the retired one
        assertThat(keys.reencrypt()).containsEntry("search_reindexed", 1L).containsEntry("keys_deleted", 1L);
        assertThat(fx.count("select count(*) from message_search_doc where app_id = '" + rotated.id() + "' and key_version = 2")).isEqualTo(2);
        assertThat(ids(rotated.as("u2").search().search(SearchQuery.text(scope, "pelican")))).containsExactlyInAnyOrder(before.id(), after.id());
    }

    private static void assertInvalid(Runnable call, String field) {
        assertThatThrownBy(call::run).isInstanceOf(ChatException.class)
                .satisfies(e -> {
                    assertThat(((ChatException) e).code()).isEqualTo(ErrorCode.VALIDATION);
                    assertThat(((ChatException) e).field()).isEqualTo(field);
                });
    }

    @Test
    void aBatchKeepsEachDocumentsOwnTermsAndRemovingDocumentsTakesExactlyThem() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        // indexed together in this order (ids sorted): the middle message has no word, so no term
        Message a = send("u1", general, NewMessage.text("alpha shared words").withId("a-" + suffix));
        Message none = send("u1", general, NewMessage.text("!!! ???").withId("b-" + suffix));
        Message c = send("u2", general, NewMessage.text("gamma shared words").withId("c-" + suffix));
        String three = "('" + a.id() + "', '" + none.id() + "', '" + c.id() + "')";
        sql("delete from message_search_doc where message_id in " + three);
        assertThat(fx.count("select count(*) from message_search_term where message_id in " + three)).as("the terms went with their documents").isZero();

        assertThat(fx.engine.app(app.id()).searchIndex().backfill(Integer.MAX_VALUE)).isGreaterThanOrEqualTo(3);
        for (Message m : List.of(a, none, c)) {
            long rows = fx.count("select count(*) from message_search_term where message_id = '" + m.id() + "'");
            assertThat(fx.count("select count(*) from message_search_doc d where d.message_id = '" + m.id() + "' and cardinality(d.terms) = " + rows
                    + " and d.created_at = (select created_at from message where id = d.message_id) "
                    + "and not exists (select 1 from message_search_term t where t.message_id = d.message_id and not (t.term = any(d.terms)))"))
                    .as("the document of %s lists exactly its %d term rows", m.text(), rows).isEqualTo(1);
        }
        assertThat(fx.count("select count(*) from message_search_term where message_id = '" + none.id() + "'")).isZero();
        assertThat(fx.count("select count(*) from message_search_term where message_id = '" + a.id() + "'")).isGreaterThan(3);
        // each document's part of the batch's one array is what the message indexed alone gets
        Map<String, String> batched = new java.util.HashMap<>();
        for (Message m : List.of(a, none, c)) {
            batched.put(m.id(), sortedTerms(m.id()));
        }
        for (Message m : List.of(a, none, c)) {
            fx.engine.app(app.id()).searchIndex().index(m.id());
            assertThat(sortedTerms(m.id())).as("terms of %s", m.text()).isEqualTo(batched.get(m.id()));
        }
        assertThat(batched.get(a.id())).isNotEqualTo(batched.get(c.id()));
        assertThat(fx.count("select count(*) from message_search_term t join message m on m.app_id = t.app_id and m.id = t.message_id "
                + "where t.message_id in " + three + " and t.created_at <> m.created_at")).as("term rows carry their message's time").isZero();
        assertThat(search("u2", "shared words")).containsExactlyInAnyOrder(a.id(), c.id());
        assertThat(search("u2", "alpha words")).containsExactly(a.id());
        assertNoOrphanTerms();
    }

    private String sortedTerms(String messageId) throws SQLException {
        try (Connection c = fx.dataSource.getConnection(); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("select array(select unnest(terms) order by 1)::text from message_search_doc where message_id = '"
                     + messageId + "'")) {
            assertThat(rs.next()).as("document of " + messageId).isTrue();
            return rs.getString(1);
        }
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = fx.dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
