package io.chatsdk.connectors.fcm;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for FCM's HTTP v1 send endpoint (and Google's OAuth token endpoint), on 127.0.0.1, for tests
 * that cannot reach Google. It does what the real service does at its boundary: {@code POST
 * /v1/projects/{project}/messages:send} needs {@code Authorization: Bearer <accepted token>} (else 401
 * UNAUTHENTICATED), a JSON body {@code {"message": {...}}} with known fields and exactly one target
 * ({@code token}, {@code fid}, {@code topic} or {@code condition}), string data values, a {@code "<n>s"} Android
 * ttl and a payload within FCM's 4096 bytes (else 400 INVALID_ARGUMENT), and answers
 * {@code {"name": "projects/{project}/messages/<id>"}} or, for tokens told to fail, the FCM error bodies of
 * {@link FcmFailure}. {@code POST /token} performs the JWT-bearer grant for trusted service accounts
 * ({@link FcmStandInOAuth}). Accepted sends are recorded.
 */
public final class FcmStandIn implements AutoCloseable {

    /** The bearer token the stand-in accepts from the start. */
    static final String TEST_TOKEN = "test-token";

    /** One accepted send as the stand-in parsed it, and when it arrived ({@link System#nanoTime()}). */
    public record Received(String project, JsonNode message, String authorization, String originalHost, long receivedNanos) {
    }

    static final int MAX_PAYLOAD_BYTES = 4096;

    private static final Pattern SEND_PATH = Pattern.compile("/v1/projects/([^/]+)/messages:send");
    private static final Pattern TTL = Pattern.compile("\\d+(\\.\\d{1,9})?s");
    private static final Set<String> TOP_LEVEL = Set.of("message", "validate_only");
    private static final Set<String> MESSAGE_FIELDS = Set.of("name", "data", "notification", "android", "webpush",
            "apns", "fcm_options", "token", "fid", "topic", "condition");
    private static final List<String> TARGETS = List.of("token", "fid", "topic", "condition");
    private static final Set<String> NOTIFICATION_FIELDS = Set.of("title", "body", "image");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final Set<String> acceptedBearers = ConcurrentHashMap.newKeySet();
    private final Map<String, FcmFailure> failures = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger unauthenticated = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong messageIds = new AtomicLong(1_700_000_000_000_000L);
    private final FcmStandInOAuth oauth = new FcmStandInOAuth(acceptedBearers);

