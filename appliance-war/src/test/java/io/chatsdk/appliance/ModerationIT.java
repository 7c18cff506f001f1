package io.chatsdk.appliance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Moderation over REST and WebSocket on the running appliance: a shadow-banned user's messages reach nobody else by any
 * path (REST reads, channel queries, sync, WebSocket events), bans reach the banned user's connections, denials name
 * the missing permission, slow mode answers 429 with Retry-After, and blocklists are managed and enforced.
 */
class ModerationIT {
    static TestAppliance appliance;
    static Api api;

    @BeforeAll
    static void start() throws Exception {
        appliance = TestAppliance.shared();
        api = Api.newApp(appliance, "moderation");
        api.users("alice", "bob", "troll", "mod");
        api.asServer("POST", "/users", Map.of("users", Map.of("mod", Map.of("id", "mod", "role", "moderator"))));
        api.as("alice", "POST", "/channels/messaging/mod-room/query", Map.of("data", Map.of("members", List.of("alice", "bob", "troll", "mod"))));
    }

    @Test
    void shadowBannedMessagesLeakThroughNoPath() throws Exception {
        assertThat(api.as("bob", "POST", "/moderation/ban", Map.of("target_user_id", "troll", "shadow", true)).raw().body()).contains("ban-user");
        assertThat(api.as("mod", "POST", "/moderation/ban", Map.of("target_user_id", "troll", "shadow", true)).status()).isEqualTo(201);
        try (WsClient bob = WsClient.connect(appliance, api.apiKey, api.userToken("bob"));
             WsClient troll = WsClient.connect(appliance, api.apiKey, api.userToken("troll"))) {
            bob.await("health.check", 10);
            troll.await("health.check", 10);
            Api.Res sent = api.as("troll", "POST", "/channels/messaging/mod-room/message", Map.of("message", Map.of("text", "shadow-secret")));
            assertThat(sent.status()).isEqualTo(201);
            assertThat(sent.obj("message")).containsEntry("shadowed", true);
            String id = (String) sent.obj("message").get("id");
            assertThat(troll.await(e -> "message.new".equals(e.get("type")), 10).toString()).contains("shadow-secret");
            Api.Res visible = api.as("alice", "POST", "/channels/messaging/mod-room/message", Map.of("message", Map.of("text", "after the shadow")));
            bob.await(e -> "message.new".equals(e.get("type")) && e.toString().contains("after the shadow"), 10);
            assertThat(bob.seen.toString()).doesNotContain("shadow-secret");

            assertThat(api.as("bob", "GET", "/messages/" + id, null).status()).isEqualTo(404);
            assertThat(api.as("bob", "GET", "/channels/messaging/mod-room/messages?limit=50", null).raw().body()).doesNotContain("shadow-secret");
            assertThat(api.as("bob", "POST", "/channels/messaging/mod-room/query", Map.of()).raw().body()).doesNotContain("shadow-secret");
            assertThat(api.as("bob", "POST", "/sync", Map.of("channels", Map.of("messaging:mod-room", 0))).raw().body()).doesNotContain("shadow-secret");
            assertThat(api.as("troll", "GET", "/messages/" + id, null).raw().body()).contains("shadow-secret");
            assertThat(visible.status()).isEqualTo(201);
        }
    }

    @Test
    void customEventsCannotChooseTheirAudienceOrCarryMessages() throws Exception {
        api.users("outsider");
        try (WsClient alice = WsClient.connect(appliance, api.apiKey, api.userToken("alice"));
             WsClient bob = WsClient.connect(appliance, api.apiKey, api.userToken("bob"));
             WsClient outsider = WsClient.connect(appliance, api.apiKey, api.userToken("outsider"))) {
            alice.await("health.check", 10);
            bob.await("health.check", 10);
            outsider.await("health.check", 10);
            alice.send(Map.of("type", "custom", "cid", "messaging:mod-room", "event", Map.of("type", "nudge", "recipient_ids", List.of("outsider"),
                    "member_ids", List.of("outsider"), "message", Map.of("user_id", "troll", "shadowed", true), "note", "hello")));
            Map<String, Object> nudge = bob.await("nudge", 10);
            assertThat(nudge).containsEntry("note", "hello").doesNotContainKeys("recipient_ids", "member_ids", "message");
            alice.send(Map.of("type", "custom", "cid", "messaging:mod-room", "event", Map.of("type", "marker")));
            bob.await("marker", 10);
            Thread.sleep(300);
            assertThat(outsider.seen.toString()).doesNotContain("nudge");
        }
    }

