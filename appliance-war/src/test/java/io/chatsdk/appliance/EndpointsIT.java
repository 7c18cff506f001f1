package io.chatsdk.appliance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every chat endpoint's happy path on the running appliance, in GetStream's request and response shapes. */
class EndpointsIT {
    static TestAppliance appliance;
    static Api api;

    @BeforeAll
    static void start() throws Exception {
        appliance = TestAppliance.shared();
        api = Api.newApp(appliance, "endpoints");
    }

    @Test
    void usersUpsertQueryDeactivateReactivate() throws Exception {
        Api.Res up = api.asServer("POST", "/users", Map.of("users", Map.of(
                "ann", Map.of("id", "ann", "name", "Ann", "role", "admin", "team", "red"),
                "ben", Map.of("name", "Ben", "team", "blue"))));
        assertThat(up.status()).isEqualTo(200);
        assertThat(up.obj("users")).containsKeys("ann", "ben");
        @SuppressWarnings("unchecked")
        Map<String, Object> ann = (Map<String, Object>) up.obj("users").get("ann");
        assertThat(ann).containsEntry("role", "admin").containsEntry("team", "red");

        Api.Res q = api.as("ben", "POST", "/users/query", Map.of("filter_conditions", Map.of("team", "red"),
                "sort", List.of(Map.of("field", "id", "direction", 1))));
        assertThat(q.status()).isEqualTo(200);
        assertThat(q.list("users")).extracting(u -> u.get("id")).containsExactly("ann");

        assertThat(api.asServer("POST", "/users/ben/deactivate", null).obj("user")).containsEntry("deactivated", true);
        assertThat(api.asServer("POST", "/users/ben/reactivate", null).obj("user")).containsEntry("deactivated", false);
    }

    @Test
    void channelsAndMessagesEndToEnd() throws Exception {
        api.users("u1", "u2", "u3");
        Api.Res created = api.as("u1", "POST", "/channels/messaging/room/query", Map.of(
                "data", Map.of("members", List.of("u1", "u2"), "name", "Room", "color", "green")));
        assertThat(created.status()).isEqualTo(200);
        assertThat(created.json()).containsEntry("created", true);
        assertThat(created.obj("channel")).containsEntry("cid", "messaging:room").containsEntry("name", "Room").containsEntry("color", "green");
        assertThat(created.list("members")).hasSize(2);

        Api.Res sent = api.as("u2", "POST", "/channels/messaging/room/message", Map.of("message", Map.of(
                "id", "u2-1", "text", "hello @u1", "mentioned_users", List.of("u1"), "priority", "high",
                "attachments", List.of(Map.of("type", "image", "image_url", "https://cdn.example.com/a.png")))));
        assertThat(sent.status()).isEqualTo(201);
        Map<String, Object> msg = sent.obj("message");
        assertThat(msg).containsEntry("id", "u2-1").containsEntry("seq", 1).containsEntry("priority", "high");
        Api.Res resent = api.as("u2", "POST", "/channels/messaging/room/message", Map.of("message", Map.of("id", "u2-1", "text", "hello @u1")));
        assertThat(resent.obj("message")).containsEntry("seq", 1);

        Api.Res unread = api.as("u1", "GET", "/unread", null);
        assertThat(unread.json()).containsEntry("total_unread_count", 1).containsEntry("total_unread_mentions", 1);

        Api.Res reply = api.as("u1", "POST", "/channels/messaging/room/message", Map.of("message", Map.of(
                "text", "a reply", "parent_id", "u2-1")));
        String replyId = (String) reply.obj("message").get("id");
        Api.Res replies = api.as("u2", "GET", "/messages/u2-1/replies?limit=10", null);
        assertThat(replies.list("messages")).extracting(m -> m.get("id")).containsExactly(replyId);
        Api.Res quote = api.as("u1", "POST", "/channels/messaging/room/message", Map.of("message", Map.of("text", "quoting", "quoted_message_id", "u2-1")));
        assertThat(quote.obj("message")).containsEntry("quoted_message_id", "u2-1");

        assertThat(api.as("u1", "GET", "/messages/u2-1", null).obj("message")).containsEntry("reply_count", 1);
        Api.Res edited = api.as("u2", "POST", "/messages/u2-1", Map.of("message", Map.of("text", "hello again")));
        assertThat(edited.obj("message")).containsEntry("text", "hello again").containsKey("message_text_updated_at");
        Api.Res partial = api.as("u2", "PUT", "/messages/u2-1", Map.of("set", Map.of("mood", "happy"), "unset", List.of("priority")));
        assertThat(partial.obj("message")).containsEntry("mood", "happy").doesNotContainKey("priority");

        Api.Res reacted = api.as("u1", "POST", "/messages/u2-1/reaction", Map.of("reaction", Map.of("type", "love", "score", 2)));
        assertThat(reacted.status()).isEqualTo(201);
        assertThat(reacted.obj("message").get("reaction_counts")).isEqualTo(Map.of("love", 1));
        assertThat(reacted.obj("reaction")).containsEntry("type", "love").containsEntry("score", 2);
        assertThat(api.as("u1", "DELETE", "/messages/u2-1/reaction/love", null).obj("message").get("reaction_counts")).isEqualTo(Map.of());

        assertThat(api.as("u1", "POST", "/messages/u2-1/pin", Map.of()).obj("message")).containsEntry("pinned", true);
        assertThat(api.as("u1", "DELETE", "/messages/u2-1/pin", null).obj("message")).containsEntry("pinned", false);
        assertThat(api.as("u1", "PUT", "/messages/u2-1", Map.of("set", Map.of("pinned", true))).obj("message")).containsEntry("pinned", true);

        Api.Res read = api.as("u1", "POST", "/channels/messaging/room/read", Map.of());
        assertThat(read.json()).containsEntry("last_read_seq", 3);
        assertThat(api.as("u1", "POST", "/channels/messaging/room/unread", Map.of("message_id", "u2-1")).json()).containsEntry("last_read_seq", 0);

        Api.Res page = api.as("u1", "POST", "/channels/messaging/room/query", Map.of("messages", Map.of("limit", 2, "seq_gt", 1)));
        assertThat(page.list("messages")).extracting(m -> m.get("seq")).containsExactly(3);

        Api.Res deleted = api.as("u1", "DELETE", "/messages/" + replyId, null);
        assertThat(deleted.obj("message")).containsEntry("type", "deleted");
        assertThat(api.asServer("DELETE", "/messages/" + replyId + "?hard=true", null).status()).isEqualTo(200);
    }

