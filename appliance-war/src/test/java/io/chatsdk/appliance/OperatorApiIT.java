package io.chatsdk.appliance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The operator API at /admin/api, guarded by the operator token. */
class OperatorApiIT {
    static TestAppliance appliance;

    @BeforeAll
    static void start() throws Exception {
        appliance = TestAppliance.shared();
    }

    @Test
    void createListGetDisableEnable() throws Exception {
        Api.Res created = Api.operator(appliance, "POST", "/admin/api/apps", Map.of("name", "Acme"));
        assertThat(created.status()).isEqualTo(201);
        String id = (String) created.obj("app").get("id");
        assertThat(created.json()).containsKeys("api_key", "api_secret");
        assertThat(created.obj("app")).doesNotContainKey("api_secret");
        assertThat(Api.operator(appliance, "GET", "/admin/api/apps", null).list("apps")).anySatisfy(a -> assertThat(a).containsEntry("id", id));
        assertThat(Api.operator(appliance, "GET", "/admin/api/apps/" + id, null).obj("app")).containsEntry("name", "Acme");
        assertThat(Api.operator(appliance, "POST", "/admin/api/apps/" + id + "/disable", null).obj("app")).containsEntry("disabled", true);
        assertThat(Api.operator(appliance, "POST", "/admin/api/apps/" + id + "/enable", null).obj("app")).containsEntry("disabled", false);
        assertThat(Api.operator(appliance, "GET", "/admin/api/apps/not-a-uuid", null).code()).isEqualTo("validation_error");
        assertThat(Api.operator(appliance, "GET", "/admin/api/apps/00000000-0000-7000-8000-000000000000", null).code()).isEqualTo("app_not_found");
        assertThat(Api.operator(appliance, "POST", "/admin/api/apps", Map.of("name", "x", "plan", "gold")).code()).isEqualTo("unknown_field");
        assertThat(Api.operator(appliance, "POST", "/admin/api/apps/" + id + "/rotate-secret", Map.of("grace_seconds", -1)).code()).isEqualTo("validation_error");
    }

    @Test
    void wrongOrMissingOperatorToken() throws Exception {
        Api.Res none = Api.send(appliance, "GET", "/admin/api/apps", null, null, Map.of());
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.code()).isEqualTo("operator_token_invalid");
        Api.Res wrong = Api.send(appliance, "GET", "/admin/api/apps", null, null, Map.of("Authorization", "Bearer wrong-token-wrong-token"));
        assertThat(wrong.status()).isEqualTo(401);
        // an app's server token is not an operator token
        Api app = Api.newApp(appliance, "not-an-operator");
        Api.Res server = Api.send(appliance, "GET", "/admin/api/apps", null, null, Map.of("Authorization", "Bearer " + app.serverToken()));
        assertThat(server.status()).isEqualTo(401);
    }

    @Test
    void healthMetricsAndOpenApi() throws Exception {
        Api.Res ready = Api.send(appliance, "GET", "/health/ready", null, null, Map.of());
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.raw().body()).contains("\"database\"").contains("UP");
        assertThat(Api.send(appliance, "GET", "/health/live", null, null, Map.of()).status()).isEqualTo(200);
        Api app = Api.newApp(appliance, "metrics");
        app.users("m");
        app.as("m", "POST", "/channels/messaging/metrics/query", Map.of());
        app.as("m", "POST", "/channels/messaging/metrics/message", Map.of("message", Map.of("text", "count me")));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(Api.send(appliance, "GET", "/metrics?scope=application", null, null, Map.of()).raw().body())
                        .contains("chatsdk_events_total").contains("message.new"));
        String openapi = Api.send(appliance, "GET", "/openapi", null, null, Map.of()).raw().body();
        assertThat(openapi).contains("/api/v1/channels/{type}/{id}/message").contains("/api/v1/messages/{id}/reaction")
                .contains("/admin/api/apps/{id}/rotate-secret").contains("ChatSDK API");
    }
}
