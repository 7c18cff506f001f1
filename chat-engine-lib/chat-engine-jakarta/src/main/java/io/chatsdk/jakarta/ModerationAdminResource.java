package io.chatsdk.jakarta;

import io.chatsdk.engine.moderation.Flags;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * An app's flag queue for the operator API: what the admin console's moderators work on (operators too). Reviews are
 * recorded under the officer's name ({@code X-Actor}, which a session sets), and audited like every operator call.
 */
@Path("apps/{id}/moderation")
@Produces(MediaType.APPLICATION_JSON)
public class ModerationAdminResource {
    @Inject
    ChatApiContext ctx;

    private Flags flags(String id) {
        return ctx.app(id).flags();
    }

    /** Open flags (or reviewed ones with {@code reviewed=true}), newest first; {@code limit} 1 to 100, default 25. */
    @GET
    @Path("flags")
    @ModeratorAccess
    public Response flags(@PathParam("id") String id, @QueryParam("reviewed") Boolean reviewed, @QueryParam("limit") Integer limit) {
        return ApiJson.ok(Map.of("flags", flags(id).query(Boolean.TRUE.equals(reviewed), null, limit == null ? 25 : limit, 0).stream()
                .map(ModerationResource::wire).toList()));
    }

    /** {@code {"action": "dismiss|delete_message|ban_user|shadow_message", "note"?}}: reviews a flag (409 when already reviewed). */
    @POST
    @Path("flags/{flag}/review")
    @ModeratorAccess
    @Consumes(MediaType.APPLICATION_JSON)
    public Response review(@PathParam("id") String id, @PathParam("flag") String flag, @HeaderParam("X-Actor") String actor, InputStream in) {
        JsonBody b = ApiJson.read(in, 16 * 1024).strict(Set.of("action", "note"));
        UUID flagId;
        try {
            flagId = UUID.fromString(flag);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("validation_error", "flag: must be a flag id (UUID)", "flag");
        }
        Flags.Flag f = flags(id).review(flagId, Flags.Review.fromWire("action", b.requireString("action")), b.string("note"),
                ComplianceResource.actor(actor));
        return ApiJson.ok(Map.of("flag", ModerationResource.wire(f)));
    }
}
