package io.chatsdk.connectors.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A STAND-IN for an on-premises model server speaking OpenAI's embeddings API (vLLM, llama.cpp, Ollama, TEI): no such
 * server can run here. It answers {@code POST /v1/embeddings} as OpenAI documents it ({@code {"model", "input"}} in;
 * {@code {"object": "list", "data": [{"object": "embedding", "index": 0, "embedding": [...]}], "model", "usage"}} out,
 * 401 with an {@code error} object for a wrong bearer key, 400 for a body that is not a request), computing each vector
 * with the real all-MiniLM-L6-v2, so that what is found by meaning through it is real. It keeps every input it was sent
 * and counts calls, so tests prove what left the engine; {@link #misbehave} makes it fail in chosen ways.
 */
final class OpenAiStandIn implements AutoCloseable {
    /** How the stand-in answers: properly, or with one of the failures a real server shows. */
    enum Mode { NORMAL, ERROR_503, REFUSE_400, MALFORMED, OTHER_DIMENSIONS, HUGE, REDIRECT, SLOW }

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL = "all-minilm-l6-v2";

    private final HttpServer server;
    private final String apiKey;
    private final LocalEmbedder model = new LocalEmbedder();
    final AtomicInteger calls = new AtomicInteger();
    /** Requests that reached {@code /v1/elsewhere}, where {@link Mode#REDIRECT} points. */
    final AtomicInteger redirected = new AtomicInteger();
    final List<String> inputs = new CopyOnWriteArrayList<>();
    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.NORMAL);

    OpenAiStandIn(String apiKey) throws IOException {
        this.apiKey = apiKey;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/embeddings", this::embeddings);
        server.createContext("/v1/elsewhere", x -> {
            try (x) {
                redirected.incrementAndGet();
                answer(x, 200, JSON.createObjectNode());
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
    }

    /** {@code http://127.0.0.1:<port>/v1}: the base URL a client is configured with. */
    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    int port() {
        return server.getAddress().getPort();
    }

    void misbehave(Mode m) {
        mode.set(m);
    }

    private void embeddings(HttpExchange x) throws IOException {
        try (x) {
            calls.incrementAndGet();
            if (!"POST".equals(x.getRequestMethod())) {
                answer(x, 405, error("method not allowed", "invalid_request_error"));
                return;
            }
            if (apiKey != null && !("Bearer " + apiKey).equals(x.getRequestHeaders().getFirst("Authorization"))) {
                answer(x, 401, error("Incorrect API key provided.", "invalid_request_error"));
                return;
            }
            JsonNode request;
            try {
                request = JSON.readTree(x.getRequestBody().readAllBytes());
            } catch (IOException e) {
                answer(x, 400, error("We could not parse the JSON body of your request.", "invalid_request_error"));
                return;
            }
            if (request == null || !request.path("input").isTextual() || !MODEL.equals(request.path("model").asText())) {
                answer(x, 400, error("input must be a string and model '" + MODEL + "'", "invalid_request_error"));
                return;
            }
            String input = request.get("input").asText();
            inputs.add(input);
            Mode m = mode.get();
            switch (m) {
                case ERROR_503 -> answer(x, 503, error("The server is overloaded.", "server_error"));
                case REFUSE_400 -> answer(x, 400, error("This model's maximum context length was exceeded.", "invalid_request_error"));
                case REDIRECT -> {
                    x.getResponseHeaders().set("Location", "/v1/elsewhere");
                    x.sendResponseHeaders(307, -1);
                }
                case MALFORMED -> {
                    x.sendResponseHeaders(200, 0);
                    x.getResponseBody().write("{\"data\": [{\"embedding\": [0.1, 0.2".getBytes(StandardCharsets.UTF_8));
                }
                default -> {
                    if (m == Mode.SLOW) {
                        try {
                            Thread.sleep(1_000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    float[] v = model.embed(input);
                    int size = m == Mode.OTHER_DIMENSIONS ? v.length / 2 : m == Mode.HUGE ? v.length * 30 : v.length;
                    ObjectNode out = JSON.createObjectNode().put("object", "list").put("model", MODEL);
                    ObjectNode item = out.putArray("data").addObject().put("object", "embedding").put("index", 0);
                    ArrayNode values = item.putArray("embedding");
                    for (int i = 0; i < size; i++) {
                        values.add(v[i % v.length] * 3);   // not of unit length: the client normalises
                    }
                    out.putObject("usage").put("prompt_tokens", input.length() / 4).put("total_tokens", input.length() / 4);
                    answer(x, 200, out);
                }
            }
        }
    }

    private static ObjectNode error(String message, String type) {
        ObjectNode e = JSON.createObjectNode();
        e.putObject("error").put("message", message).put("type", type).putNull("param").putNull("code");
        return e;
    }

    private static void answer(HttpExchange x, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream o = x.getResponseBody()) {
            o.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
