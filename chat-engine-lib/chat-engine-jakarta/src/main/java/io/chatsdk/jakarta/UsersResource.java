package io.chatsdk.jakarta;

import io.chatsdk.engine.wire.Wire;
import io.chatsdk.engine.model.User;
import io.chatsdk.engine.model.UserInput;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code /users}: upsert (server only), query, deactivate and reactivate. */
@Path("users")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class UsersResource extends ApiResource {
    private static final Set<String> USER_FIELDS = Set.of("id", "name", "image", "role");

    /** GetStream's upsert: {@code {"users": {"alice": {"id": "alice", "name": "Alice", ...}}}}. */
    @POST
    @ServerOnly
    @Limited("users")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response upsert(InputStream in) {
        JsonBody body = body(in).strict(Set.of("users"));
        JsonBody users = body.object("users");
        List<UserInput> inputs = new ArrayList<>();
        for (String key : users.asMap().keySet()) {
            JsonBody u = users.object(key);
            String id = u.string("id");
            if (id != null && !id.equals(key)) {
                throw ApiException.badRequest("validation_error", "users." + key + ".id: must equal its key", "users." + key + ".id");
            }
            inputs.add(new UserInput(key, u.string("name"), u.string("image"), u.string("role"), u.rest(USER_FIELDS)));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (User user : caller().app().users().upsertAll(inputs)) {
            out.put(user.id(), Wire.user(user));
        }
        return ApiJson.ok(Map.of("users", out));
    }

    @POST
    @Path("query")
    @Limited("query_users")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response query(InputStream in) {
        return query(body(in));
    }

    /** GetStream's query users: {@code GET /users?payload={"filter_conditions": {...}, "sort": [...], "limit": 30, "offset": 0}}. */
    @GET
    @Limited("query_users")
    public Response queryByPayload(@QueryParam("payload") String payload) {
        return query(payload(payload));
    }

    private Response query(JsonBody body) {
        body.strict(Set.of("filter_conditions", "sort", "limit", "offset", "presence"));   // presence: online is always included
        Caller caller = caller();
        List<User> users = caller.app().users().query(body.object("filter_conditions").asMap(), sort(body),
                body.integer("limit", 30), body.integer("offset", 0));
        List<Object> out = new ArrayList<>();
        for (User u : users) {
            Map<String, Object> w = Wire.user(u);
            w.put("online", ctx.hub().online(caller.appId(), u.id()));
            out.add(w);
        }
        return ApiJson.ok(Map.of("users", out));
    }

    @POST
    @Path("{id}/deactivate")
    @ServerOnly
    @Limited("users")
    public Response deactivate(@PathParam("id") String id) {
        return ApiJson.ok(Map.of("user", Wire.user(caller().app().users().deactivate(id))));
    }

    /**
     * Revokes the user's tokens issued before {@code before} (default: now), as GetStream's revoke user token does: their
     * requests are refused from now on and their open connections close within seconds. {@code {"before"?}}.
     */
    @POST
    @Path("{id}/revoke_tokens")
    @ServerOnly
    @Limited("users")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response revokeTokens(@PathParam("id") String id, InputStream in) {
        JsonBody body = body(in).strict(Set.of("before"));
        java.time.Instant given = instant("before", body.asMap().get("before"));
        java.time.Instant before = given != null ? given : ctx.clock().instant();
        return ApiJson.ok(Map.of("user", Wire.user(caller().app().users().revokeTokensIssuedBefore(id, before))));
    }

    @POST
    @Path("{id}/reactivate")
    @ServerOnly
    @Limited("users")
    public Response reactivate(@PathParam("id") String id) {
        return ApiJson.ok(Map.of("user", Wire.user(caller().app().users().reactivate(id))));
    }
}
