package io.chatsdk.appliance;

import io.chatsdk.jakarta.ApiSchemas;
import io.chatsdk.jakarta.ChatApi;
import io.chatsdk.jakarta.OperatorApi;
import io.chatsdk.jakarta.ServerOnly;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASModelReader;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.Paths;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds the {@code /openapi} document from the JAX-RS annotations of the chat and operator APIs, so that it lists
 * exactly the endpoints that exist. (Payara's own scanner skips resources packaged in {@code WEB-INF/lib}.)
 */
public class ApiModelReader implements OASModelReader {

    static final String CHAT_BASE = "/api/v1";

    @Override
    public OpenAPI buildModel() {
        ApiSchemas contract = ApiSchemas.get();
        Map<String, PathItem> items = new TreeMap<>();
        add(items, CHAT_BASE, ChatApi.classes(), "chat", contract);
        add(items, "/admin/api", OperatorApi.classes(), "operator", null);
        items.put(CHAT_BASE + "/connect", connect(contract));
        Paths paths = OASFactory.createPaths();
        items.forEach(paths::addPathItem);
        Components components = OASFactory.createComponents();
        contract.schemas().forEach((name, schema) -> components.addSchema(name, schema(schema)));
        Map<String, Object> events = new TreeMap<>();
        contract.events().forEach((type, ref) -> events.put(type, ref.get("$ref")));
        return OASFactory.createOpenAPI()
                .openapi("3.0.3")
                .components(components)
                .addExtension("x-chatsdk-events", events)
                .info(OASFactory.createInfo().title("ChatSDK API").version(contract.version())
                        .description("GetStream-style chat API. Chat endpoints take the app's API key (api_key query parameter or "
                                + "X-Api-Key header) and an HS256 JWT in the Authorization header. Operator endpoints take the operator "
                                + "token as a Bearer token. Errors are application/problem+json with a stable code."))
                .paths(paths);
    }

    private static void add(Map<String, PathItem> items, String base, Set<Class<?>> classes, String tag, ApiSchemas contract) {
        classes.stream().filter(c -> c.isAnnotationPresent(Path.class)).sorted(Comparator.comparing(Class::getName)).forEach(resource -> {
            String root = join(base, resource.getAnnotation(Path.class).value());
            for (Method m : resource.getDeclaredMethods()) {
                String verb = verb(m);
                if (verb == null) {
                    continue;
                }
                String path = m.isAnnotationPresent(Path.class) ? join(root, m.getAnnotation(Path.class).value()) : root;
                PathItem item = items.computeIfAbsent(path, p -> OASFactory.createPathItem());
                Operation op = OASFactory.createOperation()
                        .operationId(resource.getSimpleName().replace("Resource", "") + "_" + m.getName())
                        .addTag(tag)
                        .summary(m.getName() + (m.isAnnotationPresent(ServerOnly.class) || resource.isAnnotationPresent(ServerOnly.class)
                                ? " (server token only)" : ""));
                for (java.lang.reflect.Parameter p : m.getParameters()) {
                    if (p.isAnnotationPresent(PathParam.class)) {
                        op.addParameter(OASFactory.createParameter().name(p.getAnnotation(PathParam.class).value()).in(Parameter.In.PATH).required(true)
                                .schema(OASFactory.createSchema().type(org.eclipse.microprofile.openapi.models.media.Schema.SchemaType.STRING)));
                    } else if (p.isAnnotationPresent(QueryParam.class)) {
                        op.addParameter(OASFactory.createParameter().name(p.getAnnotation(QueryParam.class).value()).in(Parameter.In.QUERY)
                                .schema(OASFactory.createSchema().type(org.eclipse.microprofile.openapi.models.media.Schema.SchemaType.STRING)));
                    }
                }
                ApiSchemas.Operation schemas = contract == null ? null : contract.operation(verb, path.substring(base.length()))
                        .orElseThrow(() -> new IllegalStateException("api-schemas.json lacks " + verb + " " + path));
                if (m.isAnnotationPresent(Consumes.class) || resource.isAnnotationPresent(Consumes.class)) {
                    org.eclipse.microprofile.openapi.models.media.MediaType body = OASFactory.createMediaType();
                    if (schemas != null && schemas.request() != null) {
                        body.schema(schema(schemas.request()));
                    }
                    String type = (m.isAnnotationPresent(Consumes.class) ? m.getAnnotation(Consumes.class) : resource.getAnnotation(Consumes.class)).value()[0];
                    op.requestBody(OASFactory.createRequestBody().required(true).content(OASFactory.createContent().addMediaType(type, body)));
                }
                APIResponses responses = OASFactory.createAPIResponses();
                if (schemas == null) {
                    responses.addAPIResponse("200", OASFactory.createAPIResponse().description("success (201 for creations)"));
                } else {
                    schemas.responses().forEach((status, schema) -> responses.addAPIResponse(status, OASFactory.createAPIResponse()
                            .description("success").content(OASFactory.createContent().addMediaType(binary(contract, schema) ? "application/octet-stream" : "application/json",
                                    OASFactory.createMediaType().schema(schema(schema))))));
                }
                responses.addAPIResponse("default", OASFactory.createAPIResponse().description("problem details with a stable code")
                        .content(OASFactory.createContent().addMediaType("application/problem+json",
                                OASFactory.createMediaType().schema(OASFactory.createSchema().ref("#/components/schemas/Problem")))));
                op.responses(responses);
                item.setOperation(PathItem.HttpMethod.valueOf(verb), op);
            }
        });
    }

    /** Whether a response schema (a reference into the catalogue) describes bytes rather than JSON: file downloads. */
    private static boolean binary(ApiSchemas contract, Map<String, Object> schema) {
        Object ref = schema.get("$ref");
        Object target = ref instanceof String r ? contract.schemas().get(r.substring(r.lastIndexOf('/') + 1)) : schema;
        return target instanceof Map<?, ?> t && "binary".equals(t.get("format"));
    }

    /** The WebSocket endpoint, described by the events it sends (an OpenAPI document has no WebSocket operations). */
    private static PathItem connect(ApiSchemas contract) {
        Operation op = OASFactory.createOperation().operationId("connect").addTag("chat")
                .summary("WebSocket: upgrade with api_key and authorization (a user token) as query parameters")
                .description("Each frame the server sends is one event; its schema is chosen by its type (x-chatsdk-events). "
                        + "The first frame is a health.check with the connection_id and me.");
        for (String name : List.of("api_key", "authorization", "presence")) {
            op.addParameter(OASFactory.createParameter().name(name).in(Parameter.In.QUERY).required(!name.equals("presence"))
                    .schema(OASFactory.createSchema().type(org.eclipse.microprofile.openapi.models.media.Schema.SchemaType.STRING)));
        }
        op.responses(OASFactory.createAPIResponses().addAPIResponse("101", OASFactory.createAPIResponse().description("switching to WebSocket; frames are events")
                .content(OASFactory.createContent().addMediaType("application/json", OASFactory.createMediaType()
                        .schema(OASFactory.createSchema().ref("#/components/schemas/Event"))))));
        return OASFactory.createPathItem().GET(op);
    }

    /** An OpenAPI 3.0 Schema Object from its JSON form. */
    @SuppressWarnings("unchecked")
    static org.eclipse.microprofile.openapi.models.media.Schema schema(Map<String, Object> json) {
        org.eclipse.microprofile.openapi.models.media.Schema s = OASFactory.createSchema();
        json.forEach((key, value) -> {
            switch (key) {
                case "$ref" -> s.ref((String) value);
                case "type" -> s.type(org.eclipse.microprofile.openapi.models.media.Schema.SchemaType.valueOf(((String) value).toUpperCase(java.util.Locale.ROOT)));
                case "format" -> s.format((String) value);
                case "description" -> s.description((String) value);
                case "nullable" -> s.nullable((Boolean) value);
                case "enum" -> s.enumeration((List<Object>) value);
                case "required" -> s.required((List<String>) value);
                case "items" -> s.items(schema((Map<String, Object>) value));
                case "properties" -> {
                    Map<String, org.eclipse.microprofile.openapi.models.media.Schema> props = new java.util.LinkedHashMap<>();
                    ((Map<String, Object>) value).forEach((k, v) -> props.put(k, schema((Map<String, Object>) v)));
                    s.properties(props);
                }
                case "additionalProperties" -> {
                    if (value instanceof Boolean b) {
                        s.additionalPropertiesBoolean(b);
                    } else {
                        s.additionalPropertiesSchema(schema((Map<String, Object>) value));
                    }
                }
                case "oneOf" -> s.oneOf(((List<Map<String, Object>>) value).stream().map(ApiModelReader::schema).toList());
                case "allOf" -> s.allOf(((List<Map<String, Object>>) value).stream().map(ApiModelReader::schema).toList());
                case "minimum" -> s.minimum(new java.math.BigDecimal(value.toString()));
                case "maximum" -> s.maximum(new java.math.BigDecimal(value.toString()));
                case "maxLength" -> s.maxLength(((Number) value).intValue());
                case "minItems" -> s.minItems(((Number) value).intValue());
                case "maxItems" -> s.maxItems(((Number) value).intValue());
                default -> throw new IllegalArgumentException("api-schemas.json: unsupported schema keyword '" + key + "'");
            }
        });
        return s;
    }

    private static String verb(Method m) {
        for (Class<? extends Annotation> a : List.<Class<? extends Annotation>>of(GET.class, POST.class, PUT.class, PATCH.class, DELETE.class)) {
            if (m.isAnnotationPresent(a)) {
                return a.getSimpleName();
            }
        }
        return null;
    }

    private static String join(String a, String b) {
        String s = (a + "/" + b).replaceAll("/+", "/");
        return s.length() > 1 && s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
