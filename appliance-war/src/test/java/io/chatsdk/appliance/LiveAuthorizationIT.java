package io.chatsdk.appliance;

import io.chatsdk.jakarta.Tokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Open WebSockets follow what would refuse a new connection, within seconds: the token's expiry, revocation of the
 * user's or the app's tokens, deactivation, a disabled app, a rotated secret past its grace; and a removed member's
 * watch of a private channel ends.
 */
class LiveAuthorizationIT {
    static TestAppliance appliance;

    @BeforeAll
    static void start() throws Exception {
        appliance = TestAppliance.shared();
    }

    private static WsClient open(Api api, String token) throws Exception {
        WsClient c = WsClient.connect(appliance, api.apiKey, token);
        c.await("health.check", 10);
        return c;
    }

    @Test
    void aSocketDoesNotOutliveItsToken() throws Exception {
        Api api = Api.newApp(appliance, "live-exp");
        api.users("ann");
        try (WsClient ann = open(api, Tokens.user(api.secret, "ann", Instant.now(), Instant.now().plusSeconds(3)))) {
            assertThat(ann.closeCode(15)).isEqualTo(4401);
            assertThat(ann.closeReason).startsWith("token_expired");
        }
    }

    @Test
    void deactivationAndRevokedUserTokensCloseTheUsersSockets() throws Exception {
        Api api = Api.newApp(appliance, "live-user");
        api.users("ann", "ben", "cat");
        try (WsClient ann = open(api, api.userToken("ann")); WsClient ben = open(api, api.userToken("ben"));
             WsClient cat = open(api, api.userToken("cat"))) {
            // a token issued before the revocation (one minted in a later second than it is valid, rightly)
            String bensEarlierToken = api.userToken("ben");
            Thread.sleep(1_100);
            assertThat(api.asServer("POST", "/users/ann/deactivate", null).status()).isEqualTo(200);
            assertThat(ann.closeCode(10)).isEqualTo(4403);
            assertThat(ann.closeReason).startsWith("user_deactivated");
            // the event itself came first: the hub closes a user's sockets only after their writing thread has had it
            assertThat(ann.seen).anyMatch(e -> "user.deactivated".equals(e.get("type")));
            assertThat(api.asServer("POST", "/users/ben/revoke_tokens", Map.of()).status()).isEqualTo(200);
            assertThat(ben.closeCode(10)).isEqualTo(4401);
            assertThat(ben.closeReason).startsWith("token_revoked");
            assertThat(api.call("GET", "/unread", null, bensEarlierToken).code()).isEqualTo("token_revoked");
            // the others stay
            assertThat(cat.closed).isNotDone();
            assertThat(api.asServer("POST", "/users/ben/revoke_tokens", Map.of("before", "yesterday")).code()).isEqualTo("validation_error");
            assertThat(api.as("cat", "POST", "/users/ben/revoke_tokens", Map.of()).code()).isEqualTo("server_only");
        }
    }

    @Test
    void anErasedUsersSocketsClose() throws Exception {
        Api api = Api.newApp(appliance, "live-erase");
        api.users("dan", "eve");
        try (WsClient dan = open(api, api.userToken("dan")); WsClient eve = open(api, api.userToken("eve"))) {
            assertThat(Api.operator(appliance, "POST", "/admin/api/apps/" + api.appId + "/compliance/users/dan/erase", Map.of("mode", "delete"))
                    .status()).isEqualTo(200);
            assertThat(dan.closeCode(10)).isEqualTo(4403);
            assertThat(dan.closeReason).startsWith("user_deactivated");
            assertThat(api.call("GET", "/unread", null, api.userToken("dan")).code()).isEqualTo("user_deactivated");
            assertThat(eve.closed).isNotDone();
        }
    }

    @Test
    void appRevocationDisablingAndSecretRotationCloseTheAppsSockets() throws Exception {
        Api revoked = Api.newApp(appliance, "live-revoke");
        Api disabled = Api.newApp(appliance, "live-disable");
        Api rotated = Api.newApp(appliance, "live-rotate");
        Api bystander = Api.newApp(appliance, "live-bystander");
        for (Api a : List.of(revoked, disabled, rotated, bystander)) {
            a.users("ann");
        }
        try (WsClient r = open(revoked, revoked.userToken("ann")); WsClient d = open(disabled, disabled.userToken("ann"));
             WsClient s = open(rotated, rotated.userToken("ann")); WsClient b = open(bystander, bystander.userToken("ann"))) {
            assertThat(Api.operator(appliance, "POST", "/admin/api/apps/" + revoked.appId + "/revoke-tokens", Map.of()).status()).isEqualTo(200);
            assertThat(Api.operator(appliance, "POST", "/admin/api/apps/" + disabled.appId + "/disable", null).status()).isEqualTo(200);
            assertThat(Api.operator(appliance, "POST", "/admin/api/apps/" + rotated.appId + "/rotate-secret", Map.of("grace_seconds", 1)).status())
                    .isEqualTo(200);
            assertThat(r.closeCode(15)).isEqualTo(4401);
            assertThat(r.closeReason).startsWith("token_revoked");
            assertThat(d.closeCode(15)).isEqualTo(4403);
            assertThat(d.closeReason).startsWith("app_disabled");
            assertThat(s.closeCode(15)).isEqualTo(4401);
            assertThat(s.closeReason).startsWith("token_signature_invalid");
            assertThat(b.closed).isNotDone();
        }
    }