    @Test
    void bansReachTheBannedUsersConnectionsAndStopSends() throws Exception {
        api.users("victim");
        api.as("alice", "POST", "/channels/messaging/ban-room/query", Map.of("data", Map.of("members", List.of("alice", "victim", "mod"))));
        api.asServer("PATCH", "/channels/messaging/ban-room/member/mod", Map.of("set", Map.of("channel_role", "moderator")));
        try (WsClient victim = WsClient.connect(appliance, api.apiKey, api.userToken("victim"))) {
            victim.await("health.check", 10);
            Api.Res denied = api.as("victim", "POST", "/moderation/ban", Map.of("target_user_id", "alice", "type", "messaging", "id", "ban-room"));
            assertThat(denied.status()).isEqualTo(403);
            assertThat(denied.raw().body()).contains("ban-channel-member");
            Api.Res ban = api.as("alice", "POST", "/moderation/ban", Map.of("target_user_id", "victim", "type", "messaging", "id", "ban-room",
                    "timeout", 60, "reason", "spam"));
            assertThat(ban.status()).isEqualTo(201);
            Map<String, Object> event = victim.await("user.banned", 10);
            assertThat(event).containsEntry("cid", "messaging:ban-room").containsEntry("reason", "spam");
            Api.Res refused = api.as("victim", "POST", "/channels/messaging/ban-room/message", Map.of("message", Map.of("text", "let me in")));
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.code()).isEqualTo("user_banned");
            assertThat(api.as("alice", "GET", "/moderation/bans?type=messaging&id=ban-room", null).list("bans"))
                    .singleElement().satisfies(b -> assertThat(b.get("user")).isEqualTo(Map.of("id", "victim")));
            assertThat(api.as("alice", "DELETE", "/moderation/ban?target_user_id=victim&type=messaging&id=ban-room", null).status()).isEqualTo(200);
            victim.await("user.unbanned", 10);
            assertThat(api.as("victim", "POST", "/channels/messaging/ban-room/message", Map.of("message", Map.of("text", "back"))).status()).isEqualTo(201);
        }
    }

    @Test
    void slowModeAnswers429WithRetryAfterAndBadInputIsNamed() throws Exception {
        api.as("alice", "POST", "/channels/messaging/slow/query", Map.of("data", Map.of("members", List.of("alice", "bob"))));
        assertThat(api.as("bob", "POST", "/moderation/slow_mode", Map.of("cid", "messaging:slow", "cooldown", 30)).raw().body()).contains("update-channel");
        assertThat(api.as("alice", "POST", "/moderation/slow_mode", Map.of("cid", "messaging:slow", "cooldown", 500)).json()).containsEntry("field", "cooldown");
        assertThat(api.as("alice", "POST", "/moderation/slow_mode", Map.of("cid", "messaging:slow", "cooldown", 30)).status()).isEqualTo(200);
        assertThat(api.as("bob", "POST", "/channels/messaging/slow/message", Map.of("message", Map.of("text", "one"))).status()).isEqualTo(201);
        Api.Res second = api.as("bob", "POST", "/channels/messaging/slow/message", Map.of("message", Map.of("text", "two")));
        assertThat(second.status()).isEqualTo(429);
        assertThat(second.code()).isEqualTo("slow_mode");
        assertThat(Integer.parseInt(second.header("Retry-After"))).isBetween(1, 30);
        assertThat(api.as("bob", "POST", "/moderation/flag", Map.of("target_message_id", "m", "target_user_id", "u")).json())
                .containsEntry("field", "target_message_id");
        assertThat(api.as("bob", "POST", "/moderation/mute", Map.of("target_id", "alice", "user_id", "carol")).status()).isEqualTo(403);
        assertThat(api.as("bob", "POST", "/moderation/ban", Map.of("target_user_id", "alice", "type", "messaging")).json()).containsEntry("field", "id");
        assertThat(api.as("bob", "POST", "/moderation/flags/not-a-uuid/review", Map.of("action", "dismiss")).json()).containsEntry("field", "id");
    }

    @Test
    void blocklistsAreManagedByModeratorsAndEnforced() throws Exception {
        Map<String, Object> list = Map.of("behavior", "block", "words", List.of("forbidden"), "channel_types", List.of("messaging"));
        assertThat(api.as("bob", "PUT", "/moderation/blocklists/rules", list).raw().body()).contains("manage-blocklists");
        assertThat(api.as("mod", "PUT", "/moderation/blocklists/rules", list).status()).isEqualTo(200);
        assertThat(api.as("mod", "PUT", "/moderation/blocklists/bad", Map.of("behavior", "block", "patterns", List.of("(unclosed"))).json())
                .containsEntry("field", "patterns[0]");
        Api.Res blocked = api.as("bob", "POST", "/channels/messaging/mod-room/message", Map.of("message", Map.of("text", "ｆｏｒｂｉｄｄｅｎ thing")));
        assertThat(blocked.status()).isEqualTo(400);
        assertThat(blocked.code()).isEqualTo("blocklisted");
        assertThat(blocked.json()).containsEntry("field", "text");
        assertThat(api.asServer("GET", "/moderation/blocklists", null).list("blocklists")).anySatisfy(b -> assertThat(b).containsEntry("name", "rules"));
        assertThat(api.asServer("DELETE", "/moderation/blocklists/rules", null).status()).isEqualTo(200);
        assertThat(api.as("bob", "POST", "/channels/messaging/mod-room/message", Map.of("message", Map.of("text", "forbidden no more"))).status())
                .isEqualTo(201);
    }
}
