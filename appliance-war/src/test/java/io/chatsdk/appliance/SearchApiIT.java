package io.chatsdk.appliance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/v1/search} on the real appliance (Payara Micro, PostgreSQL, Artemis as the job queue that indexes):
 * the hits a user may see, another app's and other channels' never, and clear errors for hostile payloads.
 */
class SearchApiIT {
    static TestAppliance appliance;
    static Api mine;
    static Api theirs;
    static String hit;

    @BeforeAll
    static void start() throws Exception {
        appliance = TestAppliance.shared();
        mine = Api.newApp(appliance, "search-mine");
        theirs = Api.newApp(appliance, "search-theirs");
        mine.users("alice", "bob", "eve");
        theirs.users("alice", "eve");
        mine.as("alice", "POST", "/channels/messaging/plans/query", Map.of("data", Map.of("members", List.of("alice", "bob"))));
        mine.as("eve", "POST", "/channels/messaging/eves/query", Map.of("data", Map.of("members", List.of("eve"))));
        theirs.as("alice", "POST", "/channels/messaging/plans/query", Map.of("data", Map.of("members", List.of("alice"))));
        hit = (String) mine.as("alice", "POST", "/channels/messaging/plans/message", Map.of("message", Map.of("text", "The Flamingo budget is approved")))
                .obj("message").get("id");
        mine.as("eve", "POST", "/channels/messaging/eves/message", Map.of("message", Map.of("text", "flamingo notes of eve")));
        theirs.as("alice", "POST", "/channels/messaging/plans/message", Map.of("message", Map.of("text", "flamingo in another app")));
        // indexing is a durable job (through Artemis): wait until each message is found
        awaitHits(mine, "eve", "flamingo", 1);
        awaitHits(mine, "bob", "flamingo", 1);
        awaitHits(theirs, "alice", "flamingo", 1);
    }

    static Api.Res search(Api api, String user, Map<String, Object> payload) throws Exception {
        String q = URLEncoder.encode(Api.JSON.writeValueAsString(payload), StandardCharsets.UTF_8);
        return user == null ? api.asServer("GET", "/search?payload=" + q, null) : api.as(user, "GET", "/search?payload=" + q, null);
    }

    static Map<String, Object> mineOf(String user, String query) {
        return Map.of("filter_conditions", Map.of("members", Map.of("$in", List.of(user))), "query", query);
    }

    static void awaitHits(Api api, String user, String query, int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Api.Res r = search(api, user, mineOf(user, query));
            if (r.status() == 200 && r.list("results").size() >= n) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(user + " did not find " + n + " hit(s) for '" + query + "' within 30 s");
    }

    @SuppressWarnings("unchecked")
    static List<String> ids(Api.Res r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.list("results").stream().map(x -> (String) ((Map<String, Object>) x.get("message")).get("id")).toList();
    }

