package io.chatsdk.appliance;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatsdk.connectors.fcm.FcmFailure;
import io.chatsdk.connectors.fcm.FcmStandIn;
import io.chatsdk.connectors.fcm.TestServiceAccount;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Mobile push on the running appliance: the app's Firebase service-account file in the credentials directory, the real
 * firebase-admin SDK inside Payara Micro, and a local FCM v1 stand-in (with Google's OAuth token exchange) on loopback
 * instead of Google's servers ({@code CHATSDK_FCM_ENDPOINT}), since those cannot be reached from here.
 */
class PushAgainstLocalFcmStandInIT {
    static TestAppliance appliance;
    static FcmStandIn fcm;

    @BeforeAll
    static void start() throws Exception {
        appliance = TestAppliance.shared();
        fcm = TestAppliance.fcm();
    }

    /** Gives {@code api}'s app a service account the stand-in trusts. */
    static TestServiceAccount credentials(Api api) throws Exception {
        TestServiceAccount account = TestServiceAccount.generate("push-" + api.appId.substring(0, 8));
        fcm.trustServiceAccount(account.clientEmail(), account.keys().getPublic());
        Path dir = appliance.dataDir.resolve("fcm");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(api.appId + ".json"), account.json());
        return account;
    }

    static List<JsonNode> pushesTo(String token) {
        return fcm.received().stream().map(FcmStandIn.Received::message).filter(m -> token.equals(m.path("token").asText())).toList();
    }

    @Test
    void offlineMembersArePushedWithAPreviewOrInHipaaModeWithNoContent() throws Exception {
        Api api = Api.newApp(appliance, "push");
        api.users("ann", "ben", "cat");
        TestServiceAccount account = credentials(api);
        // every message its own notification, so that each step below shows one
        assertThat(api.asServer("PUT", "/app/push_settings", Map.of("collapse_seconds", 0)).json())
                .containsEntry("preview", "full").containsEntry("collapse_seconds", 0);
        api.as("ann", "POST", "/channels/messaging/lunch/query", Map.of("data", Map.of("name", "lunch", "members", List.of("ann", "ben", "cat"))));
        for (String user : List.of("ann", "ben", "cat")) {
            assertThat(api.as(user, "POST", "/devices", Map.of("id", "tok-" + user + "-" + api.appId, "push_provider", "firebase")).status())
                    .isEqualTo(201);
        }
        String ben = "tok-ben-" + api.appId;
        try (WsClient cat = WsClient.connect(appliance, api.apiKey, api.userToken("cat"))) {
            cat.await("health.check", 20);   // connected: presence says cat is online

            Api.Res sent = api.as("ann", "POST", "/channels/messaging/lunch/message", Map.of("message", Map.of("text", "Lunch at noon? 🍜")));
            assertThat(sent.status()).isEqualTo(201);
            String messageId = (String) sent.obj("message").get("id");
            await().atMost(Duration.ofSeconds(20)).until(() -> pushesTo(ben).size() == 1);
            JsonNode push = pushesTo(ben).get(0);
            assertThat(push.path("notification").path("title").asText()).isEqualTo("#lunch");
            assertThat(push.path("notification").path("body").asText()).isEqualTo("User ann: Lunch at noon? 🍜");
            assertThat(push.path("data").path("cid").asText()).isEqualTo("messaging:lunch");
            assertThat(push.path("data").path("message_id").asText()).isEqualTo(messageId);
            assertThat(push.path("android").path("collapse_key").asText()).isEqualTo("messaging:lunch");
            FcmStandIn.Received received = fcm.received().stream().filter(r -> r.message() == push).findFirst().orElseThrow();
            assertThat(received.project()).isEqualTo(account.projectId());
            assertThat(received.originalHost()).isEqualTo("fcm.googleapis.com");
            // the sender and the connected member get none
            assertThat(pushesTo("tok-ann-" + api.appId)).isEmpty();
            assertThat(pushesTo("tok-cat-" + api.appId)).isEmpty();
        }

        // HIPAA mode: the deep link only
        assertThat(api.asServer("PUT", "/app/push_settings", Map.of("preview", "none")).json())
                .containsEntry("preview", "none").containsEntry("collapse_seconds", 0);
        Api.Res secret = api.as("ann", "POST", "/channels/messaging/lunch/message", Map.of("message", Map.of("text", "my diagnosis is confidential")));
        await().atMost(Duration.ofSeconds(20)).until(() -> pushesTo(ben).size() == 2);
        JsonNode hipaa = pushesTo(ben).get(1);
        assertThat(hipaa.has("notification")).isFalse();
        assertThat(hipaa.path("data").path("message_id").asText()).isEqualTo(secret.obj("message").get("id"));
        assertThat(hipaa.toString()).doesNotContain("diagnosis").doesNotContain("User ann");
    }

    /** The console's push credentials: a key uploaded through the operator API pushes, is shown masked, and its removal stops pushes. */
    @Test
    void aKeyUploadedThroughTheOperatorApiPushesAndIsNeverAnsweredAgain() throws Exception {
        Api api = Api.newApp(appliance, "push-uploaded");
        api.users("ann", "ben");
        TestServiceAccount account = TestServiceAccount.generate("uploaded-" + api.appId.substring(0, 8));
        fcm.trustServiceAccount(account.clientEmail(), account.keys().getPublic());
        String path = "/admin/api/apps/" + api.appId + "/push-credentials";
        assertThat(Api.operator(appliance, "GET", path, null).json()).containsEntry("fcm", null);
        // bad keys first: each refused naming the field, nothing stored
        Api.Res notJson = Api.send(appliance, "PUT", path + "/fcm", "{\"type\": \"service_account\", " + "x".repeat(40), "application/json",
                Map.of("Authorization", "Bearer " + TestAppliance.OPERATOR_TOKEN));
        assertThat(notJson.json()).containsEntry("field", "service_account");
        Api.Res userKey = Api.send(appliance, "PUT", path + "/fcm", account.json().replace("\"service_account\"", "\"authorized_user\""), "application/json",
                Map.of("Authorization", "Bearer " + TestAppliance.OPERATOR_TOKEN));
        assertThat(userKey.json()).containsEntry("field", "service_account.type");
        Api.Res huge = Api.send(appliance, "PUT", path + "/fcm", "{\"pad\": \"" + "x".repeat(20_000) + "\"}", "application/json",
                Map.of("Authorization", "Bearer " + TestAppliance.OPERATOR_TOKEN));
        assertThat(huge.status()).isEqualTo(413);
        assertThat(Api.send(appliance, "PUT", path + "/fcm", account.json(), "application/json", Map.of("Authorization", "Bearer forged")).status())
                .isEqualTo(401);
        assertThat(Api.operator(appliance, "GET", path, null).json()).containsEntry("fcm", null);

        Api.Res put = Api.send(appliance, "PUT", path + "/fcm", account.json(), "application/json",
                Map.of("Authorization", "Bearer " + TestAppliance.OPERATOR_TOKEN));
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        Map<String, Object> shown = Api.operator(appliance, "GET", path, null).obj("fcm");
        assertThat(shown).containsEntry("project_id", account.projectId()).containsEntry("client_email", account.clientEmail());
        assertThat((String) shown.get("private_key_id")).contains("…");
        assertThat(Api.operator(appliance, "GET", path, null).raw().body()).doesNotContain("PRIVATE KEY");

        api.asServer("PUT", "/app/push_settings", Map.of("collapse_seconds", 0));
        api.as("ann", "POST", "/channels/messaging/q/query", Map.of("data", Map.of("members", List.of("ann", "ben"))));
        String token = "tok-up-" + api.appId;
        api.asServer("POST", "/devices", Map.of("id", token, "push_provider", "firebase", "user_id", "ben"));
        assertThat(api.as("ann", "POST", "/channels/messaging/q/message", Map.of("message", Map.of("text", "from an uploaded key"))).status())
                .isEqualTo(201);
        await().atMost(Duration.ofSeconds(20)).until(() -> pushesTo(token).size() == 1);
        assertThat(fcm.received().stream().filter(r -> token.equals(r.message().path("token").asText())).findFirst().orElseThrow().project())
                .isEqualTo(account.projectId());

        // removed: no more pushes (the gateway notices within its recheck interval)
        assertThat(Api.operator(appliance, "DELETE", path + "/fcm", null).status()).isEqualTo(204);
        assertThat(Api.operator(appliance, "DELETE", path + "/fcm", null).status()).isEqualTo(404);
        Thread.sleep(FcmGateways.RECHECK.toMillis() + 1_000);
        api.as("ann", "POST", "/channels/messaging/q/message", Map.of("message", Map.of("text", "after removal")));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> pushesTo(token).size() == 1);
        assertThat(Files.readString(appliance.log)).doesNotContain(account.json().substring(account.json().indexOf("MII"), account.json().indexOf("MII") + 40));
    }

    @Test
    void unregisteredTokensAreRemovedAndTheOthersStillPushed() throws Exception {
        Api api = Api.newApp(appliance, "push-tokens");
        api.users("ann", "ben");
        credentials(api);
        api.asServer("PUT", "/app/push_settings", Map.of("collapse_seconds", 0));
        api.as("ann", "POST", "/channels/messaging/t/query", Map.of("data", Map.of("members", List.of("ann", "ben"))));
        String dead = "dead-" + api.appId;
        String live = "live-" + api.appId;
        fcm.failToken(dead, FcmFailure.UNREGISTERED);
        api.asServer("POST", "/devices", Map.of("id", dead, "push_provider", "firebase", "user_id", "ben"));
        api.asServer("POST", "/devices", Map.of("id", live, "push_provider", "firebase", "user_id", "ben"));

        api.as("ann", "POST", "/channels/messaging/t/message", Map.of("message", Map.of("text", "one")));
        await().atMost(Duration.ofSeconds(20)).until(() -> pushesTo(live).size() == 1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(api.asServer("GET", "/devices?user_id=ben", null).list("devices"))
                .extracting(d -> d.get("id")).containsExactly(live));
        assertThat(fcm.attemptsFor(dead)).isEqualTo(1);
    }

    @Test
    void anAppWithoutOrWithBrokenCredentialsSendsNoPushAndLogsNoKey() throws Exception {
        Api none = Api.newApp(appliance, "no-push");
        Api broken = Api.newApp(appliance, "broken-push");
        Files.createDirectories(appliance.dataDir.resolve("fcm"));
        String leaked = "PRIVATE-KEY-MATERIAL-" + broken.appId;
        Files.writeString(appliance.dataDir.resolve("fcm").resolve(broken.appId + ".json"), "{\"type\": \"service_account\", " + leaked);
        for (Api api : List.of(none, broken)) {
            api.users("ann", "ben");
            api.asServer("PUT", "/app/push_settings", Map.of("collapse_seconds", 0));
            api.as("ann", "POST", "/channels/messaging/q/query", Map.of("data", Map.of("members", List.of("ann", "ben"))));
            api.asServer("POST", "/devices", Map.of("id", "tok-" + api.appId, "push_provider", "firebase", "user_id", "ben"));
            assertThat(api.as("ann", "POST", "/channels/messaging/q/message", Map.of("message", Map.of("text", "hello?"))).status()).isEqualTo(201);
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> Files.readString(appliance.log).contains("no push for app " + broken.appId));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() ->
                pushesTo("tok-" + none.appId).isEmpty() && pushesTo("tok-" + broken.appId).isEmpty());
        assertThat(Files.readString(appliance.log)).doesNotContain(leaked);
    }

    @Test
    void pushSettingsAreValidatedAndServerOnly() throws Exception {
        Api api = Api.newApp(appliance, "push-settings");
        api.users("ann");
        assertThat(api.asServer("GET", "/app/push_settings", null).json()).containsEntry("preview", "full").containsEntry("collapse_seconds", 10);
        assertThat(api.as("ann", "PUT", "/app/push_settings", Map.of("preview", "none")).status()).isEqualTo(403);
        Api.Res badPreview = api.asServer("PUT", "/app/push_settings", Map.of("preview", "partial"));
        assertThat(badPreview.status()).isEqualTo(400);
        assertThat(badPreview.json()).containsEntry("code", "validation_error").containsEntry("field", "preview");
        assertThat(api.asServer("PUT", "/app/push_settings", Map.of("collapse_seconds", 99_999)).json()).containsEntry("field", "collapse_seconds");
        assertThat(api.asServer("PUT", "/app/push_settings", Map.of("collapse_seconds", "ten")).status()).isEqualTo(400);
        assertThat(api.asServer("PUT", "/app/push_settings", Map.of("sound", "loud")).status()).isEqualTo(400);
        // nothing half-written: the settings are unchanged
        assertThat(api.asServer("GET", "/app/push_settings", null).json()).containsEntry("preview", "full").containsEntry("collapse_seconds", 10);
    }
}
