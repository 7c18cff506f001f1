package io.chatsdk.appliance;

import io.chatsdk.connectors.meilisearch.MeilisearchStandIn;

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
 * The operator's per-app switch of external search engines on the real appliance, with Meilisearch played by
 * {@link MeilisearchStandIn} (a <b>stand-in</b> of its REST API; the real server cannot run here): nothing is sent
 * while it is off; once on, messages reach it and a word search finds a typo through it; switched off, its index goes.
 * Hostile switches get stable codes.
 */
class SearchEnginesApiIT {
    static TestAppliance appliance;
    static MeilisearchStandIn meili;
    static Api api;

    @BeforeAll
    static void start() throws Exception {
        appliance = TestAppliance.shared();
        meili = TestAppliance.meilisearch();
        api = Api.newApp(appliance, "engines");
        api.users("ann", "ben");
        api.as("ann", "POST", "/channels/messaging/room/query", Map.of("data", Map.of("members", List.of("ann", "ben"))));
    }

    static Api.Res engines(String method, Object body) throws Exception {
        return Api.send(appliance, method, "/admin/api/apps/" + api.appId + "/search-engines", body == null ? null : Api.JSON.writeValueAsString(body),
                "application/json", Map.of("Authorization", "Bearer " + TestAppliance.OPERATOR_TOKEN, "X-Actor", "officer.kim"));
    }

    static List<Map<String, Object>> search(String user, String query) throws Exception {
        String payload = Api.JSON.writeValueAsString(Map.of("filter_conditions", Map.of("members", Map.of("$in", List.of(user))), "query", query));
        Api.Res r = api.as(user, "GET", "/search?payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8), null);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.list("results");
    }

    @Test
    void offSendsNothingOnSendsAndSearchesOffDropsTheIndex() throws Exception {
        String canary = "canary" + UUID.randomUUID().toString().replace("-", "");
        api.as("ann", "POST", "/channels/messaging/room/message", Map.of("message", Map.of("text", "the " + canary + " before")));
        Api.Res get = engines("GET", null);
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.obj("search_engines")).containsEntry("meilisearch", false).containsEntry("qdrant", false);
        assertThat(get.json().get("available")).isEqualTo(List.of("meilisearch"));
        Thread.sleep(500);
        assertThat(meili.received).noneMatch(b -> b.contains(canary));

        Api.Res on = engines("PATCH", Map.of("meilisearch", true));
        assertThat(on.status()).as(on.toString()).isEqualTo(200);
        assertThat(on.obj("search_engines")).containsEntry("meilisearch", true);
        api.as("ben", "POST", "/channels/messaging/room/message", Map.of("message", Map.of("text", "the quarterly figures are final")));
        // the earlier message is sent by maintenance's drain (every 30 s), the new one by its indexing job
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (search("ann", "quartrly").isEmpty()) {
            assertThat(System.nanoTime()).as("the typo is found through meilisearch").isLessThan(deadline);
            Thread.sleep(100);
        }
        assertThat(search("ann", "quartrly")).hasSize(1);

        Api.Res off = engines("PATCH", Map.of("meilisearch", false));
        assertThat(off.status()).isEqualTo(200);
        assertThat(meili.hasIndex("chatsdk-" + api.appId)).isFalse();
        assertThat(search("ann", "quartrly")).as("the built-in index has no typo tolerance").isEmpty();
        assertThat(search("ann", "quarterly")).hasSize(1);
    }

    @Test
    void hostileSwitchesAreRefused() throws Exception {
        assertThat(engines("PATCH", Map.of("qdrant", true)).code()).as("this server has no qdrant").isEqualTo("feature_disabled");
        assertThat(engines("PATCH", Map.of("meilisearch", "yes")).code()).isEqualTo("validation_error");
        assertThat(engines("PATCH", Map.of("solr", true)).code()).isEqualTo("validation_error");
        assertThat(engines("PATCH", Map.of()).code()).isEqualTo("validation_error");
        Api.Res unknown = Api.operator(appliance, "PATCH", "/admin/api/apps/00000000-0000-7000-8000-000000000000/search-engines", Map.of("meilisearch", true));
        assertThat(unknown.code()).isEqualTo("app_not_found");
        Api.Res userToken = Api.send(appliance, "GET", "/admin/api/apps/" + api.appId + "/search-engines", null, null,
                Map.of("Authorization", api.userToken("ann")));
        assertThat(userToken.status()).isEqualTo(401);
    }
}
