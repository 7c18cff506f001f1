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