    private FcmStandIn() throws IOException {
        acceptedBearers.add(TEST_TOKEN);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public static FcmStandIn start() throws IOException {
        return new FcmStandIn();
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers sends to {@code deviceToken} with {@code failure} from now on. */
    public void failToken(String deviceToken, FcmFailure failure) {
        failures.put(deviceToken, failure);
    }

    /** Lets the service account {@code clientEmail}, signing with {@code key}, obtain access tokens. */
    public void trustServiceAccount(String clientEmail, PublicKey key) {
        oauth.trust(clientEmail, key);
    }

    /** Sends accepted (answered 200), in arrival order. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Authenticated, well-formed send attempts for {@code deviceToken}, failed ones included. */
    public int attemptsFor(String deviceToken) {
        AtomicInteger count = attempts.get(deviceToken);
        return count == null ? 0 : count.get();
    }

    /** Send attempts refused with 401 for a missing or unknown bearer token. */
    int unauthenticatedAttempts() {
        return unauthenticated.get();
    }

    /** The original hosts of the token exchanges granted so far. */
    List<String> tokenExchanges() {
        return oauth.exchanges();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            Matcher send = SEND_PATH.matcher(path);
            if (!"POST".equals(exchange.getRequestMethod())) {
                answer(exchange, 404, FcmStandInJson.error(404, "NOT_FOUND", "Method not found.", null), Map.of());
            } else if (send.matches()) {
                handleSend(exchange, send.group(1));
            } else if ("/token".equals(path)) {
                FcmStandInOAuth.Answer answer = oauth.grant(exchange.getRequestHeaders().getFirst("Content-Type"),
                        body(exchange), exchange.getRequestHeaders().getFirst(LocalEndpointTransport.ORIGINAL_HOST_HEADER));
                answer(exchange, answer.status(), answer.body(), Map.of());
            } else {
                answer(exchange, 404, FcmStandInJson.error(404, "NOT_FOUND", "Not found: " + path, null), Map.of());
            }
        } catch (RuntimeException e) {
            answer(exchange, 500, FcmStandInJson.error(500, "INTERNAL", "stand-in failure: " + e, null), Map.of());
        } finally {
            exchange.close();
        }
    }

    private void handleSend(HttpExchange exchange, String project) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null || !authorization.startsWith("Bearer ")
                || !acceptedBearers.contains(authorization.substring("Bearer ".length()))) {
            unauthenticated.incrementAndGet();
            answer(exchange, 401, FcmStandInJson.error(401, "UNAUTHENTICATED", "Request had invalid authentication"
                    + " credentials. Expected OAuth 2 access token, login cookie or other valid authentication"
                    + " credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
                    null), Map.of("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\""));
            return;
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
            answer(exchange, 400, FcmStandInJson.badRequest("Invalid JSON payload received. Content-Type must be"
                    + " application/json.", ""), Map.of());
            return;
        }
        JsonNode root;
        try {
            root = FcmStandInJson.JSON.readTree(body(exchange));
        } catch (IOException e) {
            answer(exchange, 400, FcmStandInJson.badRequest("Invalid JSON payload received. Unexpected token.", ""),
                    Map.of());
            return;
        }
        String invalid = invalidRequest(root);
        if (invalid != null) {
            answer(exchange, 400, FcmStandInJson.badRequest(invalid, "message"), Map.of());
            return;
        }
        JsonNode message = root.get("message");
        int payload = message.path("data").toString().length() + message.path("notification").toString().length();
        if (payload > MAX_PAYLOAD_BYTES) {
            // what FCM answers for a message over the size limit: no detail at all
            answer(exchange, 400, FcmStandInJson.error(400, "INVALID_ARGUMENT", "Request contains an invalid argument.",
                    null), Map.of());
            return;
        }
        String token = message.path("token").asText(null);
        if (token != null) {
            attempts.computeIfAbsent(token, t -> new AtomicInteger()).incrementAndGet();
            FcmFailure failure = failures.get(token);
            if (failure != null) {
                answer(exchange, failure.status, failure.body, failure.headers);
                return;
            }
        }
        received.add(new Received(project, message, authorization,
                exchange.getRequestHeaders().getFirst(LocalEndpointTransport.ORIGINAL_HOST_HEADER), System.nanoTime()));
        String name = "projects/" + project + "/messages/0:" + messageIds.incrementAndGet() + "%31bd1c9631bd1c96";
        answer(exchange, 200, FcmStandInJson.JSON.createObjectNode().put("name", name).toString(), Map.of());
    }

    /** What is wrong with the request body, in words close to Google's, or null when it is acceptable. */
    private static String invalidRequest(JsonNode root) {
        if (!root.isObject() || !root.path("message").isObject()) {
            return "Invalid JSON payload received. Expected {\"message\": {...}}.";
        }
        String unknown = unknownField(root, TOP_LEVEL);
        if (unknown != null) {
            return "Invalid JSON payload received. Unknown name \"" + unknown + "\": Cannot find field.";
        }
        JsonNode message = root.get("message");
        unknown = unknownField(message, MESSAGE_FIELDS);
        if (unknown != null) {
            return "Invalid JSON payload received. Unknown name \"" + unknown + "\" at 'message': Cannot find field.";
        }
        long targets = TARGETS.stream().filter(message::has).count();
        if (targets == 0) {
            return "Recipient of the message is not set.";
        }
        if (targets > 1) {
            return "Invalid value at 'message' (oneof), oneof field 'target' is already set.";
        }
        for (Map.Entry<String, JsonNode> entry : message.path("data").properties()) {
            if (!entry.getValue().isTextual()) {
                return "Invalid value at 'message.data[" + entry.getKey() + "].value' (TYPE_STRING)";
            }
        }
        if (message.has("notification") && unknownField(message.get("notification"), NOTIFICATION_FIELDS) != null) {
            return "Invalid JSON payload received. Unknown name at 'message.notification'.";
        }
        JsonNode ttl = message.path("android").path("ttl");
        if (!ttl.isMissingNode() && !TTL.matcher(ttl.asText()).matches()) {
            return "Invalid value at 'message.android.ttl' (type.googleapis.com/google.protobuf.Duration)";
        }
        for (Iterator<JsonNode> it = message.path("apns").path("headers").elements(); it.hasNext(); ) {
            if (!it.next().isTextual()) {
                return "Invalid value at 'message.apns.headers' (TYPE_STRING)";
            }
        }
        return null;
    }

    private static String unknownField(JsonNode node, Set<String> known) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                return name;
            }
        }
        return null;
    }

    private static String body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void answer(HttpExchange exchange, int status, String body, Map<String, String> headers)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        headers.forEach(exchange.getResponseHeaders()::set);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
