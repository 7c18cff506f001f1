package io.chatsdk.jakarta;

import io.chatsdk.engine.model.App;
import io.chatsdk.engine.model.AppCredentials;
import io.chatsdk.engine.types.AppId;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The operator API's {@code /apps}: create, list, get, disable, enable, rotate the secret, revoke tokens, the search index, AI switches. */
@Path("apps")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class AppsAdminResource {
    private static final System.Logger LOG = System.getLogger(AppsAdminResource.class.getName());

    @Inject
    ChatApiContext ctx;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(InputStream in) {
        JsonBody body = ApiJson.read(in, ctx.settings().maxBodyBytes()).strict(Set.of("name"));
        AppCredentials creds = ctx.engine().apps().create(body.requireString("name"));
        LOG.log(Level.INFO, "operator created app " + creds.appId());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("app", wire(ctx.engine().apps().get(creds.appId())));
        out.put("api_key", creds.apiKey());
        out.put("api_secret", creds.apiSecret());
        return ApiJson.status(201, out);
    }

    /** The apps, never secrets; compliance officers and moderators may list them too (to pick the app to work on). */
    @GET
    @ComplianceAccess
    @ModeratorAccess
    public Response list() {
        return ApiJson.ok(Map.of("apps", ctx.engine().apps().list().stream().map(AppsAdminResource::wire).toList()));
    }

    @GET
    @Path("{id}")
    public Response get(@PathParam("id") String id) {
        return ApiJson.ok(Map.of("app", wire(ctx.engine().apps().get(AppId.parse(id)))));
    }

    /** The app's key and current secret, for installers that configure a back end. */
    @GET
    @Path("{id}/credentials")
    @RecentSignIn
    public Response credentials(@PathParam("id") String id) {
        AppCredentials creds = ctx.engine().apps().credentials(AppId.parse(id));
        LOG.log(Level.INFO, "operator read the credentials of app " + creds.appId());
        return ApiJson.ok(Map.of("api_key", creds.apiKey(), "api_secret", creds.apiSecret()));
    }

    @POST
    @Path("{id}/disable")
    public Response disable(@PathParam("id") String id) {
        return setDisabled(id, true);
    }

    @POST
    @Path("{id}/enable")
    public Response enable(@PathParam("id") String id) {
        return setDisabled(id, false);
    }

    private Response setDisabled(String id, boolean disabled) {
        App app = ctx.engine().apps().setDisabled(AppId.parse(id), disabled);
        ctx.apps().invalidate(app.apiKey());
        LOG.log(Level.INFO, "operator " + (disabled ? "disabled" : "enabled") + " app " + app.id());
        return ApiJson.ok(Map.of("app", wire(app)));
    }

    /** {@code {"grace_seconds": 3600}}: the old secret keeps working that long (default 24 h, at most 30 days). */
    @POST
    @Path("{id}/rotate-secret")
    @RecentSignIn
    public Response rotate(@PathParam("id") String id, InputStream in) {
        JsonBody body = ApiJson.read(in, ctx.settings().maxBodyBytes()).strict(Set.of("grace_seconds"));
        Long grace = body.longValue("grace_seconds");
        Duration g = Duration.ofSeconds(grace == null ? 86_400 : grace);
        AppCredentials creds = ctx.engine().apps().rotateSecret(AppId.parse(id), g);
        ctx.apps().invalidate(creds.apiKey());
        LOG.log(Level.INFO, "operator rotated the secret of app " + creds.appId());
        return ApiJson.ok(Map.of("api_key", creds.apiKey(), "api_secret", creds.apiSecret(),
                "previous_secret_valid_until", Instant.now().plus(g).toString()));
    }

    /** How many of the app's messages the search index holds: {@code {"indexed": N}}. */
    @GET
    @Path("{id}/search-index")
    public Response searchIndex(@PathParam("id") String id) {
        AppId app = ctx.engine().apps().get(AppId.parse(id)).id();
        return ApiJson.ok(Map.of("indexed", ctx.engine().app(app).searchIndex().indexed()));
    }

    /**
     * Drops the app's search index and builds it again from PostgreSQL, answering when done: {@code {"indexed": N}}.
     * 750 to 2,100 messages a second on 2 cores (docs/performance.md); give the call a long timeout for a large app.
     */
    @POST
    @Path("{id}/search-index/rebuild")
    public Response rebuildSearchIndex(@PathParam("id") String id) {
        AppId app = ctx.engine().apps().get(AppId.parse(id)).id();
        int n = ctx.engine().app(app).searchIndex().rebuild();
        LOG.log(Level.INFO, "operator rebuilt the search index of app " + app + " (" + n + " messages)");
        return ApiJson.ok(Map.of("indexed", n));
    }

    /**
     * The app's AI switches and the server's model: {@code {"ai": {"ai_enabled": false, ...}, "model": "all-minilm-l6-v2-q"}}
     * ({@code model} null when the server has none).
     */
    @GET
    @Path("{id}/ai")
    public Response ai(@PathParam("id") String id) {
        io.chatsdk.engine.ai.Ai ai = ctx.app(id).ai();
        return ApiJson.ok(wire(ai, ai.settings()));
    }

    /**
     * Switches the app's AI features on or off: a partial {@code {"ai_enabled": true, "ai_embeddings": true,
     * "ai_smart_replies": true, "ai_catch_up_summaries": true}}. Audited as {@code ai.settings} with the values before and
     * after, under the {@code X-Actor} header's name (else {@code operator-api}). Switching embeddings off deletes the
     * app's stored embeddings.
     */
    @PATCH
    @Path("{id}/ai")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response setAi(@PathParam("id") String id, @HeaderParam("X-Actor") String actor, InputStream in) {
        JsonBody body = ApiJson.read(in, ctx.settings().maxBodyBytes());
        if (body.asMap().isEmpty()) {
            throw ApiException.badRequest("validation_error", "give at least one of ai_enabled, ai_embeddings, ai_smart_replies, ai_catch_up_summaries", null);
        }
        io.chatsdk.engine.ai.Ai ai = ctx.app(id).ai();
        io.chatsdk.engine.model.AiSettings now = ai.update(body.asMap(), ComplianceResource.actor(actor));
        LOG.log(Level.INFO, "operator changed the AI settings of app " + AppId.parse(id) + ": " + now.toMap());
        return ApiJson.ok(wire(ai, now));
    }

    private static Map<String, Object> wire(io.chatsdk.engine.ai.Ai ai, io.chatsdk.engine.model.AiSettings settings) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ai", settings.toMap());
        out.put("model", ai.model());
        return out;
    }

    /**
     * The app's external search engines: {@code {"search_engines": {"meilisearch": false, "qdrant": false},
     * "available": ["meilisearch"]}} ({@code available}: those this server is configured with).
     */
    @GET
    @Path("{id}/search-engines")
    public Response searchEngines(@PathParam("id") String id) {
        io.chatsdk.engine.model.App app = ctx.engine().apps().get(AppId.parse(id));
        return ApiJson.ok(wireEngines(io.chatsdk.engine.search.SearchSync.switches(app.settings())));
    }

    /**
     * Switches the app's external search engines: a partial {@code {"meilisearch": true, "qdrant": false}}. They then
     * receive the app's message text (Meilisearch) or vectors (Qdrant) in clear. Audited as {@code search.engines} under
     * the {@code X-Actor} header's name. Switching one off first removes the app's index from it (503 if it cannot).
     */
    @PATCH
    @Path("{id}/search-engines")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response setSearchEngines(@PathParam("id") String id, @HeaderParam("X-Actor") String actor, InputStream in) {
        JsonBody body = ApiJson.read(in, ctx.settings().maxBodyBytes());
        if (body.asMap().isEmpty()) {
            throw ApiException.badRequest("validation_error", "give meilisearch and/or qdrant, true or false", null);
        }
        AppId app = ctx.engine().apps().get(AppId.parse(id)).id();
        Map<String, Boolean> now = ctx.engine().app(app).searchEngines().update(app, body.asMap(), ComplianceResource.actor(actor));
        LOG.log(Level.INFO, "operator switched the search engines of app " + app + ": " + now);
        return ApiJson.ok(wireEngines(now));
    }

    private Map<String, Object> wireEngines(Map<String, Boolean> switches) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("search_engines", switches);
        out.put("available", ctx.engine().searchEngineNames());
        return out;
    }

    /** The app's stored files: {@code {"uploads": {"bytes", "files", "quota_bytes"}}}. */
    @GET
    @Path("{id}/uploads")
    public Response uploads(@PathParam("id") String id) {
        return ApiJson.ok(Map.of("uploads", wire(ctx.engine().app(AppId.parse(id)).files().usage())));
    }

    /** {@code {"quota_bytes": n}} caps the app's stored files; {@code null} removes the cap. */
    @PUT
    @Path("{id}/uploads")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response setQuota(@PathParam("id") String id, InputStream in) {
        JsonBody body = ApiJson.read(in, ctx.settings().maxBodyBytes()).strict(Set.of("quota_bytes"));
        if (!body.asMap().containsKey("quota_bytes")) {
            throw ApiException.badRequest("validation_error", "quota_bytes: is required (bytes, or null for no cap)", "quota_bytes");
        }
        return ApiJson.ok(Map.of("uploads", wire(ctx.engine().app(AppId.parse(id)).files().setQuota(body.longValue("quota_bytes")))));
    }

    private static Map<String, Object> wire(io.chatsdk.engine.files.Files.Usage u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bytes", u.bytes());
        m.put("files", u.files());
        m.put("quota_bytes", u.quotaBytes());
        return m;
    }

    /** {@code {"require_exp": true}}: whether the app refuses user tokens without {@code exp} (new apps do). */
    @POST
    @Path("{id}/token-policy")
    public Response tokenPolicy(@PathParam("id") String id, InputStream in) {
        JsonBody body = ApiJson.read(in, ctx.settings().maxBodyBytes()).strict(Set.of("require_exp"));
        Boolean required = body.bool("require_exp");
        if (required == null) {
            throw ApiException.badRequest("validation_error", "require_exp: is required (true or false)", "require_exp");
        }
        App app = ctx.engine().apps().setRequireTokenExpiry(AppId.parse(id), required);
        ctx.apps().invalidate(app.apiKey());
        return ApiJson.ok(Map.of("app", wire(app)));
    }

    /** {@code {"before": "2026-01-01T00:00:00Z"}} (default: now): rejects every token of the app issued before. */
    @POST
    @Path("{id}/revoke-tokens")
    @RecentSignIn
    public Response revoke(@PathParam("id") String id, InputStream in) {
        JsonBody body = ApiJson.read(in, ctx.settings().maxBodyBytes()).strict(Set.of("before"));
        Instant before;
        try {
            before = body.has("before") ? Instant.parse(body.string("before")) : Instant.now();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("validation_error", "before: must be an RFC 3339 timestamp", "before");
        }
        App app = ctx.engine().apps().revokeTokensIssuedBefore(AppId.parse(id), before);
        ctx.apps().invalidate(app.apiKey());
        return ApiJson.ok(Map.of("app", wire(app)));
    }

    static Map<String, Object> wire(App a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id().toString());
        m.put("name", a.name());
        m.put("api_key", a.apiKey());
        m.put("disabled", a.disabled());
        m.put("require_token_expiry", io.chatsdk.engine.apps.Apps.requiresTokenExpiry(a));
        if (a.revokeTokensIssuedBefore() != null) {
            m.put("revoke_tokens_issued_before", a.revokeTokensIssuedBefore().toString());
        }
        m.put("created_at", a.createdAt().toString());
        m.put("updated_at", a.updatedAt().toString());
        return m;
    }
}
