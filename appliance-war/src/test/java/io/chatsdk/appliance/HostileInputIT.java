package io.chatsdk.appliance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Malformed, oversized, mistyped and broken bodies get a clear 4xx problem, never a 500 or a stack trace. */
class HostileInputIT {
    static TestAppliance appliance;
    static Api api;

    @BeforeAll
    static void start() throws Exception {
        appliance = TestAppliance.shared();
        api = Api.newApp(appliance, "hostile");
        api.users("alice", "bob", "rl");
        api.as("alice", "POST", "/channels/messaging/general/query", Map.of("data", Map.of("members", List.of("alice", "bob"))));
    }

    private static Api.Res raw(String body, String contentType) throws Exception {
        return Api.send(appliance, "POST", api.withKey("/channels/messaging/general/message"), body, contentType,
                Map.of("Authorization", api.userToken("alice")));
    }

    private static void assertProblem(Api.Res r, int status, String code) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.code()).as(r.toString()).isEqualTo(code);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.raw().body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("java.");
    }

    @Test
    void malformedJson() throws Exception {
        assertProblem(raw("{\"message\": {\"text\": \"hi\"", "application/json"), 400, "malformed_json");
        assertProblem(raw("[1, 2, 3]", "application/json"), 400, "malformed_json");
        assertProblem(raw("{\"message\": {\"text\": \"a\"}} trailing", "application/json"), 400, "malformed_json");
        assertProblem(raw("{\"message\": {\"text\": \"a\", \"text\": \"b\"}}", "application/json"), 400, "malformed_json");
        Api.Res badUtf8 = Api.sendBytes(appliance, "POST", api.withKey("/channels/messaging/general/message"),
                new byte[] {'{', '"', 'm', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}, "application/json",
                Map.of("Authorization", api.userToken("alice")));
        assertProblem(badUtf8, 400, "malformed_json");
    }

    @Test
    void wrongContentTypeAndUnknownFields() throws Exception {
        assertProblem(raw("{\"message\": {\"text\": \"hi\"}}", "text/plain"), 415, "unsupported_media_type");
        Api.Res typo = raw("{\"mesage\": {\"text\": \"hi\"}}", "application/json");
        assertProblem(typo, 400, "unknown_field");
        assertThat(typo.json()).containsEntry("field", "mesage");
        Api.Res wrongType = raw("{\"message\": {\"text\": 42}}", "application/json");
        assertProblem(wrongType, 400, "validation_error");
        assertThat(wrongType.json()).containsEntry("field", "message.text");
        Api.Res reserved = raw("{\"message\": {\"text\": \"x\", \"seq\": 7}}", "application/json");
        assertProblem(reserved, 400, "validation_error");
    }

    @Test
    void oversizedBodies() throws Exception {
        String big = "{\"message\": {\"text\": \"" + "x".repeat(TestAppliance.MAX_BODY_BYTES) + "\"}}";
        assertProblem(raw(big, "application/json"), 413, "payload_too_large");
        String longText = "{\"message\": {\"text\": \"" + "y".repeat(5001) + "\"}}";
        Api.Res tooLong = raw(longText, "application/json");
        assertProblem(tooLong, 400, "validation_error");
        assertThat(tooLong.json()).containsEntry("field", "text");
    }

    @Test
    void brokenUnicodeAndControlCharacters() throws Exception {
        Api.Res lone = raw("{\"message\": {\"text\": \"bad \\ud800 half\"}}", "application/json");
        assertProblem(lone, 400, "validation_error");
        assertThat((String) lone.json().get("detail")).contains("lone surrogate");
        assertProblem(raw("{\"message\": {\"text\": \"nul \\u0000\"}}", "application/json"), 400, "validation_error");
        Api.Res emoji = raw("{\"message\": {\"text\": \"ok \uD83D\uDE00\"}}", "application/json");
        assertThat(emoji.status()).isEqualTo(201);
        assertThat(emoji.obj("message").get("text")).isEqualTo("ok \uD83D\uDE00");
        assertThat(new String(emoji.raw().body().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).contains("\uD83D\uDE00");
    }

    @Test
    void unknownEndpointsAndMethods() throws Exception {
        assertProblem(api.as("alice", "GET", "/nope", null), 404, "not_found");
        assertProblem(api.as("alice", "PATCH", "/unread", Map.of()), 405, "method_not_allowed");
        assertProblem(api.as("alice", "GET", "/messages/has%20space", null), 400, "validation_error");
    }

    @Test
    void concurrentDuplicateSendsStoreOneMessage() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Api.Res>> futures = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            futures.add(pool.submit(() -> api.as("bob", "POST", "/channels/messaging/general/message",
                    Map.of("message", Map.of("id", "dup-1", "text", "only once")))));
        }
        Set<Object> seqs = ConcurrentHashMap.newKeySet();
        for (Future<Api.Res> f : futures) {
            Api.Res r = f.get();
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            seqs.add(r.obj("message").get("seq"));
        }
        pool.shutdown();
        assertThat(seqs).hasSize(1);
    }

    @Test
    void rateLimitGives429WithHeaders() throws Exception {
        Api.Res last = null;
        for (int i = 0; i < TestAppliance.UNREAD_LIMIT_PER_USER; i++) {
            last = api.as("rl", "GET", "/unread", null);
            assertThat(last.status()).isEqualTo(200);
        }
        assertThat(last.header("X-RateLimit-Limit")).isEqualTo(String.valueOf(TestAppliance.UNREAD_LIMIT_PER_USER));
        assertThat(last.header("X-RateLimit-Remaining")).isEqualTo("0");
        Api.Res limited = api.as("rl", "GET", "/unread", null);
        assertProblem(limited, 429, "rate_limited");
        assertThat(limited.header("X-RateLimit-Limit")).isEqualTo(String.valueOf(TestAppliance.UNREAD_LIMIT_PER_USER));
        assertThat(limited.header("X-RateLimit-Remaining")).isEqualTo("0");
        long reset = Long.parseLong(limited.header("X-RateLimit-Reset"));
        assertThat(reset).isBetween(System.currentTimeMillis() / 1000, System.currentTimeMillis() / 1000 + 61);
        assertThat(limited.header("Retry-After")).isNotNull();
        // another user is not affected
        assertThat(api.as("alice", "GET", "/unread", null).status()).isEqualTo(200);
    }
}
