package io.chatsdk.jakarta;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The chat API's contract as JSON Schema: a schema per request, response, error and WebSocket event, and which
 * operation uses which. It is read from {@code api-schemas.json} beside this class; the appliance serves it inside its
 * OpenAPI document at {@code /openapi}, and the SDKs generate their types from that document. An embedder can build its
 * own document from it. The contract has its own {@link #version() version}, which changes when a shape changes.
 *
 * <p>Schemas are OpenAPI 3.0 Schema Objects as nested maps; {@code $ref}s point at {@code #/components/schemas/NAME}.
 * Immutable and thread-safe.
 */
public final class ApiSchemas {
    private static final String RESOURCE = "api-schemas.json";
    private static volatile ApiSchemas loaded;

    private final String version;
    private final Map<String, Map<String, Object>> schemas;
    private final Map<String, Operation> operations;
    private final Map<String, Map<String, Object>> events;

    /**
     * The schemas of one operation.
     *
     * @param request   the JSON body's schema, or null for operations without a body
     * @param responses the success status ({@code "200"}, {@code "201"}) to the body's schema
     */
    public record Operation(Map<String, Object> request, Map<String, Map<String, Object>> responses) {
    }

    private ApiSchemas(Map<String, Object> doc) {
        this.version = (String) doc.get("version");
        this.schemas = unmodifiable(cast(doc.get("schemas")));
        Map<String, Operation> ops = new LinkedHashMap<>();
        Map<String, Map<String, Object>> rawOps = cast(doc.get("operations"));
        rawOps.forEach((key, op) -> ops.put(key, new Operation(cast(op.get("request")), unmodifiable(cast(op.get("responses"))))));
        this.operations = Collections.unmodifiableMap(ops);
        this.events = unmodifiable(cast(doc.get("events")));
    }

    /** The catalogue shipped with this jar. */
    public static ApiSchemas get() {
        ApiSchemas s = loaded;
        if (s == null) {
            try (InputStream in = ApiSchemas.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is missing from the chat-engine-jakarta jar");
                }
                s = new ApiSchemas(new ObjectMapper().readValue(in, new TypeReference<LinkedHashMap<String, Object>>() {
                }));
            } catch (IOException e) {
                throw new UncheckedIOException("could not read " + RESOURCE, e);
            }
            loaded = s;
        }
        return s;
    }

    /** The contract's version (semantic versioning: the major number changes when a shape changes incompatibly). */
    public String version() {
        return version;
    }

    /** Every named schema, for {@code components.schemas}. */
    public Map<String, Map<String, Object>> schemas() {
        return schemas;
    }

    /**
     * The schemas of an operation of the chat API.
     *
     * @param method an HTTP method, upper case
     * @param path   the path relative to {@code /api/v1}, with path parameters as in the JAX-RS annotations
     *               ({@code /channels/{type}/{id}/message})
     */
    public Optional<Operation> operation(String method, String path) {
        return Optional.ofNullable(operations.get(method + " " + path));
    }

    /** Every operation, keyed {@code "METHOD /path"}. */
    public Map<String, Operation> operations() {
        return operations;
    }

    /** Event type ({@code message.new}) to the schema of its payload. */
    public Map<String, Map<String, Object>> events() {
        return events;
    }

    @SuppressWarnings("unchecked")
    private static <T> Map<String, T> cast(Object o) {
        return o == null ? null : (Map<String, T>) o;
    }

    private static <T> Map<String, T> unmodifiable(Map<String, T> m) {
        return m == null ? Map.of() : Collections.unmodifiableMap(m);
    }
}
