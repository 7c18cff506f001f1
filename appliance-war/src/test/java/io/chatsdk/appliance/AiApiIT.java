package io.chatsdk.appliance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The opt-in AI endpoints on the real appliance with the real in-process model: off until the operator switches them
 * on (403 {@code feature_disabled}), then smart replies, catch-up summaries and {@code $semantic} search; hostile
 * settings and other apps' ids refused with stable codes.
 */
class AiApiIT {
    static TestAppliance appliance;
    static Api api;

    @BeforeAll
    static void start() throws Exception {
        appliance = TestAppliance.shared();
        api = Api.newApp(appliance, "ai");
        api.users("ann", "ben", "cy");
        api.as("ann", "POST", "/channels/messaging/lunch/query", Map.of("data", Map.of("members", List.of("ann", "ben"))));
    }

    static Api.Res ai(String method, Object body) throws Exception {
        return Api.operator(appliance, method, "/admin/api/apps/" + api.appId + "/ai", body);
    }

    static Api.Res send(String user, String text) throws Exception {
        Api.Res r = api.as(user, "POST", "/channels/messaging/lunch/message", Map.of("message", Map.of("text", text)));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r;
    }

    static Api.Res semantic(String user, String text) throws Exception {
        Map<String, Object> payload = Map.of("filter_conditions", Map.of("members", Map.of("$in", List.of(user))),
                "message_filter_conditions", Map.of("text", Map.of("$semantic", text)));
        return api.as(user, "GET", "/search?payload=" + URLEncoder.encode(Api.JSON.writeValueAsString(payload), StandardCharsets.UTF_8), null);
    }

    @Test
    void offUntilTheOperatorSwitchesItOnThenSuggestsSummarisesAndSearchesByMeaning() throws Exception {
        Api.Res settings = ai("GET", null);
        assertThat(settings.status()).isEqualTo(200);
        assertThat(settings.obj("ai")).containsEntry("ai_enabled", false).containsEntry("ai_embeddings", false)
                .containsEntry("ai_smart_replies", false).containsEntry("ai_catch_up_summaries", false);
        assertThat(settings.json()).containsEntry("model", "all-minilm-l6-v2-q");
        send("ann", "Are you coming to lunch today?");
        send("ben", "Sure, see you at noon");
        Api.Res off = api.as("ben", "GET", "/channels/messaging/lunch/smart_replies", null);
        assertThat(off.status()).as(off.toString()).isEqualTo(403);
        assertThat(off.code()).isEqualTo("feature_disabled");
        assertThat(api.as("ben", "GET", "/channels/messaging/lunch/catch_up", null).code()).isEqualTo("feature_disabled");
        assertThat(semantic("ben", "food at midday").code()).isEqualTo("feature_disabled");

        Api.Res on = ai("PATCH", Map.of("ai_enabled", true, "ai_embeddings", true, "ai_smart_replies", true, "ai_catch_up_summaries", true));
        assertThat(on.status()).as(on.toString()).isEqualTo(200);
        assertThat(on.obj("ai")).containsEntry("ai_enabled", true).containsEntry("ai_smart_replies", true);
        // the earlier messages are embedded by a backfill; the rebuild does it now
        assertThat(Api.operator(appliance, "POST", "/admin/api/apps/" + api.appId + "/search-index/rebuild", null).status()).isEqualTo(200);
        send("ann", "Want to grab lunch today?");

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Api.Res replies;
        do {
            replies = api.as("ben", "GET", "/channels/messaging/lunch/smart_replies", null);
            assertThat(replies.status()).as(replies.toString()).isEqualTo(200);
        } while (!replies.toString().contains("Sure, see you at noon") && System.nanoTime() < deadline && sleep());
        assertThat(replies.list("suggestions")).hasSize(3);
        assertThat(replies.list("suggestions").get(0)).containsEntry("text", "Sure, see you at noon").containsEntry("source", "history");

        Api.Res catchUp = api.as("cy", "GET", "/channels/messaging/lunch/catch_up", null);
        assertThat(catchUp.status()).as("a stranger to the channel").isEqualTo(403);
        Api.Res summary = api.asServer("GET", "/channels/messaging/lunch/catch_up?user_id=ben", null);
        assertThat(summary.status()).as(summary.toString()).isEqualTo(200);
        assertThat(summary.obj("summary")).containsEntry("unread", 1).containsKey("highlights");

        Api.Res found = semantic("ben", "eating food at midday");
        assertThat(found.status()).as(found.toString()).isEqualTo(200);
        assertThat(found.list("results")).isNotEmpty();
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(100);
        return true;
    }

    @Test
    void hostileSettingsAndUnknownAppsAreRefused() throws Exception {
        assertThat(ai("PATCH", Map.of("ai_enabled", "yes")).code()).isEqualTo("validation_error");
        assertThat(ai("PATCH", Map.of("ai_mind_reading", true)).code()).isEqualTo("validation_error");
        assertThat(ai("PATCH", Map.of()).code()).isEqualTo("validation_error");
        Api.Res needsEmbeddings = ai("PATCH", Map.of("ai_enabled", true, "ai_smart_replies", true, "ai_embeddings", false));
        assertThat(needsEmbeddings.status()).isEqualTo(400);
        assertThat(needsEmbeddings.json()).containsEntry("field", "ai_smart_replies");
        Api.Res malformed = Api.send(appliance, "PATCH", "/admin/api/apps/" + api.appId + "/ai", "{\"ai_enabled\": tru", "application/json",
                Map.of("Authorization", "Bearer " + TestAppliance.OPERATOR_TOKEN));
        assertThat(malformed.status()).isEqualTo(400);
        Api.Res unknown = Api.operator(appliance, "PATCH", "/admin/api/apps/00000000-0000-7000-8000-000000000000/ai", Map.of("ai_enabled", true));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("app_not_found");
        Api.Res forged = Api.send(appliance, "GET", "/admin/api/apps/" + api.appId + "/ai", null, null, Map.of("Authorization", "Bearer not-the-token"));
        assertThat(forged.status()).isEqualTo(401);
        // a user token cannot reach the operator API, and a user cannot ask for another user's view
        Api.Res otherView = api.as("cy", "GET", "/channels/messaging/lunch/catch_up?user_id=ben", null);
        assertThat(otherView.status()).isIn(403, 400);
    }
}
