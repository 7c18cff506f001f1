package io.chatsdk.jakarta;

import io.chatsdk.engine.AppHandle;
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
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operator API's channels of an app, for the console: find them (operators, compliance officers, auditors and
 * moderators) and freeze or unfreeze them (operators). Every call is audited under the officer's name.
 */
@Path("apps/{id}/channels")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class ChannelsAdminResource {
    @Inject
    ChatApiContext ctx;

    private AppHandle app(String id) {
        return ctx.app(id);
    }

    /** {@code ?q=} the start of a channel's id or name, {@code ?type=}; {@code limit} 1-30 (30), {@code offset}. Newest activity first. */
    @GET
    @ComplianceAccess
    @ModeratorAccess
    public Response channels(@PathParam("id") String id, @QueryParam("q") String q, @QueryParam("type") String type,
                             @QueryParam("limit") String limitText, @QueryParam("offset") String offsetText) {
        Integer limit = QueryParams.integer("limit", limitText);
        Integer offset = QueryParams.integer("offset", offsetText);
        Map<String, Object> filter = QueryParams.idOrNameStartingWith(q, type == null || type.isBlank() ? null : Map.of("type", Map.of("$eq", type)));
        return ApiJson.ok(Map.of("channels", app(id).channels().query(new ChannelQuery(filter, List.of(new SortField("last_message_at", -1)),
                limit == null ? ChannelQuery.MAX_LIMIT : limit, offset == null ? 0 : offset, null)).stream().map(Wire::channel).toList()));
    }

    /** {@code {"frozen": true|false}}: a frozen channel takes no new messages. */
    @POST
    @Path("{type}/{channel}/frozen")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response freeze(@PathParam("id") String id, @PathParam("type") String type, @PathParam("channel") String channel, InputStream in) {
        JsonBody b = ApiJson.read(in, 1024).strict(Set.of("frozen"));
        Boolean frozen = b.bool("frozen");
        if (frozen == null) {
            throw ApiException.badRequest("validation_error", "frozen: true or false is required", "frozen");
        }
        return ApiJson.ok(Map.of("channel", Wire.channel(app(id).channels().freeze(Cid.parse("cid", type + ":" + channel), frozen))));
    }
}