    @Test
    void channelManagement() throws Exception {
        api.users("m1", "m2", "m3", "m4");
        assertThat(api.as("m1", "POST", "/channels/team/ops/query", Map.of("data", Map.of("members", List.of("m2")))).status()).isEqualTo(200);
        Api.Res updated = api.as("m1", "POST", "/channels/team/ops", Map.of("data", Map.of("name", "Ops", "region", "eu"),
                "add_members", List.of("m3"), "add_moderators", List.of("m2")));
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.obj("channel")).containsEntry("name", "Ops").containsEntry("member_count", 3);
        assertThat(updated.list("members")).anySatisfy(m -> assertThat(m).containsEntry("user_id", "m2").containsEntry("channel_role", "moderator"));
        Api.Res removed = api.as("m2", "POST", "/channels/team/ops", Map.of("remove_members", List.of("m3"), "demote_moderators", List.of()));
        assertThat(removed.obj("channel")).containsEntry("member_count", 2);
        Api.Res member = api.as("m1", "PATCH", "/channels/team/ops/member/m2", Map.of("set", Map.of("channel_role", "member")));
        assertThat(member.obj("channel_member")).containsEntry("channel_role", "member");

        Api.Res partial = api.as("m1", "PATCH", "/channels/team/ops", Map.of("set", Map.of("topic", "deploys", "frozen", true), "unset", List.of("region")));
        assertThat(partial.obj("channel")).containsEntry("topic", "deploys").containsEntry("frozen", true).doesNotContainKey("region");
        assertThat(api.as("m2", "POST", "/channels/team/ops/message", Map.of("message", Map.of("text", "x"))).code()).isEqualTo("channel_frozen");
        api.as("m1", "PATCH", "/channels/team/ops", Map.of("set", Map.of("frozen", false)));
        api.as("m2", "POST", "/channels/team/ops/message", Map.of("message", Map.of("text", "hello")));

        assertThat(api.as("m2", "POST", "/channels/team/ops/hide", Map.of()).status()).isEqualTo(200);
        Api.Res hiddenList = api.as("m2", "POST", "/channels", Map.of("filter_conditions", Map.of("cid", "team:ops")));
        assertThat(hiddenList.list("channels")).isEmpty();
        assertThat(api.as("m2", "POST", "/channels/team/ops/show", Map.of()).status()).isEqualTo(200);
        Api.Res listed = api.as("m2", "POST", "/channels", Map.of("filter_conditions", Map.of("members", Map.of("$in", List.of("m2"))),
                "sort", List.of(Map.of("field", "last_message_at", "direction", -1)), "limit", 5, "message_limit", 1));
        assertThat(listed.list("channels")).hasSize(1);
        assertThat(listed.list("channels").get(0)).containsKeys("channel", "members", "messages");

        Api.Res distinct = api.as("m1", "POST", "/channels/messaging/query", Map.of("data", Map.of("members", List.of("m1", "m4"))));
        Api.Res again = api.as("m4", "POST", "/channels/messaging/query", Map.of("data", Map.of("members", List.of("m4", "m1"))));
        assertThat(again.obj("channel").get("cid")).isEqualTo(distinct.obj("channel").get("cid"));

        assertThat(api.as("m1", "POST", "/channels/team/ops/truncate", null).obj("channel")).containsEntry("last_seq", 1);
        assertThat(api.as("m1", "DELETE", "/channels/team/ops", null).status()).isEqualTo(200);
        assertThat(api.as("m1", "POST", "/channels/team/ops/query", Map.of()).status()).as("recreated empty").isEqualTo(200);
    }

    @Test
    void channelTypes() throws Exception {
        Api.Res created = api.asServer("POST", "/channeltypes", Map.of("name", "support", "reactions", false, "max_message_length", 200,
                "grants", Map.of("user", List.of("create-channel"), "owner", List.of("read-channel", "send-message"),
                        "member", List.of("read-channel", "send-message"))));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json()).containsEntry("reactions", false).containsEntry("max_message_length", 200);
        assertThat(api.asServer("GET", "/channeltypes", null).obj("channel_types")).containsKeys("messaging", "support");
        assertThat(api.asServer("GET", "/channeltypes/support", null).json()).containsEntry("name", "support");
        Api.Res updated = api.asServer("PUT", "/channeltypes/support", Map.of("reactions", true));
        assertThat(updated.json()).containsEntry("reactions", true).containsEntry("max_message_length", 200);
        assertThat(api.asServer("DELETE", "/channeltypes/support", null).status()).isEqualTo(200);
        assertThat(api.asServer("GET", "/channeltypes/support", null).code()).isEqualTo("channel_type_not_found");
        assertThat(api.asServer("POST", "/channeltypes", Map.of("name", "x", "grants", Map.of("user", List.of("fly"))))
                .code()).isEqualTo("validation_error");
    }
}
