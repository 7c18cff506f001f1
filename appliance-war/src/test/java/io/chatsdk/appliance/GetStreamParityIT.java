package io.chatsdk.appliance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls written from GetStream's published REST documentation, as a team migrating from GetStream would write them,
 * against the running appliance: send event, update message with the whole message object, query users by
 * {@code payload}, server-side ban with {@code banned_by_id}, sync by {@code channel_cids} with {@code watch} and
 * {@code with_inaccessible_cids}, and the connect payload's own user. Each good call sits beside the bad ones.
 */
class GetStreamParityIT {
    static TestAppliance appliance;
    static Api api;
    static Api other;

    @BeforeAll
    static void start() throws Exception {
        appliance = TestAppliance.shared();
        api = Api.newApp(appliance, "parity");
        other = Api.newApp(appliance, "parity-other");
        api.users("ann", "ben", "cat", "mod");
        other.users("ann");
        Api.Res c = api.as("ann", "POST", "/channels/messaging/p1/query", Map.of("data", Map.of("members", List.of("ann", "ben"))));
        assertThat(c.status()).isEqualTo(200);
    }

    // "Send event": POST /channels/{type}/{id}/event with {"event": {"type": "typing.start"}} and custom events.
    @Test
    void sendEventDeliversTypingAndCustomEvents() throws Exception {
        try (WsClient ben = WsClient.connect(appliance, api.apiKey, api.userToken("ben"))) {
            ben.await("health.check", 10);
            Api.Res typing = api.as("ann", "POST", "/channels/messaging/p1/event", Map.of("event", Map.of("type", "typing.start")));
            assertThat(typing.status()).as(typing.toString()).isEqualTo(201);
            assertThat(typing.obj("event")).containsEntry("type", "typing.start").containsEntry("cid", "messaging:p1").containsEntry("user_id", "ann");
            assertThat(ben.await("typing.start", 10)).containsEntry("user_id", "ann");
            assertThat(api.as("ann", "POST", "/channels/messaging/p1/event", Map.of("event", Map.of("type", "typing.stop"))).status()).isEqualTo(201);
            assertThat(ben.await("typing.stop", 10)).containsEntry("user_id", "ann");

            // server side: the user is named in the event
            Api.Res custom = api.asServer("POST", "/channels/messaging/p1/event", Map.of("event", Map.of("type", "friendship_request",
                    "user_id", "ann", "text", "hey")));
            assertThat(custom.status()).as(custom.toString()).isEqualTo(201);
            Map<String, Object> got = ben.await("friendship_request", 10);
            assertThat(got).containsEntry("user_id", "ann").containsEntry("text", "hey").containsEntry("cid", "messaging:p1");
        }
    }

    @Test
    void sendEventRefusesWhatItMust() throws Exception {
        // a built-in type cannot be forged
        Api.Res forged = api.as("ann", "POST", "/channels/messaging/p1/event", Map.of("event", Map.of("type", "message.new", "text", "x")));
        assertThat(forged.status()).isEqualTo(400);
        assertThat(forged.code()).isEqualTo("validation_error");
        // a user token cannot speak for another user
        Api.Res impersonate = api.as("ann", "POST", "/channels/messaging/p1/event", Map.of("event", Map.of("type", "typing.start", "user_id", "ben")));
        assertThat(impersonate.status()).isEqualTo(403);
        // a server token must name the user, who must exist in this app
        assertThat(api.asServer("POST", "/channels/messaging/p1/event", Map.of("event", Map.of("type", "typing.start"))).code())
                .isEqualTo("validation_error");
        assertThat(api.asServer("POST", "/channels/messaging/p1/event", Map.of("event", Map.of("type", "typing.start", "user_id", "nobody"))).code())
                .isEqualTo("user_not_found");
        // not a member: no typing in someone else's channel
        assertThat(api.as("cat", "POST", "/channels/messaging/p1/event", Map.of("event", Map.of("type", "typing.start"))).status()).isEqualTo(403);
        // another app's user and channel do not resolve
        assertThat(other.as("ann", "POST", "/channels/messaging/p1/event", Map.of("event", Map.of("type", "typing.start"))).code())
                .isEqualTo("channel_not_found");
        // envelope and field shapes
        assertThat(api.as("ann", "POST", "/channels/messaging/p1/event", Map.of("evnt", Map.of("type", "typing.start"))).code()).isEqualTo("unknown_field");
        assertThat(api.as("ann", "POST", "/channels/messaging/p1/event", Map.of("event", Map.of())).code()).isEqualTo("validation_error");
        assertThat(api.as("ann", "POST", "/channels/messaging/p1/event", Map.of("event", Map.of("type", "typing.start", "parent_id", "<script>"))).code())
                .isEqualTo("validation_error");
        Api.Res broken = Api.send(appliance, "POST", api.withKey("/channels/messaging/p1/event"), "{\"event\": {\"type\": \"typing.st",
                "application/json", Map.of("Authorization", api.userToken("ann")));
        assertThat(broken.code()).isEqualTo("malformed_json");
    }

