package io.chatsdk.connectors.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chatsdk.engine.spi.Embedder;
import io.chatsdk.engine.spi.HttpSender;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Embeddings from a model server the operator runs on-premises that speaks OpenAI's embeddings API
 * ({@code POST <base>/embeddings}, as vLLM, llama.cpp's server, Ollama, LocalAI and Hugging Face's TEI do). Requests leave
 * through the {@link HttpSender} it is given: in the appliance the SSRF-guarded egress client, allowed to reach exactly
 * the configured server. The engine asks only for apps whose AI embeddings are switched on, and only for text that
 * redaction already changed.
 *
 * <pre>{@code
 * Embedder e = new OpenAiCompatibleEmbedder(URI.create("http://models.internal:8000/v1"), "bge-small-en-v1.5", apiKey, sender);
 * ChatEngine engine = ChatEngine.builder().dataSource(ds).keyProvider(kp).embedder(e).build();
 * }</pre>
 *
 * <p>Answers: a 2xx whose {@code data[0].embedding} is a non-empty array of finite numbers (normalised here to unit
 * length); 400, 413 and 422, once the server has given a vector, mean it refused this text (it is left without one);
 * anything else (those statuses before any vector, a transport failure, a truncated or malformed body, a vector of
 * another size than before) throws {@link Embedder.UnavailableException}, after which calls fail at once for
 * {@link #PAUSE}, then one call tries the server while the others still fail at once, so that indexing does not wait
 * on timeouts message by message. Never logs or reports the text, the key or the body. Thread-safe.
 */
public final class OpenAiCompatibleEmbedder implements Embedder {
    /** How long calls fail at once after the server did not answer. */
    public static final Duration PAUSE = Duration.ofSeconds(10);
    /** The largest vector accepted. */
    public static final int MAX_DIMENSIONS = 8192;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final String model;
    private final String apiKey;
    private final HttpSender sender;
    private final Clock clock;
    private final AtomicReference<Instant> pausedUntil = new AtomicReference<>(Instant.MIN);
    private volatile int dimensions;

    /**
     * @param baseUrl the server's API root, {@code http(s)://host[:port]/v1} or whatever path comes before
     *                {@code /embeddings}; no query, no user info
     * @param model   the model name the server knows; stored beside each vector as {@code openai-compatible:<model>}
     * @param apiKey  sent as a bearer token, or null when the server needs none
     * @param sender  how requests leave (the appliance's SSRF-guarded egress)
     */
    public OpenAiCompatibleEmbedder(URI baseUrl, String model, String apiKey, HttpSender sender) {
        this(baseUrl, model, apiKey, sender, Clock.systemUTC());
    }

    OpenAiCompatibleEmbedder(URI baseUrl, String model, String apiKey, HttpSender sender, Clock clock) {
        this.endpoint = endpoint(baseUrl);
        this.model = requireModel(model);
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
        this.sender = Objects.requireNonNull(sender, "sender");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** {@code <base>/embeddings}, after checking the base URL's form. */
    static URI endpoint(URI base) {
        Objects.requireNonNull(base, "baseUrl");
        String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || base.getHost() == null || base.getRawUserInfo() != null
                || base.getRawQuery() != null || base.getRawFragment() != null) {
            throw new IllegalArgumentException("the model server's URL must be http(s)://host[:port][/path], without user info, query or fragment");
        }
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        return base.resolve((path.endsWith("/") ? path : path + "/") + "embeddings");
    }

    private static String requireModel(String model) {
        if (model == null || model.isBlank() || model.length() > 200 || model.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("the model name must be 1 to 200 printable characters");
        }
        return model.strip();
    }

    /** The URL requests go to ({@code <base>/embeddings}). */
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public String model() {
        return "openai-compatible:" + model;
    }

    @Override
    public float[] embed(String text) {
        Objects.requireNonNull(text, "text");
        Instant paused = pausedUntil.get();
        Instant now = clock.instant();
        // after a failure: nobody asks until the pause ends, then one caller asks (it claims the next pause) and the
        // others keep failing at once until it succeeds, so a server coming back is not hit by every waiting caller
        if (now.isBefore(paused) || (!paused.equals(Instant.MIN) && !pausedUntil.compareAndSet(paused, now.plus(PAUSE)))) {
            throw new UnavailableException("the model server did not answer a moment ago; not asked again until " + pausedUntil.get(), null);
        }
        try {
            float[] vector = ask(text);
            pausedUntil.set(Instant.MIN);
            return vector;
        } catch (IllegalArgumentException refusedThisText) {
            pausedUntil.set(Instant.MIN);   // the server answered
            throw refusedThisText;
        }
    }

    private float[] ask(String text) {
        ObjectNode request = JSON.createObjectNode().put("model", model).put("input", text).put("encoding_format", "float");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Accept", "application/json");
        if (apiKey != null) {
            headers.put("Authorization", "Bearer " + apiKey);
        }
        HttpSender.Response response;
        try {
            response = sender.post(endpoint, headers, JSON.writeValueAsBytes(request));
        } catch (Exception e) {
            throw down("the model server could not be reached (" + e.getClass().getSimpleName() + ")", e);
        }
        int status = response.status();
        if ((status == 400 || status == 413 || status == 422) && dimensions > 0) {
            // this text: the server has answered others. Before any answer a 400 more likely means a wrong model name
            // or option, which must not mark every message as refused for good
            throw new IllegalArgumentException("the model server refused the text (HTTP " + status + ")");
        }
        if (status < 200 || status > 299) {
            throw down("the model server answered HTTP " + status, null);
        }
        float[] vector;
        try {
            vector = vector(JSON.readTree(response.body()));
        } catch (java.io.IOException e) {
            // not the parser's message: it may quote the body
            throw down("the model server's answer is not JSON, or was cut at the response size limit", null);
        } catch (IllegalStateException e) {
            throw down("the model server's answer is not an embeddings response: " + e.getMessage(), null);
        }
        int known = dimensions;
        if (known == 0) {
            dimensions = vector.length;
        } else if (known != vector.length) {
            throw down("the model server returned " + vector.length + " dimensions, " + known + " before: was the model changed?", null);
        }
        return vector;
    }

    /** {@code data[0].embedding} of unit length. */
    private static float[] vector(JsonNode root) {
        JsonNode values = root == null ? null : root.path("data").path(0).get("embedding");
        if (values == null || !values.isArray() || values.isEmpty() || values.size() > MAX_DIMENSIONS) {
            throw new IllegalStateException("no data[0].embedding array of 1 to " + MAX_DIMENSIONS + " numbers");
        }
        float[] v = new float[values.size()];
        double norm = 0;
        for (int i = 0; i < v.length; i++) {
            JsonNode n = values.get(i);
            if (!n.isNumber() || !Double.isFinite(n.doubleValue())) {
                throw new IllegalStateException("embedding[" + i + "] is not a finite number");
            }
            v[i] = (float) n.doubleValue();
            norm += (double) v[i] * v[i];
        }
        if (!(norm > 0) || !Double.isFinite(norm)) {
            throw new IllegalStateException("the embedding has no length");
        }
        double scale = 1 / Math.sqrt(norm);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] * scale);
        }
        return v;
    }

    private UnavailableException down(String why, Throwable cause) {
        pausedUntil.set(clock.instant().plus(PAUSE));
        return new UnavailableException(why, cause);
    }
}
