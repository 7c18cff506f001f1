package io.chatsdk.jakarta;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.model.Channel;
import io.chatsdk.engine.model.ChannelQuery;
import io.chatsdk.engine.model.SortField;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.wire.Wire;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operator API's users of an app, for the console: find and view them (operators, compliance officers, auditors
 * and moderators), deactivate and reactivate them (operators), ban and unban them (moderators and operators). Every
 * call is audited under the officer's name. (Its own root path: a root at {@code apps/{id}} would hide
 * {@link AppsAdminResource}'s {@code apps/{id}/...} methods, JAX-RS choosing the most specific root first.)
 */
@Path("apps/{id}/users")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class UsersAdminResource {
    @Inject
    ChatApiContext ctx;

    private AppHandle app(String id) {
        return ctx.app(id);
    }

    /** {@code ?q=} the start of an id or name, {@code ?banned=true}, {@code ?deactivated=true}; {@code limit} 1-100 (25), {@code offset}. */
    @GET
    @ComplianceAccess
    @ModeratorAccess
    public Response users(@PathParam("id") String id, @QueryParam("q") String q, @QueryParam("banned") String bannedText,
                          @QueryParam("deactivated") String deactivatedText, @QueryParam("limit") String limitText, @QueryParam("offset") String offsetText) {
        Boolean banned = QueryParams.bool("banned", bannedText);
        Boolean deactivated = QueryParams.bool("deactivated", deactivatedText);
        Integer limit = QueryParams.integer("limit", limitText);
        Integer offset = QueryParams.integer("offset", offsetText);
        Map<String, Object> filter = QueryParams.idOrNameStartingWith(q, banned == null ? null : Map.of("banned", Map.of("$eq", banned)),
                deactivated == null ? null : Map.of("deactivated", Map.of("$eq", deactivated)));
        return ApiJson.ok(Map.of("users", app(id).users().query(filter, List.of(new SortField("id", 1)), limit == null ? 25 : limit,
                offset == null ? 0 : offset).stream().map(Wire::user).toList()));
    }

    /** One user, with channels they are a member of (at most 30; the console says when the list is cut). */
    @GET
    @Path("{user}")
    @ComplianceAccess
    @ModeratorAccess
    public Response user(@PathParam("id") String id, @PathParam("user") String user) {
        AppHandle app = app(id);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user", Wire.user(app.users().get(user)));
        out.put("channels", app.channels().query(new ChannelQuery(Map.of("members", Map.of("$in", List.of(user))), List.of(), ChannelQuery.MAX_LIMIT, 0, null))
                .stream().map(Channel::cid).map(Cid::toString).toList());
        return ApiJson.ok(out);
    }

    @POST
    @Path("{user}/deactivate")
    public Response deactivate(@PathParam("id") String id, @PathParam("user") String user) {
        return ApiJson.ok(Map.of("user", Wire.user(app(id).users().deactivate(user))));
    }

    @POST
    @Path("{user}/reactivate")
    public Response reactivate(@PathParam("id") String id, @PathParam("user") String user) {
        return ApiJson.ok(Map.of("user", Wire.user(app(id).users().reactivate(user))));
    }

    /** {@code {"reason"?, "timeout_minutes"?}}: an app-wide ban, for good or for the minutes given (1 to 525,600). */
    @POST
    @Path("{user}/ban")
    @ModeratorAccess
    @Consumes(MediaType.APPLICATION_JSON)
    public Response ban(@PathParam("id") String id, @PathParam("user") String user, InputStream in) {
        JsonBody b = ApiJson.read(in, 16 * 1024).strict(Set.of("reason", "timeout_minutes"));
        Long minutes = b.longValue("timeout_minutes");
        if (minutes != null && (minutes < 1 || minutes > 525_600)) {
            throw ApiException.badRequest("validation_error", "timeout_minutes: 1 to 525600", "timeout_minutes");
        }
        Instant expires = minutes == null ? null : ctx.clock().instant().plus(Duration.ofMinutes(minutes));
        return ApiJson.ok(Map.of("user", Wire.user(app(id).users().ban(user, expires, b.string("reason")))));
    }

    @POST
    @Path("{user}/unban")
    @ModeratorAccess
    public Response unban(@PathParam("id") String id, @PathParam("user") String user) {
        return ApiJson.ok(Map.of("user", Wire.user(app(id).users().unban(user))));
    }
}
