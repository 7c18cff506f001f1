package io.chatsdk.appliance;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatsdk.jakarta.Tokens;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small HTTP client for the tests: JSON in and out, one app's credentials, tokens minted with {@link Tokens}. */
public final class Api {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A response: status, headers, raw body and the body parsed as a JSON object (empty if it is not one). */
    public record Res(int status, HttpResponse<String> raw, Map<String, Object> json) {
        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        @SuppressWarnings("unchecked")
        public Map<String, Object> obj(String key) {
            return (Map<String, Object>) json.get(key);
        }

        @SuppressWarnings("unchecked")
        public List<Map<String, Object>> list(String key) {
            return (List<Map<String, Object>>) json.get(key);
        }

        public String code() {
            return (String) json.get("code");
        }

        @Override
        public String toString() {
            return status + " " + raw.body();
        }
    }

    final TestAppliance appliance;
    final String appId;
    final String apiKey;
    final String secret;

    Api(TestAppliance appliance, String appId, String apiKey, String secret) {
        this.appliance = appliance;
        this.appId = appId;
        this.apiKey = apiKey;
        this.secret = secret;
    }

    /** Creates a new app through the operator API and returns a client for it. */
    static Api newApp(TestAppliance appliance, String name) throws Exception {
        Res r = operator(appliance, "POST", "/admin/api/apps", Map.of("name", name));
        if (r.status() != 201) {
            throw new IllegalStateException("could not create an app: " + r);
        }
        return new Api(appliance, (String) r.obj("app").get("id"), (String) r.json().get("api_key"), (String) r.json().get("api_secret"));
    }

    static Res operator(TestAppliance appliance, String method, String path, Object body) throws Exception {
        return send(appliance, method, path, body == null ? null : JSON.writeValueAsString(body), "application/json",
                Map.of("Authorization", "Bearer " + TestAppliance.OPERATOR_TOKEN));
    }

    String serverToken() {
        return Tokens.server(secret, Instant.now());
    }

    String userToken(String userId) {
        return Tokens.user(secret, userId, Instant.now(), Instant.now().plusSeconds(3600));
    }

    Res asServer(String method, String path, Object body) throws Exception {
        return call(method, path, body, serverToken());
    }

    Res as(String userId, String method, String path, Object body) throws Exception {
        return call(method, path, body, userToken(userId));
    }

    Res call(String method, String path, Object body, String token) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        if (token != null) {
            headers.put("Authorization", token);
        }
        return send(appliance, method, withKey(path), body == null ? null : JSON.writeValueAsString(body), "application/json", headers);
    }

    String withKey(String path) {
        return "/api/v1" + path + (path.contains("?") ? "&" : "?") + "api_key=" + apiKey;
    }

    static Res send(TestAppliance appliance, String method, String path, String body, String contentType, Map<String, String> headers) throws Exception {
        return sendBytes(appliance, method, path, body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8), contentType, headers);
    }

    static Res sendBytes(TestAppliance appliance, String method, String path, byte[] body, String contentType, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(appliance.uri(path)).timeout(Duration.ofSeconds(30));
        headers.forEach(b::header);
        if (body != null) {
            if (contentType != null) {
                b.header("Content-Type", contentType);
            }
            b.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        Map<String, Object> json = Map.of();
        String text = r.body().strip();
        if (text.startsWith("{")) {
            json = JSON.readValue(text, new TypeReference<LinkedHashMap<String, Object>>() {
            });
        }
        return new Res(r.statusCode(), r, json);
    }

    /**
     * A burst of concurrent sends: each of {@code senders}, on a thread of its own, sends {@code perSender} messages
     * ({@code "<prefix> <sender> <i>"}) to the channel at {@code channel} ({@code type/id}) and reacts to every
     * {@code reactEvery}-th of them, so that events that wait for the relay come between the messages. Returns once every
     * send has been answered; throws if any send or reaction was refused.
     */
    void burst(String channel, List<String> senders, int perSender, int reactEvery, String prefix) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(senders.size());
        try {
            List<java.util.concurrent.Future<?>> running = new java.util.ArrayList<>();
            for (String sender : senders) {
                running.add(pool.submit(() -> {
                    for (int i = 0; i < perSender; i++) {
                        Res res = as(sender, "POST", "/channels/" + channel + "/message", Map.of("message", Map.of("text", prefix + " " + sender + " " + i)));
                        if (res.status() != 201) {
                            throw new IllegalStateException("send refused: " + res);
                        }
                        if (i % reactEvery == reactEvery - 1) {
                            String id = (String) res.obj("message").get("id");
                            Res reaction = as(sender, "POST", "/messages/" + id + "/reaction", Map.of("reaction", Map.of("type", "like")));
                            if (reaction.status() != 201) {
                                throw new IllegalStateException("reaction refused: " + reaction);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : running) {
                f.get(120, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdown();
        }
    }

    /** Upserts users server-side. */
    void users(String... ids) throws Exception {
        Map<String, Object> users = new LinkedHashMap<>();
        for (String id : ids) {
            users.put(id, Map.of("id", id, "name", "User " + id));
        }
        Res r = asServer("POST", "/users", Map.of("users", users));
        if (r.status() != 200) {
            throw new IllegalStateException("upsert failed: " + r);
        }
    }
}
