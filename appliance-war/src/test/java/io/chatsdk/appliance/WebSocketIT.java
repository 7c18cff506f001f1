package io.chatsdk.appliance;

import io.chatsdk.jakarta.Tokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The realtime endpoint on the running appliance (single node): authentication, events, typing, presence. */
class WebSocketIT {
    static TestAppliance appliance;
    static Api api;
    static Api other;

    @BeforeAll
    static void start() throws Exception {
        appliance = TestAppliance.shared();
        api = Api.newApp(appliance, "realtime");
        other = Api.newApp(appliance, "realtime-other");
        api.users("alice", "bob", "eve", "carol", "dan");
        other.users("bob");
        api.as("alice", "POST", "/channels/messaging/rt/query", Map.of("data", Map.of("members", List.of("alice", "bob", "carol"))));
    }

    @Test
    void badCredentialsCloseWithAClearCode() throws Exception {
        try (WsClient c = WsClient.connect(appliance, api.apiKey, "not-a-token")) {
            assertThat(c.closeCode(10)).isEqualTo(4401);
            assertThat(c.closeReason).startsWith("token_invalid");
        }
        try (WsClient c = WsClient.connect(appliance, api.apiKey, Tokens.user(other.secret, "bob", Instant.now(), null))) {
            assertThat(c.closeCode(10)).isEqualTo(4401);
            assertThat(c.closeReason).startsWith("token_signature_invalid");
        }
        try (WsClient c = WsClient.connect(appliance, "nokey", api.userToken("bob"))) {
            assertThat(c.closeCode(10)).isEqualTo(4401);
            assertThat(c.closeReason).startsWith("api_key_invalid");
        }
        try (WsClient c = WsClient.connect(appliance, api.apiKey, api.serverToken())) {
            assertThat(c.closeCode(10)).isEqualTo(4403);
        }
    }

