package io.chatsdk.appliance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Weaknesses found by reading the code as an attacker would (issue #14), each with the call that used to get through:
 * custom events from users who may not send, user-set config overrides, channel data grown by repeated partial
 * updates, script and data links in URL fields, card numbers stored in clear by new apps, and demo tokens handed to
 * whoever reaches the port through a proxy.
 */
class HardeningIT {
    static TestAppliance appliance;
    static Api api;

    @BeforeAll
    static void start() throws Exception {
        appliance = TestAppliance.shared();
        api = Api.newApp(appliance, "hardening");
        api.users("ann", "ben", "eve", "viewer");
        api.asServer("POST", "/channels/messaging/h1/query", Map.of("data", Map.of("members", List.of("ann", "ben", "eve"), "created_by_id", "ann")));
    }

    @Test
    void customEventsNeedWhatAMessageNeeds() throws Exception {
        Map<String, Object> ping = Map.of("event", Map.of("type", "poll.vote", "choice", 1));
        assertThat(api.as("ben", "POST", "/channels/messaging/h1/event", ping).status()).isEqualTo(201);
        // a channel-banned member can no longer broadcast
        assertThat(api.asServer("POST", "/moderation/ban", Map.of("target_user_id", "eve", "type", "messaging", "id", "h1")).status()).isEqualTo(201);
        assertThat(api.as("eve", "POST", "/channels/messaging/h1/event", ping).code()).isEqualTo("user_banned");
        try (WsClient eve = WsClient.connect(appliance, api.apiKey, api.userToken("eve"))) {
            eve.await("health.check", 10);
            eve.send(Map.of("type", "custom", "cid", "messaging:h1", "event", Map.of("type", "poll.vote")));
            @SuppressWarnings("unchecked")
            Map<String, Object> error = (Map<String, Object>) eve.await("error", 10).get("error");
            assertThat(error).containsEntry("code", "user_banned");
        }
        // a guest watching a livestream may read but not send, so it may not broadcast either
        api.asServer("POST", "/users", Map.of("users", Map.of("viewer", Map.of("id", "viewer", "role", "guest"))));
        api.asServer("POST", "/channels/livestream/h-live/query", Map.of("data", Map.of("created_by_id", "ann")));
        assertThat(api.as("viewer", "GET", "/channels/livestream/h-live/messages", null).status()).isEqualTo(200);
        assertThat(api.as("viewer", "POST", "/channels/livestream/h-live/event", ping).status()).isEqualTo(403);
        // a frozen channel takes no custom events from members
        assertThat(api.asServer("PATCH", "/channels/messaging/h1", Map.of("set", Map.of("frozen", true))).status()).isEqualTo(200);
        assertThat(api.as("ben", "POST", "/channels/messaging/h1/event", ping).code()).isEqualTo("channel_frozen");
        assertThat(api.asServer("PATCH", "/channels/messaging/h1", Map.of("set", Map.of("frozen", false))).status()).isEqualTo(200);
    }

    /**
     * Item 2: a flood of forged tokens is counted into a few audit records rather than one per request, and once its
     * address has spent its budget (100 a minute) it is refused with 429 before any work, while other addresses go on.
     * The flood comes from an address of its own (127.0.0.77), so the shared appliance's other tests keep their budget.
     */
    @Test
    void aFloodOfFailedAuthenticationsIsCountedAndItsAddressRefused() throws Exception {
        String forged = api.userToken("ann") + "x";
        int sent = 130;
        List<Integer> statuses = new java.util.ArrayList<>();
        List<String> others = new java.util.ArrayList<>();   // any answer but 401 and 429, with its body: what went wrong, on failure
        byte[] request = ("POST /api/v1/channels/messaging/h1/query?api_key=" + api.apiKey + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: " + forged + "\r\nUser-Agent: flood/1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        int reconnects = 0;
        long started = System.nanoTime();
        while (statuses.size() < sent) {
            // one keep-alive connection from 127.0.0.77; a server may close an idle keep-alive connection between two
            // requests, and then the request written into the closing connection is sent again on a new one
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.bind(new java.net.InetSocketAddress("127.0.0.77", 0));
                socket.connect(new java.net.InetSocketAddress("127.0.0.1", appliance.port), 5000);
                socket.setSoTimeout(10_000);
                var out = socket.getOutputStream();
                var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), java.nio.charset.StandardCharsets.ISO_8859_1));
                while (statuses.size() < sent) {
                    Integer status;
                    try {
                        out.write(request);
                        out.flush();
                        status = readResponse(in, others, statuses.size());
                    } catch (java.net.SocketException closed) {
                        status = null;
                    }
                    if (status == null) {
                        break;
                    }
                    statuses.add(status);
                }
            }
            assertThat(++reconnects).as("connections the flood needed").isLessThan(10);
        }
        // the budget refills at 100 a minute, one every 0.6 s: a flood slower than that (a cold appliance) earns a few more
        long refilled = (System.nanoTime() - started) / 600_000_000L + 1;
        // on failure: what came back, and why the appliance says it answered 503 (ProblemMappers logs each 503's causes)
        java.util.function.Supplier<String> why = () -> "answers other than 401 and 429: " + others + "; the appliance's log: " + logLines("answered 503");
        assertThat(statuses.subList(0, 100)).as(why).containsOnly(401);
        assertThat(statuses.subList(100, sent)).as(why).isSubsetOf(401, 429);
        assertThat(statuses.subList(100, sent).stream().filter(st -> st == 401).count()).as("401s past the budget").isLessThanOrEqualTo(refilled);
        assertThat(statuses.get(sent - 1)).isEqualTo(429);
        // loopback, another address, is not refused
        assertThat(api.as("ann", "POST", "/channels/messaging/h1/query", Map.of()).status()).isEqualTo(200);
        Api.Res refused = Api.send(appliance, "POST", "/api/v1/channels/messaging/h1/query?api_key=" + api.apiKey, "{}", "application/json",
                Map.of("Authorization", forged, "X-Forwarded-For", "127.0.0.77"));
        assertThat(refused.status()).as("X-Forwarded-For from an untrusted peer is not believed").isEqualTo(401);
        // every failure is in the app's chain, as a handful of counted records (one per 2 s window here)
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() -> {
            List<Map<String, Object>> records = Api.operator(appliance, "GET", "/admin/api/apps/" + api.appId
                    + "/compliance/audit?action=auth.rejected&limit=1000", null).list("records").stream()
                    .filter(r -> "127.0.0.77".equals(r.get("ip"))).toList();
            @SuppressWarnings("unchecked")
            long counted = records.stream().mapToLong(r -> Long.parseLong((String) ((Map<String, Object>) r.get("details")).get("count"))).sum();
            assertThat(counted).isEqualTo(sent);
            assertThat(records).hasSizeLessThanOrEqualTo(8).extracting(r -> r.get("reason")).containsOnly("token_signature_invalid", "too_many_auth_failures");
        });
    }

    /** The lines of the shared appliance's log that contain {@code text}, the last five. */
    private static List<String> logLines(String text) {
        try (var lines = java.nio.file.Files.lines(appliance.log, java.nio.charset.StandardCharsets.ISO_8859_1)) {
            List<String> found = lines.filter(l -> l.contains(text)).toList();
            return found.subList(Math.max(0, found.size() - 5), found.size());
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return List.of("(the log could not be read: " + e + ")");
        }
    }

    /**
     * The status of one HTTP/1.1 response; null when the server closed the connection. The body is discarded, unless
     * the status is neither 401 nor 429: then it goes in {@code others} with the request's index and the time.
     */
    private static Integer readResponse(java.io.BufferedReader in, List<String> others, int index) throws java.io.IOException {
        String status = in.readLine();
        if (status == null) {
            return null;
        }
        int length = 0;
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < length; i++) {
            body.append((char) in.read());
        }
        int code = Integer.parseInt(status.split(" ")[1]);
        if (code != 401 && code != 429) {
            others.add("#" + index + " at " + java.time.Instant.now() + ": " + code + " " + body);
        }
        return code;
    }

    @Test
    void onlyTheServerOverridesAChannelsConfig() throws Exception {
        Map<String, Object> overrides = Map.of("config_overrides", Map.of("reactions", true));
        assertThat(api.as("ann", "POST", "/channels/messaging/h-over/query", Map.of("data", Map.of("members", List.of("ann"), "config_overrides",
                Map.of("reactions", true)))).code()).isEqualTo("forbidden");
        assertThat(api.as("ann", "POST", "/channels/messaging/h1", Map.of("data", overrides)).code()).isEqualTo("forbidden");
        assertThat(api.asServer("POST", "/channels/messaging/h-over/query", Map.of("data", Map.of("members", List.of("ann"), "created_by_id", "ann",
                "config_overrides", Map.of("reactions", false)))).status()).isEqualTo(200);
    }

    @Test
    void repeatedPartialUpdatesCannotGrowChannelDataPastTheLimit() throws Exception {
        api.asServer("POST", "/channels/messaging/h-grow/query", Map.of("data", Map.of("members", List.of("ann"), "created_by_id", "ann")));
        String kilobyte = "x".repeat(1000);
        int accepted = 0;
        Api.Res last = null;
        for (int i = 0; i < 10; i++) {
            last = api.as("ann", "PATCH", "/channels/messaging/h-grow", Map.of("set", Map.of("k" + i, kilobyte)));
            if (last.status() != 200) {
                break;
            }
            accepted++;
        }
        assertThat(accepted).isBetween(3, 5);
        assertThat(last.code()).isEqualTo("validation_error");
        // nothing of the refused update was kept
        Map<String, Object> channel = api.as("ann", "POST", "/channels/messaging/h-grow/query", Map.of()).obj("channel");
        assertThat(channel).containsKey("k" + (accepted - 1)).doesNotContainKey("k" + accepted);
    }

    @Test
    void urlFieldsTakeHttpLinksOnly() throws Exception {
        for (String bad : List.of("javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "//evil.example/x", "JAVASCRIPT:alert(1)")) {
            assertThat(api.asServer("POST", "/users", Map.of("users", Map.of("ann", Map.of("id", "ann", "image", bad)))).code()).as(bad)
                    .isEqualTo("validation_error");
            assertThat(api.as("ann", "PATCH", "/channels/messaging/h1", Map.of("set", Map.of("image", bad))).code()).as(bad).isEqualTo("validation_error");
            for (String field : List.of("title_link", "og_scrape_url", "image_url", "author_link")) {
                Api.Res r = api.as("ann", "POST", "/channels/messaging/h1/message", Map.of("message", Map.of("text", "link",
                        "attachments", List.of(Map.of("type", "link", field, bad)))));
                assertThat(r.code()).as(field + " " + bad).isEqualTo("validation_error");
            }
        }
        assertThat(api.as("ann", "POST", "/channels/messaging/h1/message", Map.of("message", Map.of("text", "link", "attachments",
                List.of(Map.of("type", "link", "title_link", "https://example.com/a", "og_scrape_url", "https://example.com/a"))))).status()).isEqualTo(201);
        assertThat(api.asServer("POST", "/users", Map.of("users", Map.of("ann", Map.of("id", "ann", "image", "https://cdn.example.com/ann.png"))))
                .status()).isEqualTo(200);
    }

    @Test
    void newAppsMaskCardNumbers() throws Exception {
        Api fresh = Api.newApp(appliance, "hardening-pan");
        fresh.users("pat");
        fresh.as("pat", "POST", "/channels/messaging/pay/query", Map.of("data", Map.of("members", List.of("pat"))));
        Api.Res sent = fresh.as("pat", "POST", "/channels/messaging/pay/message", Map.of("message", Map.of("text", "card 4111 1111 1111 1111 thanks")));
        assertThat(sent.status()).isEqualTo(201);
        assertThat((String) sent.obj("message").get("text")).doesNotContain("4111 1111 1111 1111").contains("1111").contains("thanks");
        assertThat(Api.operator(appliance, "GET", "/admin/api/apps/" + fresh.appId + "/compliance/redaction", null).obj("redaction"))
                .containsEntry("policy", "mask");
    }

    @Test
    void crossOriginCallsAreAllowedFromTheListedOriginsOnly() throws Exception {
        // the shared appliance lists https://app.example (CHATSDK_CORS_ALLOWED_ORIGINS)
        Api.Res preflight = Api.send(appliance, "OPTIONS", "/api/v1/channels", null, null, Map.of("Origin", "https://app.example",
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization,content-type"));
        assertThat(preflight.status()).isEqualTo(204);
        assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example");
        assertThat(preflight.header("Access-Control-Allow-Headers")).contains("Authorization").contains("Content-Type");
        assertThat(preflight.header("Access-Control-Allow-Methods")).contains("PATCH").contains("DELETE");
        assertThat(preflight.header("Access-Control-Allow-Credentials")).isNull();

        for (String origin : List.of("https://evil.example", "https://app.example.evil.example", "null", "http://localhost.evil.example",
                "http://127.0.0.1.evil.example:8081", "http://localhost:8081@evil.example", "file://", "http://10.0.0.1:8081")) {
            Api.Res refused = Api.send(appliance, "OPTIONS", "/api/v1/channels", null, null,
                    Map.of("Origin", origin, "Access-Control-Request-Method", "POST"));
            assertThat(refused.header("Access-Control-Allow-Origin")).as(origin).isNull();
        }

        // a real call from the listed origin gets the API's own answer, readable by the page
        Api.Res call = Api.send(appliance, "GET", "/api/v1/unread?api_key=" + api.apiKey, null, null, Map.of("Origin", "https://app.example"));
        assertThat(call.status()).isEqualTo(401);
        assertThat(call.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example");
        assertThat(call.header("Access-Control-Expose-Headers")).contains("Retry-After").contains("X-RateLimit-Remaining");
        assertThat(Api.send(appliance, "GET", "/api/v1/unread?api_key=" + api.apiKey, null, null, Map.of("Origin", "https://evil.example"))
                .header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void inDemoModePagesOnThisMachineMayCallTheApiAndReadTheDemoConfiguration() throws Exception {
        // the shared appliance runs in demo mode: the white-label app's web server (http://localhost:8081) is allowed
        for (String origin : List.of("http://localhost:8081", "http://127.0.0.1:19006", "http://[::1]:8081", "http://localhost")) {
            Api.Res preflight = Api.send(appliance, "OPTIONS", "/api/v1/channels", null, null,
                    Map.of("Origin", origin, "Access-Control-Request-Method", "POST"));
            assertThat(preflight.status()).as(origin).isEqualTo(204);
            assertThat(preflight.header("Access-Control-Allow-Origin")).as(origin).isEqualTo(origin);
        }
        Api.Res demo = Api.send(appliance, "GET", "/demo/config.json", null, null, Map.of("Origin", "http://localhost:8081"));
        assertThat(demo.status()).isEqualTo(200);
        assertThat(demo.header("Access-Control-Allow-Origin")).isEqualTo("http://localhost:8081");
        Api.Res foreign = Api.send(appliance, "GET", "/demo/config.json", null, null, Map.of("Origin", "https://evil.example"));
        assertThat(foreign.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void theBenchmarksUnauthenticatedFloorIsNotServedWithoutItsSwitch() throws Exception {
        // /bench/floor writes to the database for anyone: only an appliance started with CHATSDK_BENCH_ENDPOINTS=true maps
        // it; otherwise it answers every method as a path the appliance never served does
        String body = "{\"message\":{\"text\":\"hi\"},\"channel\":1}";
        for (String method : List.of("POST", "GET", "OPTIONS")) {
            Api.Res floor = Api.send(appliance, method, "/bench/floor", method.equals("POST") ? body : null, "application/json", Map.of());
            Api.Res unknown = Api.send(appliance, method, "/bench/nothing-here", method.equals("POST") ? body : null, "application/json", Map.of());
            assertThat(floor.status()).as(method).isEqualTo(unknown.status());
            if (!method.equals("OPTIONS")) {   // Payara's default servlet answers OPTIONS for any path
                assertThat(floor.status()).as(method).isEqualTo(404);
            }
            assertThat(floor.header("Allow")).as(method).isEqualTo(unknown.header("Allow"));
            assertThat(floor.raw().body()).as(method).isEqualTo(unknown.raw().body().replace("nothing-here", "floor"));
        }
    }

    @Test
    void demoTokensAreNotHandedToProxiedRequests() throws Exception {
        assertThat(Api.send(appliance, "GET", "/demo/config.json", null, null, Map.of()).status()).isEqualTo(200);
        for (String header : List.of("X-Forwarded-For", "Forwarded", "X-Real-IP")) {
            Api.Res proxied = Api.send(appliance, "GET", "/demo/config.json", null, null, Map.of(header, "for=203.0.113.9"));
            assertThat(proxied.status()).as(header).isEqualTo(404);
            assertThat(proxied.raw().body()).doesNotContain("tokens");
        }
    }

    @Test
    void eventsAboutOneUserReachThatUserOnly() throws Exception {
        api.users("pa", "pb", "pc");
        api.asServer("POST", "/channels/messaging/h-own/query", Map.of("data", Map.of("members", List.of("pa", "pb", "pc"), "created_by_id", "pa")));
        api.as("pa", "POST", "/channels/messaging/h-own/message", Map.of("message", Map.of("id", "own-1", "text", "one")));
        try (WsClient pa = WsClient.connect(appliance, api.apiKey, api.userToken("pa"));
             WsClient pb = WsClient.connect(appliance, api.apiKey, api.userToken("pb"));
             WsClient pc = WsClient.connect(appliance, api.apiKey, api.userToken("pc"))) {
            pa.await("health.check", 10);
            pb.await("health.check", 10);
            pc.await("health.check", 10);
            api.as("pa", "POST", "/channels/messaging/h-own/hide", Map.of());
            api.as("pa", "POST", "/channels/messaging/h-own/unread", Map.of("message_id", "own-1"));
            api.asServer("POST", "/moderation/ban", Map.of("target_user_id", "pc", "type", "messaging", "id", "h-own", "reason", "a private reason"));
            assertThat(pa.await("channel.hidden", 10)).containsEntry("user_id", "pa");
            assertThat(pa.await("notification.mark_unread", 10)).containsEntry("user_id", "pa");
            assertThat(pc.await("user.banned", 10)).containsEntry("reason", "a private reason");
            // a message sent afterwards arrives after them (one fan-out thread, outbox order): by then pb would have had them
            api.as("pa", "POST", "/channels/messaging/h-own/message", Map.of("message", Map.of("text", "after")));
            pb.await("message.new", 10);
            assertThat(pb.seen).extracting(e -> e.get("type")).doesNotContain("channel.hidden", "notification.mark_unread", "user.banned");
            assertThat(pb.seen.toString()).doesNotContain("a private reason");
        }
    }

    @Test
    void oneUserCannotHoldUnboundedConnections() throws Exception {
        api.users("many");
        List<WsClient> open = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 25; i++) {
                WsClient c = WsClient.connect(appliance, api.apiKey, api.userToken("many"));
                c.await("health.check", 10);
                open.add(c);
            }
            WsClient extra = WsClient.connect(appliance, api.apiKey, api.userToken("many"));
            open.add(extra);
            assertThat(extra.closeCode(10)).isEqualTo(4429);
            assertThat(extra.closeReason).startsWith("too_many_connections");
            open.get(0).close();
            open.get(0).closeCode(10);
            Thread.sleep(300);
            WsClient again = WsClient.connect(appliance, api.apiKey, api.userToken("many"));
            open.add(again);
            assertThat(again.await("health.check", 10)).isNotNull();
        } finally {
            open.forEach(WsClient::close);
        }
    }

    @Test
    void clientEventsAreRateLimitedAndCustomTypesShareOneMetric() throws Exception {
        try (WsClient ben = WsClient.connect(appliance, api.apiKey, api.userToken("ben"))) {
            ben.await("health.check", 10);
            for (int i = 0; i < 150; i++) {
                ben.send(Map.of("type", "custom", "cid", "messaging:h1", "event", Map.of("type", "zz.metric.probe." + i)));
            }
            Map<String, Object> refused = ben.await(e -> "error".equals(e.get("type"))
                    && "rate_limited".equals(((Map<?, ?>) e.get("error")).get("code")), 15);
            assertThat(refused).containsEntry("in_reply_to", "custom");
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(Api.send(appliance, "GET", "/metrics?scope=application", null, null, Map.of()).raw().body())
                        .contains("chatsdk_events_total").contains("\"custom\"").doesNotContain("zz.metric.probe"));
    }

    @Test
    void theBeforeSendHookHearsOnlyMessagesTheUserMaySend() throws Exception {
        Api hooked = Api.newApp(appliance, "hardening-hook");
        hooked.users("member", "outsider");
        hooked.asServer("POST", "/channels/messaging/hooked/query", Map.of("data", Map.of("members", List.of("member"), "created_by_id", "member")));
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            calls.incrementAndGet();
            byte[] ok = "{\"action\":\"allow\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, ok.length);
            exchange.getResponseBody().write(ok);
            exchange.close();
        });
        receiver.start();
        try {
            String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
            assertThat(hooked.asServer("PUT", "/app/before_send_hook", Map.of("url", url, "timeout_ms", 2000)).status()).isEqualTo(200);
            Api.Res refused = hooked.as("outsider", "POST", "/channels/messaging/hooked/message", Map.of("message", Map.of("text", "let me in")));
            assertThat(refused.status()).isEqualTo(403);
            assertThat(calls.get()).as("the hook was not called for a message that could not be sent").isZero();
            assertThat(hooked.as("member", "POST", "/channels/messaging/hooked/message", Map.of("message", Map.of("text", "hello"))).status()).isEqualTo(201);
            assertThat(calls.get()).isEqualTo(1);
        } finally {
            hooked.asServer("DELETE", "/app/before_send_hook", null);
            receiver.stop(0);
        }
    }

    @Test
    void newAppsRefuseUserTokensThatNeverExpire() throws Exception {
        Api fresh = Api.newApp(appliance, "hardening-exp");
        fresh.users("eternal");
        String forever = io.chatsdk.jakarta.Tokens.user(fresh.secret, "eternal", java.time.Instant.now(), null);
        assertThat(fresh.call("GET", "/unread", null, forever).code()).isEqualTo("token_exp_missing");
        try (WsClient c = WsClient.connect(appliance, fresh.apiKey, forever)) {
            assertThat(c.closeCode(10)).isEqualTo(4401);
            assertThat(c.closeReason).startsWith("token_exp_missing");
        }
        assertThat(fresh.call("GET", "/unread", null, fresh.userToken("eternal")).status()).isEqualTo(200);
        assertThat(fresh.asServer("GET", "/channeltypes", null).status()).as("server tokens are not affected").isEqualTo(200);
        // the operator may allow them again for an app whose backend cannot set exp yet
        Api.Res policy = Api.operator(appliance, "POST", "/admin/api/apps/" + fresh.appId + "/token-policy", Map.of("require_exp", false));
        assertThat(policy.obj("app")).containsEntry("require_token_expiry", false);
        assertThat(fresh.call("GET", "/unread", null, forever).status()).isEqualTo(200);
        assertThat(Api.operator(appliance, "POST", "/admin/api/apps/" + fresh.appId + "/token-policy", Map.of()).code()).isEqualTo("validation_error");
        assertThat(Api.operator(appliance, "POST", "/admin/api/apps/" + fresh.appId + "/token-policy", Map.of("require_exp", "yes")).code())
                .isEqualTo("validation_error");
    }
}
