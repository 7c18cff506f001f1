package io.chatsdk.installer;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatsdk.jakarta.Tokens;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The chat and operator APIs as a client sees them, through a base URL (a node, or the TLS proxy trusting a CA). */
final class Chat {
    static final ObjectMapper JSON = new ObjectMapper();

    record Res(int status, Map<String, Object> json, HttpResponse<String> raw) {
        @SuppressWarnings("unchecked")
        Map<String, Object> obj(String key) {
            return (Map<String, Object>) json.get(key);
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list(String key) {
            return (List<Map<String, Object>>) json.get(key);
        }
    }

    final String base;
    final HttpClient http;
    String apiKey;
    String secret;

    Chat(String base, HttpClient http) {
        this.base = base;
        this.http = http;
    }

    /** An HTTP client that trusts only the PEM CA certificate {@code ca}, and speaks TLS 1.3 or 1.2 as asked. */
    static HttpClient trusting(Path ca, String... protocols) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(ca)) {
            ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        SSLParameters params = ctx.getDefaultSSLParameters();
        if (protocols.length > 0) {
            params.setProtocols(protocols);
        }
        return HttpClient.newBuilder().sslContext(ctx).sslParameters(params).connectTimeout(Duration.ofSeconds(10)).build();
    }

    static HttpClient plain() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    Res send(String method, String path, Object body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        headers.forEach(b::header);
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        Map<String, Object> json = Map.of();
        if (r.body().strip().startsWith("{")) {
            json = JSON.readValue(r.body(), new TypeReference<LinkedHashMap<String, Object>>() {
            });
        }
        return new Res(r.statusCode(), json, r);
    }

    /** Creates an app with the operator token and keeps its credentials. */
    Chat newApp(String operatorToken, String name) throws Exception {
        Res r = send("POST", "/admin/api/apps", Map.of("name", name), Map.of("Authorization", "Bearer " + operatorToken));
        if (r.status() != 201) {
            throw new AssertionError("could not create an app: " + r.status() + " " + r.raw().body());
        }
        apiKey = (String) r.json().get("api_key");
        secret = (String) r.json().get("api_secret");
        return this;
    }

    /** The same app's credentials, through another base URL. */
    Chat via(String otherBase, HttpClient otherHttp) {
        Chat c = new Chat(otherBase, otherHttp);
        c.apiKey = apiKey;
        c.secret = secret;
        return c;
    }

    String userToken(String user) {
        return Tokens.user(secret, user, Instant.now(), Instant.now().plusSeconds(3600));
    }

    Res asServer(String method, String path, Object body) throws Exception {
        return send(method, "/api/v1" + path + (path.contains("?") ? "&" : "?") + "api_key=" + apiKey, body,
                Map.of("Authorization", Tokens.server(secret, Instant.now())));
    }

    Res as(String user, String method, String path, Object body) throws Exception {
        return send(method, "/api/v1" + path + (path.contains("?") ? "&" : "?") + "api_key=" + apiKey, body, Map.of("Authorization", userToken(user)));
    }

    void users(String... ids) throws Exception {
        Map<String, Object> users = new LinkedHashMap<>();
        for (String id : ids) {
            users.put(id, Map.of("id", id, "name", "User " + id));
        }
        Res r = asServer("POST", "/users", Map.of("users", users));
        if (r.status() != 200) {
            throw new AssertionError("upsert failed: " + r.status() + " " + r.raw().body());
        }
    }

    /** Every message id of a channel, oldest first, paging by seq. */
    List<String> messageIds(String user, String type, String id) throws Exception {
        List<String> ids = new ArrayList<>();
        long after = 0;
        while (true) {
            Res r = as(user, "GET", "/channels/" + type + "/" + id + "/messages?seq_gt=" + after + "&limit=100", null);
            if (r.status() != 200) {
                throw new AssertionError("listing failed: " + r.status() + " " + r.raw().body());
            }
            List<Map<String, Object>> page = r.list("messages");
            if (page.isEmpty()) {
                return ids;
            }
            for (Map<String, Object> m : page) {
                ids.add((String) m.get("id"));
                after = ((Number) m.get("seq")).longValue();
            }
        }
    }

    /** A WebSocket as {@code user}, collecting the events it receives. */
    Socket connect(String wsBase, HttpClient client, String user) throws Exception {
        Socket s = new Socket();
        String q = "?api_key=" + URLEncoder.encode(apiKey, StandardCharsets.UTF_8) + "&authorization=" + URLEncoder.encode(userToken(user), StandardCharsets.UTF_8);
        s.ws = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(URI.create(wsBase + "/api/v1/connect" + q), s).get(20, TimeUnit.SECONDS);
        return s;
    }

    static final class Socket implements WebSocket.Listener, AutoCloseable {
        final BlockingQueue<Map<String, Object>> events = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket ws;

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    events.add(JSON.readValue(partial.toString(), new TypeReference<LinkedHashMap<String, Object>>() {
                    }));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            w.request(1);
            return null;
        }

        /** The next event of {@code type} within {@code seconds}, skipping others; fails otherwise. */
        Map<String, Object> await(String type, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline) {
                Map<String, Object> e = events.poll(100, TimeUnit.MILLISECONDS);
                if (e != null && type.equals(e.get("type"))) {
                    return e;
                }
            }
            throw new AssertionError("no " + type + " within " + seconds + " s");
        }

        @Override
        public void close() {
            ws.abort();
        }
    }
}