    @Test
    void aMemberFindsTheMessageFoldedAndByPrefixWithItsChannel() throws Exception {
        Api.Res r = search(mine, "bob", mineOf("bob", "FLAMINGÓ budget"));
        assertThat(ids(r)).containsExactly(hit);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) r.list("results").get(0).get("message");
        assertThat(m).containsEntry("cid", "messaging:plans").containsEntry("text", "The Flamingo budget is approved");
        assertThat(ids(search(mine, "bob", Map.of("filter_conditions", Map.of("cid", "messaging:plans"),
                "message_filter_conditions", Map.of("text", Map.of("$autocomplete", "flam appr")))))).containsExactly(hit);
    }

    @Test
    void nonMembersOtherAppsAndForgedUserIdsFindNothingOfOurs() throws Exception {
        // bob is not in eve's channel, even when he names it
        assertThat(ids(search(mine, "bob", Map.of("filter_conditions", Map.of("cid", "messaging:eves"), "query", "flamingo")))).isEmpty();
        // a user cannot take another user's view: user_id is for server tokens only
        assertThat(ids(search(mine, "bob", Map.of("filter_conditions", Map.of("type", "messaging"), "query", "flamingo", "user_id", "eve"))))
                .containsExactly(hit);
        // the other app's alice, with the same channel id, sees her own app's message only
        List<String> theirsFound = ids(search(theirs, "alice", mineOf("alice", "flamingo")));
        assertThat(theirsFound).hasSize(1).doesNotContain(hit);
        // the server sees its whole app
        assertThat(ids(search(mine, null, Map.of("filter_conditions", Map.of("type", "messaging"), "query", "flamingo")))).hasSize(2).contains(hit);
        // a token signed with the wrong secret
        String q = URLEncoder.encode(Api.JSON.writeValueAsString(mineOf("bob", "flamingo")), StandardCharsets.UTF_8);
        String forged = io.chatsdk.jakarta.Tokens.user("not-the-secret-" + "0".repeat(32), "bob", java.time.Instant.now(), java.time.Instant.now().plusSeconds(60));
        Api.Res refused = mine.call("GET", "/search?payload=" + q, null, forged);
        assertThat(refused.status()).isEqualTo(401);
    }

    @Test
    void theOperatorCountsAndRebuildsAnAppsIndex() throws Exception {
        Api.Res count = Api.operator(appliance, "GET", "/admin/api/apps/" + mine.appId + "/search-index", null);
        assertThat(count.status()).isEqualTo(200);
        assertThat(((Number) count.json().get("indexed")).intValue()).isGreaterThanOrEqualTo(2);
        Api.Res rebuilt = Api.operator(appliance, "POST", "/admin/api/apps/" + mine.appId + "/search-index/rebuild", null);
        assertThat(rebuilt.status()).isEqualTo(200);
        assertThat(rebuilt.json().get("indexed")).isEqualTo(count.json().get("indexed"));
        assertThat(ids(search(mine, "bob", mineOf("bob", "flamingo")))).containsExactly(hit);
        assertThat(Api.operator(appliance, "POST", "/admin/api/apps/" + UUID.randomUUID() + "/search-index/rebuild", null).status()).isEqualTo(404);
        assertThat(Api.send(appliance, "POST", "/admin/api/apps/" + mine.appId + "/search-index/rebuild", null, null, Map.of()).status()).isEqualTo(401);
    }

    @Test
    void hostilePayloadsGetStableCodes() throws Exception {
        assertThat(mine.as("bob", "GET", "/search", null).code()).isEqualTo("validation_error");
        assertThat(mine.as("bob", "GET", "/search?payload=" + URLEncoder.encode("{not json", StandardCharsets.UTF_8), null).status()).isEqualTo(400);
        Api.Res missing = search(mine, "bob", Map.of("query", "flamingo"));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json()).containsEntry("code", "validation_error").containsEntry("field", "filter_conditions");
        assertThat(search(mine, "bob", Map.of("filter_conditions", Map.of("type", "messaging"), "query", "x", "zz", 1)).code()).isEqualTo("unknown_field");
        assertThat(search(mine, "bob", Map.of("filter_conditions", Map.of("type", "messaging"), "query", "x", "limit", 1000)).json())
                .containsEntry("field", "limit");
        assertThat(search(mine, "bob", Map.of("filter_conditions", Map.of("type", "messaging"), "query", "x", "next", "%%%")).json())
                .containsEntry("field", "next");
        // a lone surrogate, escaped in the JSON text (as a raw character it could not even be sent as UTF-8)
        String broken = URLEncoder.encode("{\"filter_conditions\":{\"type\":\"messaging\"},\"query\":\"bad \\ud800 half\"}", StandardCharsets.UTF_8);
        assertThat(mine.as("bob", "GET", "/search?payload=" + broken, null).json()).containsEntry("code", "validation_error").containsEntry("field", "text");
        assertThat(search(mine, "bob", Map.of("filter_conditions", Map.of("type", Map.of("$regex", ".*")), "query", "x")).json())
                .containsEntry("field", "type");
        assertThat(search(mine, "bob", Map.of("filter_conditions", Map.of("type", "messaging"), "message_filter_conditions",
                Map.of("$or", List.of(Map.of("text", Map.of("$q", "a")), Map.of("user_id", "bob"))))).json()).containsEntry("field", "text");
    }
}
