package io.chatsdk.jakarta;

import io.chatsdk.engine.spi.DeadJob;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.Map;

/** The operator API's {@code /jobs/{kind}/dead}: list dead-lettered jobs (their app, never their payloads), retry or discard them. */
@Path("jobs/{kind}/dead")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class JobsAdminResource {
    @Inject
    ChatApiContext ctx;

    @GET
    public Response list(@PathParam("kind") String kind, @QueryParam("limit") Integer limit) {
        int n = limit == null ? 100 : limit;
        if (n < 1 || n > 1000) {
            throw ApiException.badRequest("validation_error", "limit: between 1 and 1000", "limit");
        }
        return ApiJson.ok(Map.of("dead_jobs", ctx.engine().jobs().deadJobs(kind(kind), n).stream().map(JobsAdminResource::wire).toList()));
    }

    @POST
    @Path("{id}/retry")
    public Response retry(@PathParam("kind") String kind, @PathParam("id") String id) {
        if (!ctx.engine().jobs().retry(kind(kind), id)) {
            throw new ApiException(404, "not_found", "no dead job " + id + " of kind " + kind);
        }
        return ApiJson.ok(Map.of("retried", id));
    }

    @DELETE
    @Path("{id}")
    public Response discard(@PathParam("kind") String kind, @PathParam("id") String id) {
        if (!ctx.engine().jobs().discard(kind(kind), id)) {
            throw new ApiException(404, "not_found", "no dead job " + id + " of kind " + kind);
        }
        return ApiJson.ok(Map.of("discarded", id));
    }

    private static String kind(String kind) {
        if (!kind.matches("[a-z0-9_.-]{1,64}")) {
            throw ApiException.badRequest("validation_error", "kind: a job kind such as webhook", "kind");
        }
        return kind;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** The app a job works for (the engine's job payloads name it in clear; the rest is sealed or ids only). */
    private static String appIdOf(String payload) {
        try {
            com.fasterxml.jackson.databind.JsonNode app = JSON.readTree(payload).get("app_id");
            return app == null || !app.isTextual() ? null : app.asText();
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    static Map<String, Object> wire(DeadJob d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.job().id());
        m.put("kind", d.job().kind());
        m.put("app_id", appIdOf(d.job().payload()));
        m.put("attempts", d.attempts());
        m.put("last_error", d.lastError());
        m.put("dead_at", d.deadAt().toString());
        return m;
    }
}
