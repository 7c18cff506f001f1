package io.chatsdk.appliance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Another app's key and ids, and non-members, on every kind of endpoint. */
class IsolationIT {
    static TestAppliance appliance;
    static Api mine;
    static Api theirs;
    static String messageId;

    @BeforeAll
    static void start() throws Exception {
        appliance = TestAppliance.shared();
        mine = Api.newApp(appliance, "mine");
        theirs = Api.newApp(appliance, "theirs");
        mine.users("alice", "bob", "eve");
        theirs.users("alice", "eve");
        mine.as("alice", "POST", "/channels/messaging/secret/query", Map.of("data", Map.of("members", List.of("alice", "bob"))));
        messageId = (String) mine.as("alice", "POST", "/channels/messaging/secret/message", Map.of("message", Map.of("text", "for bob only")))
                .obj("message").get("id");
    }

    /**
     * Many users of two apps at once, on the same endpoints: every answer is for the caller that sent it (a request must
     * never see another request's caller, whatever the resources' or filters' scope).
     */
    @Test
    void concurrentRequestsEachActAsTheirOwnCaller() throws Exception {
        List<String> users = java.util.stream.IntStream.range(0, 12).mapToObj(i -> "c" + i).toList();
        mine.users(users.toArray(String[]::new));
        theirs.users(users.toArray(String[]::new));
        mine.as("c0", "POST", "/channels/messaging/crowd/query", Map.of("data", Map.of("members", users)));
        theirs.as("c0", "POST", "/channels/messaging/crowd/query", Map.of("data", Map.of("members", users)));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(12);
        try {
            List<java.util.concurrent.Future<List<String>>> done = new java.util.ArrayList<>();
            for (int t = 0; t < 12; t++) {
                String user = users.get(t);
                Api api = t % 2 == 0 ? mine : theirs;
                String app = t % 2 == 0 ? "mine" : "theirs";
                done.add(pool.submit(() -> {
                    List<String> wrong = new java.util.ArrayList<>();
                    for (int i = 0; i < 15; i++) {
                        Api.Res sent = api.as(user, "POST", "/channels/messaging/crowd/message", Map.of("message", Map.of("text", app + " " + user + " " + i)));
                        Map<String, Object> m = sent.obj("message");
                        if (sent.status() != 201 || !user.equals(m.get("user_id")) || !(app + " " + user + " " + i).equals(m.get("text"))) {
                            wrong.add("send " + i + " by " + app + "/" + user + ": " + sent.status() + " " + m.get("user_id") + " " + m.get("text"));
                        }
                        Object me = api.as(user, "GET", "/devices", null).status();
                        if (!Integer.valueOf(200).equals(me)) {
                            wrong.add("devices of " + user + ": " + me);
                        }
                    }
                    return wrong;
                }));
            }
            List<String> wrong = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<List<String>> f : done) {
                wrong.addAll(f.get(120, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertThat(wrong).isEmpty();
        } finally {
            pool.shutdownNow();
        }
        // each app's channel holds its own users' 90 messages, none of the other app's
        List<Map<String, Object>> ours = mine.as("c0", "GET", "/channels/messaging/crowd/messages?limit=200", null).list("messages");
        assertThat(ours).hasSize(90).allSatisfy(m -> assertThat((String) m.get("text")).startsWith("mine "));
        // concurrent sends to one channel share commits (group commit, issue #15): each still has its own audit record,
        // naming its own caller
        for (int t = 0; t < 12; t += 2) {
            String user = users.get(t);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(Api.operator(appliance, "GET", "/admin/api/apps/" + mine.appId + "/compliance/audit?action=channels.send&limit=100&actor_id="
                            + user, null).list("records")).as("the send records of " + user).hasSize(15)
                            .allSatisfy(r -> assertThat(r).containsEntry("resource_id", "messaging:crowd").containsEntry("outcome", "success")));
        }
    }

    @Test
    void anotherAppsKeyAndIdsResolveNothing() throws Exception {
        // the same user id in another app, with that app's valid token, sees nothing of ours
        assertThat(theirs.as("alice", "GET", "/messages/" + messageId, null).code()).isEqualTo("message_not_found");
        assertThat(theirs.as("alice", "POST", "/messages/" + messageId, Map.of("message", Map.of("text", "x"))).code()).isEqualTo("message_not_found");
        assertThat(theirs.as("alice", "PUT", "/messages/" + messageId, Map.of("set", Map.of("text", "x"))).code()).isEqualTo("message_not_found");
        assertThat(theirs.as("alice", "DELETE", "/messages/" + messageId, null).code()).isEqualTo("message_not_found");
        assertThat(theirs.as("alice", "GET", "/messages/" + messageId + "/replies", null).code()).isEqualTo("message_not_found");
        assertThat(theirs.as("alice", "POST", "/messages/" + messageId + "/reaction", Map.of("reaction", Map.of("type", "like"))).code()).isEqualTo("message_not_found");
        assertThat(theirs.as("alice", "DELETE", "/messages/" + messageId + "/reaction/like", null).code()).isEqualTo("message_not_found");
        assertThat(theirs.as("alice", "POST", "/messages/" + messageId + "/pin", Map.of()).code()).isEqualTo("message_not_found");
        assertThat(theirs.as("alice", "POST", "/channels/messaging/secret/message", Map.of("message", Map.of("text", "x"))).code()).isEqualTo("channel_not_found");
        assertThat(theirs.as("alice", "POST", "/channels/messaging/secret", Map.of("add_members", List.of("eve"))).code()).isEqualTo("channel_not_found");
        assertThat(theirs.as("alice", "PATCH", "/channels/messaging/secret", Map.of("set", Map.of("name", "x"))).code()).isEqualTo("channel_not_found");
        assertThat(theirs.asServer("DELETE", "/channels/messaging/secret", null).code()).isEqualTo("channel_not_found");
        assertThat(theirs.asServer("POST", "/channels/messaging/secret/truncate", null).code()).isEqualTo("channel_not_found");
        assertThat(theirs.as("alice", "POST", "/channels/messaging/secret/read", Map.of()).code()).isEqualTo("channel_not_found");
        assertThat(theirs.as("alice", "POST", "/channels/messaging/secret/hide", Map.of()).code()).isEqualTo("channel_not_found");
        assertThat(theirs.as("alice", "POST", "/channels", Map.of("filter_conditions", Map.of("cid", "messaging:secret"))).list("channels")).isEmpty();
        assertThat(theirs.asServer("PATCH", "/channels/messaging/secret/member/bob", Map.of("set", Map.of("channel_role", "owner"))).code()).isEqualTo("channel_not_found");
        assertThat(theirs.asServer("POST", "/channels/messaging/secret/unread", Map.of("message_id", messageId, "user_id", "alice")).code()).isEqualTo("channel_not_found");
        assertThat(theirs.asServer("POST", "/channels/messaging/secret/show", Map.of("user_id", "alice")).code()).isEqualTo("channel_not_found");
        assertThat(theirs.asServer("POST", "/channels/messaging/secret/query", Map.of("data", Map.of("created_by_id", "alice"))).json())
                .as("their own, new channel of the same id").containsEntry("created", true);
        mine.asServer("POST", "/channeltypes", Map.of("name", "private"));
        assertThat(theirs.asServer("GET", "/channeltypes/private", null).code()).isEqualTo("channel_type_not_found");
        assertThat(theirs.asServer("DELETE", "/channeltypes/private", null).code()).isEqualTo("channel_type_not_found");
        assertThat(theirs.asServer("GET", "/unread?user_id=bob", null).json()).containsEntry("total_unread_count", 0);
        assertThat(theirs.asServer("POST", "/users/query", Map.of("filter_conditions", Map.of("id", "bob"))).list("users")).isEmpty();
        assertThat(theirs.asServer("POST", "/users/bob/deactivate", null).code()).isEqualTo("user_not_found");
        // the other app's key with our token is refused outright
        assertThat(theirs.call("GET", "/messages/" + messageId, null, mine.userToken("alice")).status()).isEqualTo(401);
        // and our message is untouched
        assertThat(mine.as("bob", "GET", "/messages/" + messageId, null).obj("message")).containsEntry("text", "for bob only");
    }

    @Test
    void nonMembersAreForbidden() throws Exception {
        Api.Res read = mine.as("eve", "GET", "/messages/" + messageId, null);
        assertThat(read.status()).isEqualTo(403);
        assertThat(read.code()).isEqualTo("forbidden");
        assertThat((String) read.json().get("detail")).contains("read-channel");
        assertThat(mine.as("eve", "POST", "/channels/messaging/secret/message", Map.of("message", Map.of("text", "let me in"))).status()).isEqualTo(403);
        assertThat(mine.as("eve", "POST", "/channels/messaging/secret/query", Map.of()).status()).isEqualTo(403);
        assertThat(mine.as("eve", "POST", "/channels/messaging/secret", Map.of("add_members", List.of("eve"))).status()).isEqualTo(403);
        assertThat(mine.as("eve", "POST", "/messages/" + messageId + "/reaction", Map.of("reaction", Map.of("type", "like"))).status()).isEqualTo(403);
        assertThat(mine.as("eve", "POST", "/channels/messaging/secret/read", Map.of()).status()).isEqualTo(403);
        assertThat(mine.as("eve", "POST", "/channels", Map.of("filter_conditions", Map.of("cid", "messaging:secret"))).list("channels")).isEmpty();
        assertThat(mine.as("bob", "DELETE", "/channels/messaging/secret", null).status()).as("member, not owner").isEqualTo(403);
        assertThat(mine.as("bob", "POST", "/messages/" + messageId, Map.of("message", Map.of("text", "edited by bob"))).status()).isEqualTo(403);
    }
}
