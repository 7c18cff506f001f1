package io.chatsdk.appliance;

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
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.Paths;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;

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

    @Override
    public OpenAPI buildModel() {
        Map<String, PathItem> items = new TreeMap<>();
        add(items, "/api/v1", ChatApi.classes(), "chat");
        add(items, "/admin/api", OperatorApi.classes(), "operator");
        Paths paths = OASFactory.createPaths();
        items.forEach(paths::addPathItem);
        return OASFactory.createOpenAPI()
                .openapi("3.0.3")
                .info(OASFactory.createInfo().title("ChatSDK API").version("v1")
                        .description("GetStream-style chat API. Chat endpoints take the app's API key (api_key query parameter or "
                                + "X-Api-Key header) and an HS256 JWT in the Authorization header. Operator endpoints take the operator "
                                + "token as a Bearer token. Errors are application/problem+json with a stable code."))
                .paths(paths);
    }

    private static void add(Map<String, PathItem> items, String base, Set<Class<?>> classes, String tag) {
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
                if (m.isAnnotationPresent(Consumes.class) || resource.isAnnotationPresent(Consumes.class)) {
                    op.requestBody(OASFactory.createRequestBody().required(true).content(OASFactory.createContent()
                            .addMediaType("application/json", OASFactory.createMediaType())));
                }
                op.responses(OASFactory.createAPIResponses()
                        .addAPIResponse("200", OASFactory.createAPIResponse().description("success (201 for creations)"))
                        .addAPIResponse("default", OASFactory.createAPIResponse().description("problem details (application/problem+json)")));
                item.setOperation(PathItem.HttpMethod.valueOf(verb), op);
            }
        });
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