    // "Update message": the client sends back the message object it holds, with its read-only fields.
    @Test
    void updateMessageAcceptsTheWholeMessageObjectItWasGiven() throws Exception {
        Api.Res sent = api.as("ann", "POST", "/channels/messaging/p1/message", Map.of("message", Map.of("id", "upd-1", "text", "first")));
        assertThat(sent.status()).isEqualTo(201);
        Map<String, Object> held = new LinkedHashMap<>(sent.obj("message"));
        held.put("user", Map.of("id", "ann", "name", "a stale name"));
        held.put("text", "second");
        held.put("pinned", true);
        Api.Res updated = api.as("ann", "POST", "/messages/upd-1", Map.of("message", held));
        assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
        assertThat(updated.obj("message")).containsEntry("text", "second").containsEntry("seq", held.get("seq")).containsEntry("pinned", true);
        assertThat(updated.obj("message")).containsEntry("created_at", held.get("created_at"));

        // read-only fields that would change something are refused, naming the field, and nothing is written
        for (Map.Entry<String, Object> change : List.<Map.Entry<String, Object>>of(Map.entry("seq", 99), Map.entry("user_id", "ben"),
                Map.entry("cid", "messaging:other"), Map.entry("created_at", "2020-01-01T00:00:00Z"), Map.entry("id", "upd-2"),
                Map.entry("user", Map.of("id", "ben")), Map.entry("type", "system"), Map.entry("parent_id", "upd-0"))) {
            Map<String, Object> bad = new LinkedHashMap<>(updated.obj("message"));
            bad.put("text", "third");
            bad.put(change.getKey(), change.getValue());
            Api.Res r = api.as("ann", "POST", "/messages/upd-1", Map.of("message", bad));
            assertThat(r.status()).as(change.getKey() + ": " + r).isEqualTo(400);
            assertThat(r.code()).isEqualTo("validation_error");
            assertThat(r.json().get("field")).isEqualTo("message." + change.getKey());
        }
        assertThat(api.as("ann", "GET", "/messages/upd-1", null).obj("message")).containsEntry("text", "second");
        // someone else's message stays theirs
        Map<String, Object> asBen = new LinkedHashMap<>(updated.obj("message"));
        asBen.put("text", "ben was here");
        assertThat(api.as("ben", "POST", "/messages/upd-1", Map.of("message", asBen)).status()).isEqualTo(403);
        // another app cannot reach it
        assertThat(other.as("ann", "POST", "/messages/upd-1", Map.of("message", Map.of("text", "x"))).code()).isEqualTo("message_not_found");
    }