    @Test
    void theOldSecretStopsAtTheEndOfItsGraceOnANodeThatCachedIt() throws Exception {
        Api api = Api.newApp(appliance, "live-grace");
        api.users("ann");
        String old = api.userToken("ann");   // signed with the secret the rotation replaces
        Api.Res rotated = Api.operator(appliance, "POST", "/admin/api/apps/" + api.appId + "/rotate-secret", Map.of("grace_seconds", 5));
        assertThat(rotated.status()).isEqualTo(200);
        java.time.Instant graceEnds = java.time.Instant.parse((String) rotated.json().get("previous_secret_valid_until"));
        // during the grace: accepted, and the app (with its previous secret) is now in this node's 10 s cache
        assertThat(api.call("GET", "/unread", null, old).status()).isEqualTo(200);
        Thread.sleep(Math.max(0, java.time.Duration.between(java.time.Instant.now(), graceEnds).toMillis()) + 1000);
        // past the grace, within the cache's lifetime (until 2026-12-06 the old secret counted until the entry expired)
        assertThat(api.call("GET", "/unread", null, old).code()).isEqualTo("token_signature_invalid");
    }

    @Test
    void aRemovedMemberStopsWatchingAPrivateChannel() throws Exception {
        Api api = Api.newApp(appliance, "live-member");
        api.users("ann", "ben");
        api.asServer("POST", "/channels/messaging/secret/query", Map.of("data", Map.of("members", List.of("ann", "ben"), "created_by_id", "ann")));
        try (WsClient ben = open(api, api.userToken("ben"))) {
            ben.send(Map.of("type", "channel.watch", "cid", "messaging:secret"));
            api.as("ann", "POST", "/channels/messaging/secret/message", Map.of("message", Map.of("text", "before")));
            ben.await("message.new", 10);
            api.as("ann", "POST", "/channels/messaging/secret", Map.of("remove_members", List.of("ben")));
            ben.await("notification.removed_from_channel", 10);
            Thread.sleep(1000);   // the watch is re-checked off the fan-out thread
            api.as("ann", "POST", "/channels/messaging/secret/message", Map.of("message", Map.of("id", "after-removal", "text", "after")));
            // a marker in another channel of ben's shows that everything before it was delivered
            api.asServer("POST", "/channels/messaging/marker/query", Map.of("data", Map.of("members", List.of("ann", "ben"), "created_by_id", "ann")));
            api.as("ann", "POST", "/channels/messaging/marker/message", Map.of("message", Map.of("text", "marker")));
            ben.await(e -> "messaging:marker".equals(e.get("cid")) && List.of("message.new", "notification.message_new").contains(e.get("type")), 10);
            assertThat(ben.seen.toString()).doesNotContain("after-removal");
        }
    }

    @Test
    void theTokenMayComeInTheFirstFrameInsteadOfTheUrl() throws Exception {
        Api api = Api.newApp(appliance, "live-frame");
        api.users("ann");
        String frame = Api.JSON.writeValueAsString(Map.of("type", "authorization", "token", api.userToken("ann")));
        try (WsClient ann = WsClient.connectWithFirstFrame(appliance, api.apiKey, frame)) {
            assertThat(ann.await("health.check", 10).get("me")).asString().contains("id=ann");
        }
        // a forged token in the frame, a first frame that is not the token, and silence are all refused
        String forged = Api.JSON.writeValueAsString(Map.of("type", "authorization", "token", Tokens.user("not-the-secret-not-the-secret-0000", "ann",
                Instant.now(), Instant.now().plusSeconds(60))));
        try (WsClient c = WsClient.connectWithFirstFrame(appliance, api.apiKey, forged)) {
            assertThat(c.closeCode(10)).isEqualTo(4401);
            assertThat(c.closeReason).startsWith("token_signature_invalid");
        }
        try (WsClient c = WsClient.connectWithFirstFrame(appliance, api.apiKey, "{\"type\":\"health.check\"}")) {
            assertThat(c.closeCode(10)).isEqualTo(4401);
            assertThat(c.closeReason).startsWith("token_missing");
        }
        try (WsClient c = WsClient.connectWithFirstFrame(appliance, api.apiKey, null)) {
            c.stopPinging();
            assertThat(c.closeCode(15)).isEqualTo(4401);
            assertThat(c.closeReason).startsWith("token_missing");
        }
    }
}