    @Test
    void membersReceiveTheirChannelsEventsAndNobodyElseDoes() throws Exception {
        try (WsClient bob = WsClient.connect(appliance, api.apiKey, api.userToken("bob"));
             WsClient aliceOtherDevice = WsClient.connect(appliance, api.apiKey, api.userToken("alice"));
             WsClient eve = WsClient.connect(appliance, api.apiKey, api.userToken("eve"));
             WsClient otherBob = WsClient.connect(appliance, other.apiKey, other.userToken("bob"))) {
            Map<String, Object> hello = bob.await("health.check", 10);
            assertThat(hello).containsKey("connection_id");
            assertThat(hello.get("me")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsKey("total_unread_count");
            eve.await("health.check", 10);
            otherBob.await("health.check", 10);

            Api.Res sent = api.as("alice", "POST", "/channels/messaging/rt/message", Map.of("message", Map.of("text", "realtime hello")));
            Object seq = sent.obj("message").get("seq");
            Map<String, Object> got = bob.await("message.new", 10);
            assertThat(got).containsEntry("cid", "messaging:rt").containsEntry("seq", seq);
            assertThat(got.get("message")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("text", "realtime hello");
            // the sender's other device stays in sync: it receives the sender's own message too
            assertThat(aliceOtherDevice.await("message.new", 10)).containsEntry("seq", seq);

            bob.send(Map.of("type", "message.read", "cid", "messaging:rt"));
            assertThat(bob.await("message.read", 10)).containsEntry("user_id", "bob");

            // once a connection watches some channels, the others' new messages arrive as notifications
            api.as("alice", "POST", "/channels/messaging/side/query", Map.of("data", Map.of("members", List.of("alice", "bob"))));
            bob.send(Map.of("type", "channel.watch", "cid", "messaging:side"));
            // the watch applies once the server has read the frame, which nothing acknowledges; a message sent before that
            // still arrives as message.new, so send until one arrives (the watch must take effect within a few tries)
            Map<String, Object> other = null;
            for (int attempt = 0; attempt < 5 && (other == null || "message.new".equals(other.get("type"))); attempt++) {
                api.as("alice", "POST", "/channels/messaging/rt/message", Map.of("message", Map.of("text", "not watched")));
                // either kind, so that a message delivered before the watch applied makes the loop send again
                other = bob.await(e -> "messaging:rt".equals(e.get("cid")) && e.get("type").toString().matches("message\\.new|notification\\.message_new"), 10);
            }
            assertThat(other).containsEntry("type", "notification.message_new");
            api.as("alice", "POST", "/channels/messaging/side/message", Map.of("message", Map.of("text", "watched")));
            assertThat(bob.await(e -> "messaging:side".equals(e.get("cid")) && e.get("type").toString().startsWith("message.new"), 10))
                    .containsEntry("type", "message.new");

            // a deleted channel's members hear about it
            api.as("alice", "DELETE", "/channels/messaging/side", null);
            assertThat(bob.await("channel.deleted", 10)).containsEntry("cid", "messaging:side");

            Thread.sleep(1000);
            assertThat(eve.seen).noneMatch(e -> "messaging:rt".equals(e.get("cid")));
            assertThat(otherBob.seen).noneMatch(e -> "messaging:rt".equals(e.get("cid")));
        }
    }

    @Test
    void audiencesWatchLivestreamsWithoutMembership() throws Exception {
        api.asServer("POST", "/channels/livestream/show/query", Map.of("data", Map.of("created_by_id", "alice")));
        try (WsClient viewer = WsClient.connect(appliance, api.apiKey, api.userToken("eve"));
             WsClient viaRest = WsClient.connect(appliance, api.apiKey, api.userToken("dan"))) {
            viewer.await("health.check", 10);
            String connectionId = (String) viaRest.await("health.check", 10).get("connection_id");
            viewer.send(Map.of("type", "channel.watch", "cid", "livestream:show"));
            Api.Res watched = api.as("dan", "POST", "/channels/livestream/show/query?connection_id=" + connectionId, Map.of("watch", true));
            assertThat(watched.status()).isEqualTo(200);
            Thread.sleep(300);
            api.as("alice", "POST", "/channels/livestream/show/message", Map.of("message", Map.of("text", "welcome, audience")));
            assertThat(viewer.await("message.new", 10)).containsEntry("cid", "livestream:show");
            assertThat(viaRest.await("message.new", 10)).containsEntry("cid", "livestream:show");
            // watching needs read access: eve is no member of messaging:rt
            viewer.send(Map.of("type", "channel.watch", "cid", "messaging:rt"));
            assertThat(viewer.await("error", 10).get("error")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                    .containsEntry("code", "forbidden");
            // and another user's connection id is refused
            assertThat(api.as("eve", "POST", "/channels/livestream/show/query?connection_id=" + connectionId, Map.of("watch", true)).json())
                    .containsEntry("field", "connection_id");
        }
    }

    @Test
    void framesGoStraightToTyrussSocket() throws Exception {
        // issue #15: on Payara a connection's frames skip the idle-timer task that Tyrus's asynchronous remote schedules per
        // frame, and an event's frame is built once for all its connections (io.chatsdk.jakarta.FrameSender); a Payara whose
        // Tyrus no longer has the socket's field would fall back to the standard API, which delivers too, so only these
        // lines tell the paths apart. The frames, read by the JDK's own WebSocket client, carry UTF-8 of one to four bytes a
        // character, with lengths of one byte (the answer to a client's health.check) and of two (the rest); the
        // eight-byte length needs a body over this appliance's 64 KiB limit and is checked against Tyrus's own framing in
        // FrameSenderTest.
        try (WsClient bob = WsClient.connect(appliance, api.apiKey, api.userToken("bob"));
             WsClient alice = WsClient.connect(appliance, api.apiKey, api.userToken("alice"))) {
            bob.await("health.check", 10);
            alice.await("health.check", 10);
            String text = "straight: h\u00e9, \u4e2d\u6587, \ud83d\ude00";
            Api.Res sent = api.as("alice", "POST", "/channels/messaging/rt/message", Map.of("message", Map.of("text", text)));
            assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
            String id = (String) sent.obj("message").get("id");
            for (WsClient c : List.of(bob, alice)) {
                assertThat(c.await(e -> WsClient.isMessage(e, "message.new", id), 10).get("message"))
                        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("text", text);
            }
            for (String blob : List.of("\u00e9".repeat(100), "\u4e2d".repeat(20_000), "\ud83d\ude00".repeat(15_000))) {
                Api.Res event = api.asServer("POST", "/channels/messaging/rt/event", Map.of("event", Map.of("type", "framed", "user_id", "alice",
                        "blob", blob)));
                assertThat(event.status()).as(event.toString()).isIn(200, 201);
                for (WsClient c : List.of(bob, alice)) {
                    c.await(e -> "framed".equals(e.get("type")) && blob.equals(e.get("blob")), 10);
                }
            }
            // the client pings every 2 s; the server's answer has no "me", and its frame's length fits in one byte
            Map<String, Object> answer = bob.await(e -> "health.check".equals(e.get("type")) && !e.containsKey("me"), 10);
            assertThat(Api.JSON.writeValueAsBytes(answer).length).as("a frame of at most 125 bytes").isLessThanOrEqualTo(125);
        }
        String log = java.nio.file.Files.readString(appliance.log);
        // logged when a session's sender goes direct and takes frames built once; any fallback (another Tyrus version, an
        // unreadable socket, a session with an idle timeout) logs its own line
        assertThat(log).contains("WebSocket frames go straight to Tyrus's socket, without an idle-timer task per frame")
                .contains("WebSocket frames are built once per event and handed to each Tyrus socket as raw frames")
                .doesNotContain("WebSocket frames use the standard API")
                .doesNotContain("WebSocket frames of sessions with extensions");
    }

    @Test
    void everyConnectionGetsItsChannelsEventsOnceInOrderWhileSeveralThreadsWrite() throws Exception {
        // issue #15: the hub writes an event to its connections on several threads (Hub.WRITE_LANES, one per core here),
        // each connection always on the same one; 24 connections spread over them, three senders, messages and reactions
        List<String> members = java.util.stream.IntStream.range(0, 12).mapToObj(i -> "lane" + i).toList();
        api.users(members.toArray(String[]::new));
        api.asServer("POST", "/channels/messaging/lanes/query", Map.of("data", Map.of("created_by_id", "lane0", "members", members)));
        List<WsClient> clients = new java.util.ArrayList<>();
        try {
            for (String m : members) {
                for (int device = 0; device < 2; device++) {
                    WsClient c = WsClient.connect(appliance, api.apiKey, api.userToken(m), false);
                    clients.add(c);
                    c.await("health.check", 10);
                }
            }
            int perSender = 20;
            List<String> senders = members.subList(0, 3);
            api.burst("messaging/lanes", senders, perSender, 4, "lane");
            int total = senders.size() * perSender;
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (clients.stream().anyMatch(c -> laneSeqs(c).size() < total) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Thread.sleep(500);   // duplicates would come after
            for (WsClient c : clients) {
                List<Long> seqs = laneSeqs(c);
                assertThat(seqs).as("every message once, in seq order").hasSize(total).doesNotHaveDuplicates().isSorted();
                // each reaction after its message: the bus order, which every connection keeps
                List<String> order = c.seen.stream().filter(e -> "messaging:lanes".equals(e.get("cid"))
                                && List.of("message.new", "reaction.new").contains(e.get("type")))
                        .map(e -> e.get("type") + " " + ((Map<?, ?>) e.get("message")).get("id")).toList();
                assertThat(order.stream().filter(o -> o.startsWith("reaction.new")).count()).isEqualTo(senders.size() * (perSender / 4));
                for (int i = 0; i < order.size(); i++) {
                    if (order.get(i).startsWith("reaction.new")) {
                        String message = "message.new " + order.get(i).substring("reaction.new ".length());
                        assertThat(order.subList(0, i)).as("a reaction after its message").contains(message);
                    }
                }
            }
        } finally {
            for (WsClient c : clients) {
                c.close();
            }
        }
        // as many writing threads as this machine has cores, up to four: on one core this test cannot see the lanes
        int lanes = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        assertThat(java.nio.file.Files.readString(appliance.log))
                .contains("WebSocket frames are written on " + lanes + " threads, each connection always on the same one")
                // on Payara they are Grizzly worker threads, whose buffer pools spare each frame an 8 KiB buffer
                // (io.chatsdk.jakarta.WriterThreads); plain threads would deliver too, so only this line tells them apart
                .contains("WebSocket frames are written on Grizzly worker threads, each with its own buffer pool")
                .doesNotContain("WebSocket frames are written on plain threads");
    }

    private static List<Long> laneSeqs(WsClient c) {
        return c.seen.stream().filter(e -> "message.new".equals(e.get("type")) && "messaging:lanes".equals(e.get("cid")))
                .map(e -> ((Number) e.get("seq")).longValue()).toList();
    }

    @Test
    void aSilentConnectionIsClosed() throws Exception {
        try (WsClient quiet = WsClient.connect(appliance, api.apiKey, api.userToken("eve"))) {
            quiet.await("health.check", 10);
            quiet.stopPinging();
            assertThat(quiet.closeCode(TestAppliance.IDLE_TIMEOUT_SECONDS + 10)).isEqualTo(4408);
            assertThat(quiet.closeReason).startsWith("idle");
        }
    }

    @Test
    void aClientThatStopsReadingIsDisconnectedNotBuffered() throws Exception {
        api.users("slow", "fast");
        api.as("fast", "POST", "/channels/messaging/flood/query", Map.of("data", Map.of("members", List.of("fast", "slow"))));
        try (WsClient fast = WsClient.connect(appliance, api.apiKey, api.userToken("fast"));
             WsClient slow = WsClient.connect(appliance, api.apiKey, api.userToken("slow"))) {
            fast.await("health.check", 10);
            slow.await("health.check", 10);
            slow.stopReading(); // from now on the client takes nothing off the socket
            String blob = "x".repeat(48 * 1024);
            java.util.function.Predicate<Map<String, Object>> slowWentOffline = e -> "user.presence.changed".equals(e.get("type"))
                    && e.get("user") instanceof Map<?, ?> u && "slow".equals(u.get("id")) && Boolean.FALSE.equals(u.get("online"));
            int sent = 0;
            // from the server side: a client's own socket may send only 20 events a second (HardeningIT)
            while (sent < 3000 && fast.seen.stream().noneMatch(slowWentOffline)) {
                api.asServer("POST", "/channels/messaging/flood/event", Map.of("event", Map.of("type", "flood", "user_id", "fast", "blob", blob,
                        "n", sent++)));
            }
            fast.await(slowWentOffline, 30); // the server closed the slow connection instead of buffering for it
            assertThat(sent).as("events sent before the server gave up").isLessThan(3000);
        }
    }

    @Test
    void typingPresenceCustomEventsAndNotifications() throws Exception {
        try (WsClient alice = WsClient.connect(appliance, api.apiKey, api.userToken("alice"))) {
            alice.await("health.check", 10);
            try (WsClient carol = WsClient.connect(appliance, api.apiKey, api.userToken("carol"))) {
                carol.await("health.check", 10);
                assertThat(alice.await(e -> "user.presence.changed".equals(e.get("type")) && "carol".equals(e.get("user_id")), 10).get("user"))
                        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("online", true);

                carol.send(Map.of("type", "typing.start", "cid", "messaging:rt"));
                assertThat(alice.await("typing.start", 10)).containsEntry("user_id", "carol").containsEntry("cid", "messaging:rt");
                carol.send(Map.of("type", "typing.stop", "cid", "messaging:rt"));
                assertThat(alice.await("typing.stop", 10)).containsEntry("user_id", "carol");
                // a typing.start without a stop expires by itself
                carol.send(Map.of("type", "typing.start", "cid", "messaging:rt"));
                alice.await("typing.start", 10);
                assertThat(alice.await("typing.stop", 15)).containsEntry("user_id", "carol");

                carol.send(Map.of("type", "custom", "cid", "messaging:rt", "event", Map.of("type", "poll.vote", "option", 2)));
                assertThat(alice.await("poll.vote", 10)).containsEntry("option", 2).containsEntry("user_id", "carol");
                carol.send(Map.of("type", "custom", "cid", "messaging:rt", "event", Map.of("type", "message.new", "text", "forged")));
                Map<String, Object> err = carol.await("error", 10);
                assertThat(err.get("error")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("field", "event.type");
                carol.send(Map.of("type", "typing.start", "cid", "messaging:not-mine"));
                assertThat(carol.await("error", 10).get("error")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                        .containsEntry("code", "channel_not_found");
            }
            assertThat(alice.await(e -> "user.presence.changed".equals(e.get("type")) && "carol".equals(e.get("user_id")), 10).get("user"))
                    .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("online", false);

            try (WsClient noPresence = WsClient.connect(appliance, api.apiKey, api.userToken("bob"), false)) {
                noPresence.await("health.check", 10);
                try (WsClient carolAgain = WsClient.connect(appliance, api.apiKey, api.userToken("carol"))) {
                    carolAgain.await("health.check", 10);
                    alice.await(e -> "user.presence.changed".equals(e.get("type")) && "carol".equals(e.get("user_id")), 10);
                }
                Thread.sleep(500);
                assertThat(noPresence.seen).as("presence is opt-in").noneMatch(e -> "user.presence.changed".equals(e.get("type")));
            }

            try (WsClient dan = WsClient.connect(appliance, api.apiKey, api.userToken("dan"))) {
                dan.await("health.check", 10);
                api.as("alice", "POST", "/channels/messaging/rt", Map.of("add_members", List.of("dan")));
                assertThat(dan.await("notification.added_to_channel", 10)).containsEntry("cid", "messaging:rt");
                api.as("alice", "POST", "/channels/messaging/rt", Map.of("remove_members", List.of("dan")));
                assertThat(dan.await("notification.removed_from_channel", 10)).containsEntry("cid", "messaging:rt");
            }
        }
    }
}