    // "Query users": GET /users?payload={"filter_conditions": ..., "sort": ..., "limit": ...}
    @Test
    void queryUsersByPayload() throws Exception {
        String payload = "{\"filter_conditions\":{\"id\":{\"$in\":[\"ann\",\"ben\",\"cat\"]}},\"sort\":[{\"field\":\"id\",\"direction\":-1}],"
                + "\"limit\":2,\"presence\":true}";
        Api.Res r = api.as("ben", "GET", "/users?payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8), null);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.list("users")).extracting(u -> u.get("id")).containsExactly("cat", "ben");
        assertThat(r.list("users").get(0)).containsKey("online");

        assertThat(api.as("ben", "GET", "/users", null).code()).isEqualTo("validation_error");
        assertThat(api.as("ben", "GET", "/users?payload=" + URLEncoder.encode("{\"filter_conditions\":", StandardCharsets.UTF_8), null).code())
                .isEqualTo("malformed_json");
        assertThat(api.as("ben", "GET", "/users?payload=" + URLEncoder.encode("{\"filters\":{}}", StandardCharsets.UTF_8), null).code())
                .isEqualTo("unknown_field");
        // the other app's ann is not this app's
        Api.Res mine = other.as("ann", "GET", "/users?payload=" + URLEncoder.encode("{\"filter_conditions\":{}}", StandardCharsets.UTF_8), null);
        assertThat(mine.list("users")).extracting(u -> u.get("id")).containsExactly("ann");
    }

    // "Ban": server side, {"target_user_id": ..., "banned_by_id": ..., "type"?, "id"?, "reason"?, "timeout"?}
    @Test
    void serverSideBanWithBannedById() throws Exception {
        api.asServer("POST", "/channels/messaging/banroom/query", Map.of("data", Map.of("members", List.of("ann", "ben", "cat"), "created_by_id", "ann")));
        Api.Res ban = api.asServer("POST", "/moderation/ban", Map.of("target_user_id", "cat", "banned_by_id", "mod", "type", "messaging",
                "id", "banroom", "reason", "spam", "timeout", 60));
        assertThat(ban.status()).as(ban.toString()).isEqualTo(201);
        assertThat(ban.obj("ban")).containsEntry("banned_by", "mod");
        Api.Res bans = api.asServer("GET", "/moderation/bans?type=messaging&id=banroom", null);
        assertThat(bans.list("bans")).anySatisfy(b -> assertThat(b).containsEntry("banned_by", "mod"));
        Api.Res send = api.as("cat", "POST", "/channels/messaging/banroom/message", Map.of("message", Map.of("text", "hi")));
        assertThat(send.code()).isEqualTo("user_banned");

        Api.Res appWide = api.asServer("POST", "/moderation/ban", Map.of("target_user_id", "cat", "banned_by", Map.of("id", "mod")));
        assertThat(appWide.status()).isEqualTo(201);
        assertThat(api.asServer("GET", "/moderation/bans", null).list("bans")).anySatisfy(b -> assertThat(b)
                .containsEntry("banned_by", "mod").containsEntry("user", Map.of("id", "cat")));
        assertThat(api.asServer("DELETE", "/moderation/ban?target_user_id=cat", null).status()).isEqualTo(200);

        // banned_by_id must be a user of this app; a user cannot ban in another's name
        assertThat(api.asServer("POST", "/moderation/ban", Map.of("target_user_id", "cat", "banned_by_id", "ghost")).code()).isEqualTo("user_not_found");
        assertThat(other.asServer("POST", "/moderation/ban", Map.of("target_user_id", "ann", "banned_by_id", "mod")).code()).isEqualTo("user_not_found");
        assertThat(api.as("ann", "POST", "/moderation/ban", Map.of("target_user_id", "cat", "banned_by_id", "mod", "type", "messaging",
                "id", "banroom")).status()).isEqualTo(403);
        assertThat(api.asServer("POST", "/moderation/ban", Map.of("target_user_id", "cat", "banned_by_id", "bad id!")).code()).isEqualTo("validation_error");
    }

    // "Sync": {"channel_cids": [...], "last_sync_at": ..., "watch": true, "with_inaccessible_cids": true}
    @Test
    void syncByChannelCidsWatchesAndListsInaccessibleChannels() throws Exception {
        api.asServer("POST", "/channels/messaging/s1/query", Map.of("data", Map.of("members", List.of("ann", "ben"), "created_by_id", "ann")));
        api.asServer("POST", "/channels/messaging/s2/query", Map.of("data", Map.of("members", List.of("ann"), "created_by_id", "ann")));
        api.as("ann", "POST", "/channels/messaging/s1/message", Map.of("message", Map.of("id", "s1-old", "text", "before")));
        api.as("ann", "POST", "/channels/messaging/s1/message", Map.of("message", Map.of("id", "s1-gone", "text", "to delete")));
        Thread.sleep(20);
        Instant lastSync = Instant.now();
        Thread.sleep(20);
        api.as("ann", "POST", "/channels/messaging/s1/message", Map.of("message", Map.of("id", "s1-new", "text", "after")));
        api.as("ann", "POST", "/messages/s1-old", Map.of("message", Map.of("text", "edited")));
        api.as("ann", "DELETE", "/messages/s1-gone", null);

        try (WsClient ben = WsClient.connect(appliance, api.apiKey, api.userToken("ben"))) {
            String connectionId = (String) ben.await("health.check", 10).get("connection_id");
            Api.Res r = api.as("ben", "POST", "/sync?connection_id=" + connectionId, Map.of("channel_cids", List.of("messaging:s1", "messaging:s2"),
                    "last_sync_at", lastSync.toString(), "watch", true, "with_inaccessible_cids", true));
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(r.list("events")).extracting(e -> e.get("type") + " " + ((Map<?, ?>) e.get("message")).get("id"))
                    .containsExactly("message.new s1-new", "message.updated s1-old", "message.deleted s1-gone");
            assertThat(r.json().get("inaccessible_cids")).isEqualTo(List.of("messaging:s2"));
            // watching: a new message arrives as message.new (not only as a notification)
            api.as("ann", "POST", "/channels/messaging/s1/message", Map.of("message", Map.of("text", "live")));
            assertThat(ben.await(e -> "message.new".equals(e.get("type")) && "messaging:s1".equals(e.get("cid")), 10)).isNotNull();
        }
        // our own shape takes the same options
        Api.Res bySeq = api.as("ben", "POST", "/sync", Map.of("channels", Map.of("messaging:s1", 0, "messaging:s2", 0), "with_inaccessible_cids", true));
        assertThat(bySeq.status()).isEqualTo(200);
        assertThat(bySeq.json().get("inaccessible_cids")).isEqualTo(List.of("messaging:s2"));
        assertThat(bySeq.json()).containsKey("channels");

        // bad input
        assertThat(api.as("ben", "POST", "/sync", Map.of("channel_cids", List.of("messaging:s1"))).code()).isEqualTo("validation_error");
        assertThat(api.as("ben", "POST", "/sync", Map.of("channel_cids", List.of("messaging:s1"), "last_sync_at", "yesterday")).code())
                .isEqualTo("validation_error");
        assertThat(api.as("ben", "POST", "/sync", Map.of("channel_cids", List.of("messaging:s1"), "last_sync_at", lastSync.toString(),
                "watch", true)).code()).isEqualTo("validation_error");
        assertThat(api.as("ben", "POST", "/sync", Map.of("channel_cids", List.of("messaging:s1"), "channels", Map.of(), "last_sync_at",
                lastSync.toString())).code()).isEqualTo("validation_error");
        assertThat(api.as("ben", "POST", "/sync", Map.of("channel_cids", List.of("not a cid"), "last_sync_at", lastSync.toString())).status())
                .isEqualTo(400);
        // another app's channel is inaccessible, not visible
        Api.Res foreign = other.as("ann", "POST", "/sync", Map.of("channel_cids", List.of("messaging:s1"), "last_sync_at", lastSync.toString(),
                "with_inaccessible_cids", true));
        assertThat(foreign.list("events")).isEmpty();
        assertThat(foreign.json().get("inaccessible_cids")).isEqualTo(List.of("messaging:s1"));
    }

    // The connect payload's "me" (OwnUser): mutes, channel_mutes, devices and unread counts.
    @Test
    void connectPayloadCarriesTheOwnUser() throws Exception {
        api.users("own");
        api.asServer("POST", "/channels/messaging/own1/query", Map.of("data", Map.of("members", List.of("own", "ann"), "created_by_id", "ann")));
        api.asServer("POST", "/channels/messaging/own2/query", Map.of("data", Map.of("members", List.of("own", "ann"), "created_by_id", "ann")));
        api.as("ann", "POST", "/channels/messaging/own1/message", Map.of("message", Map.of("text", "unread for own")));
        assertThat(api.as("own", "POST", "/moderation/mute", Map.of("target_id", "ben")).status()).isEqualTo(201);
        assertThat(api.as("own", "POST", "/moderation/mute/channel", Map.of("channel_cid", "messaging:own2")).status()).isEqualTo(201);
        assertThat(api.as("own", "POST", "/devices", Map.of("id", "own-device-token-1", "push_provider", "firebase")).status()).isEqualTo(201);
        try (WsClient own = WsClient.connect(appliance, api.apiKey, api.userToken("own"))) {
            @SuppressWarnings("unchecked")
            Map<String, Object> me = (Map<String, Object>) own.await("health.check", 10).get("me");
            assertThat(me).containsEntry("id", "own").containsEntry("name", "User own").containsEntry("unread_count", 1)
                    .containsEntry("total_unread_count", 1).containsEntry("unread_channels", 1);
            assertThat((List<?>) me.get("mutes")).singleElement().satisfies(m -> assertThat(map(m)).containsEntry("target", Map.of("id", "ben")));
            assertThat((List<?>) me.get("channel_mutes")).singleElement().satisfies(m -> assertThat(map(map(m).get("channel")))
                    .containsEntry("cid", "messaging:own2"));
            assertThat((List<?>) me.get("devices")).singleElement().satisfies(d -> assertThat(map(d)).containsEntry("id", "own-device-token-1"));
        }
    }

    // Newer clients scope bans with channel_cid; an unban by channel_cid must not lift the app-wide ban.
    @Test
    void bansAndUnbansScopedByChannelCid() throws Exception {
        api.users("zed");
        api.asServer("POST", "/channels/messaging/cidban/query", Map.of("data", Map.of("members", List.of("ann", "zed"), "created_by_id", "ann")));
        assertThat(api.asServer("POST", "/moderation/ban", Map.of("target_user_id", "zed", "user_id", "mod")).status()).isEqualTo(201);
        Api.Res inChannel = api.asServer("POST", "/moderation/ban", Map.of("target_user_id", "zed", "channel_cid", "messaging:cidban", "banned_by_id", "mod"));
        assertThat(inChannel.status()).as(inChannel.toString()).isEqualTo(201);
        assertThat(inChannel.obj("ban")).containsEntry("channel_cid", "messaging:cidban");

        assertThat(api.asServer("DELETE", "/moderation/ban?target_user_id=zed&channel_cid=messaging:cidban", null).status()).isEqualTo(200);
        // the app-wide ban stands
        assertThat(api.asServer("GET", "/moderation/bans", null).list("bans")).anySatisfy(b -> assertThat(b).containsEntry("user", Map.of("id", "zed")));
        assertThat(api.asServer("GET", "/moderation/bans?type=messaging&id=cidban", null).list("bans")).isEmpty();

        assertThat(api.asServer("DELETE", "/moderation/ban?target_user_id=zed&channel=messaging:cidban", null).code()).isEqualTo("unknown_field");
        assertThat(api.asServer("GET", "/moderation/bans", null).list("bans")).anySatisfy(b -> assertThat(b).containsEntry("user", Map.of("id", "zed")));
        assertThat(api.asServer("POST", "/moderation/ban", Map.of("target_user_id", "zed", "channel_cid", "messaging:cidban", "type", "messaging",
                "id", "other")).code()).isEqualTo("validation_error");
        assertThat(api.asServer("POST", "/moderation/ban", Map.of("target_user_id", "zed", "channel_cid", "nocolon")).code()).isEqualTo("validation_error");
        assertThat(api.asServer("POST", "/moderation/ban", Map.of("target_user_id", "zed", "ip_ban", true)).code()).isEqualTo("validation_error");
        assertThat(api.asServer("DELETE", "/moderation/ban?target_user_id=zed", null).status()).isEqualTo(200);
    }

    // "Get many messages": GET /channels/{type}/{id}/messages?ids=a,b; and image attachments keep image_url.
    @Test
    void getManyMessagesByIdsAndImageUrls() throws Exception {
        api.as("ann", "POST", "/channels/messaging/p1/message", Map.of("message", Map.of("id", "many-1", "text", "one",
                "attachments", List.of(Map.of("type", "image", "image_url", "https://cdn.example.com/one.png")))));
        api.as("ann", "POST", "/channels/messaging/p1/message", Map.of("message", Map.of("id", "many-2", "text", "two")));
        api.asServer("POST", "/channels/messaging/elsewhere/query", Map.of("data", Map.of("members", List.of("ann"), "created_by_id", "ann")));
        api.as("ann", "POST", "/channels/messaging/elsewhere/message", Map.of("message", Map.of("id", "many-3", "text", "three")));

        Api.Res r = api.as("ben", "GET", "/channels/messaging/p1/messages?ids=many-2,many-1,many-3,nope", null);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.list("messages")).extracting(m -> m.get("id")).containsExactly("many-2", "many-1");
        @SuppressWarnings("unchecked")
        Map<String, Object> image = ((List<Map<String, Object>>) r.list("messages").get(1).get("attachments")).get(0);
        assertThat(image).containsEntry("image_url", "https://cdn.example.com/one.png");

        assertThat(api.as("ben", "GET", "/channels/messaging/p1/messages?ids=many-1&limit=5", null).code()).isEqualTo("validation_error");
        assertThat(api.as("ben", "GET", "/channels/messaging/p1/messages?ids=,", null).code()).isEqualTo("validation_error");
        assertThat(api.as("cat", "GET", "/channels/messaging/p1/messages?ids=many-1", null).status()).isEqualTo(403);
        assertThat(other.as("ann", "GET", "/channels/messaging/p1/messages?ids=many-1", null).code()).isEqualTo("channel_not_found");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }
}
