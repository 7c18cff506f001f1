package io.chatsdk.jakarta;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.blocklist.Blocklist;
import io.chatsdk.engine.moderation.Blocklists;
import io.chatsdk.engine.moderation.Flags;
import io.chatsdk.engine.moderation.Moderation;
import io.chatsdk.engine.types.Cid;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /moderation}: bans and shadow bans (app-wide or per channel), mutes, blocks, flags and their review, and
 * slow mode. Permissions are the engine's: a denial is a 403 naming the missing permission. Server tokens act as the
 * server, or as the user named by {@code user_id} for a user's own actions (mutes, blocks, flags).
 */
@Path("moderation")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class ModerationResource extends ApiResource {

    /**
     * {@code {"target_user_id", "type"?, "id"? (a channel), "timeout"? (minutes), "reason"?, "shadow"?, "banned_by_id"?}};
     * {@code banned_by_id} (or {@code banned_by: {"id": ...}}) names the moderator a server-side ban is recorded as.
     */
    @POST
    @Path("ban")
    @Limited("moderation")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response ban(InputStream in) {
        JsonBody b = body(in).strict(Set.of("target_user_id", "type", "id", "channel_cid", "timeout", "reason", "shadow", "banned_by_id", "banned_by",
                "user_id", "ip_ban"));
        if (b.bool("ip_ban", false)) {
            throw ApiException.badRequest("validation_error", "ip_ban: IP bans are not supported; ban the user", "ip_ban");
        }
        String bannedBy = userRef(b, "banned_by_id", "banned_by");
        String userId = b.string("user_id");   // GetStream's server-side acting user: the moderator, when banned_by_id is absent
        if (bannedBy != null && userId != null && !bannedBy.equals(userId)) {
            throw ApiException.badRequest("validation_error", "user_id: differs from banned_by_id", "user_id");
        }
        Long minutes = b.longValue("timeout");
        if (minutes != null && (minutes < 1 || minutes > 5_256_000)) {
            throw ApiException.badRequest("validation_error", "timeout: minutes between 1 and 5256000", "timeout");
        }
        Moderation.Ban ban = caller().app().moderation().ban(b.requireString("target_user_id"), channel(b.string("type"), b.string("id"), b.string("channel_cid")),
                minutes == null ? null : Duration.ofMinutes(minutes), b.string("reason"), b.bool("shadow", false), bannedBy != null ? bannedBy : userId);
        return ApiJson.status(201, Map.of("ban", wire(ban)));
    }

    @DELETE
    @Path("ban")
    @Limited("moderation")
    public Response unban(@QueryParam("target_user_id") String user, @QueryParam("type") String type, @QueryParam("id") String id,
                          @QueryParam("channel_cid") String channelCid, @jakarta.ws.rs.core.Context jakarta.ws.rs.core.UriInfo uri) {
        // a parameter this endpoint does not know could be a scope it would silently ignore, widening the unban
        for (String key : uri.getQueryParameters().keySet()) {
            if (!Set.of("target_user_id", "type", "id", "channel_cid", "api_key", "created_by", "connection_id").contains(key)) {
                throw ApiException.badRequest("unknown_field", key + ": is not a known parameter (allowed: target_user_id, type, id, channel_cid, created_by)", key);
            }
        }
        if (user == null) {
            throw ApiException.badRequest("validation_error", "target_user_id: is required", "target_user_id");
        }
        caller().app().moderation().unban(user, channel(type, id, channelCid));
        return ApiJson.ok(Map.of());
    }

    /** Active bans app-wide, or of the channel named by {@code type} and {@code id}. */
    @GET
    @Path("bans")
    @Limited("moderation")
    public Response bans(@QueryParam("type") String type, @QueryParam("id") String id, @QueryParam("limit") Integer limit,
                         @QueryParam("offset") Integer offset) {
        List<Moderation.Ban> bans = caller().app().moderation().bans(channel(type, id), limit == null ? 25 : limit, offset == null ? 0 : offset);
        return ApiJson.ok(Map.of("bans", bans.stream().map(ModerationResource::wire).toList()));
    }

    /** {@code {"target_id", "timeout"? (minutes), "user_id"? (server tokens)}}. */
    @POST
    @Path("mute")
    @Limited("moderation")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response mute(InputStream in) {
        JsonBody b = body(in).strict(Set.of("target_id", "timeout", "user_id"));
        Long minutes = b.longValue("timeout");
        Moderation.Mute m = asUser(b.string("user_id")).moderation().muteUser(b.requireString("target_id"),
                minutes == null ? null : Duration.ofMinutes(minutes));
        return ApiJson.status(201, Map.of("mute", wire(m)));
    }

    @POST
    @Path("unmute")
    @Limited("moderation")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response unmute(InputStream in) {
        JsonBody b = body(in).strict(Set.of("target_id", "user_id"));
        asUser(b.string("user_id")).moderation().unmuteUser(b.requireString("target_id"));
        return ApiJson.ok(Map.of());
    }

    /** {@code {"channel_cid", "expiration"? (milliseconds, GetStream's unit), "user_id"?}}. */
    @POST
    @Path("mute/channel")
    @Limited("moderation")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response muteChannel(InputStream in) {
        JsonBody b = body(in).strict(Set.of("channel_cid", "expiration", "user_id"));
        Long ms = b.longValue("expiration");
        Moderation.Mute m = asUser(b.string("user_id")).moderation().muteChannel(Cid.parse("channel_cid", b.requireString("channel_cid")),
                ms == null ? null : Duration.ofMillis(ms));
        return ApiJson.status(201, Map.of("channel_mute", wire(m)));
    }

    @POST
    @Path("unmute/channel")
    @Limited("moderation")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response unmuteChannel(InputStream in) {
        JsonBody b = body(in).strict(Set.of("channel_cid", "user_id"));
        asUser(b.string("user_id")).moderation().unmuteChannel(Cid.parse("channel_cid", b.requireString("channel_cid")));
        return ApiJson.ok(Map.of());
    }

    @GET
    @Path("mutes")
    @Limited("moderation")
    public Response mutes(@QueryParam("user_id") String userId) {
        return ApiJson.ok(Map.of("mutes", asUser(userId).moderation().mutes().stream().map(ModerationResource::wire).toList()));
    }

    /** {@code {"blocked_user_id", "user_id"?}}. */
    @POST
    @Path("block")
    @Limited("moderation")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response block(InputStream in) {
        JsonBody b = body(in).strict(Set.of("blocked_user_id", "user_id"));
        asUser(b.string("user_id")).moderation().block(b.requireString("blocked_user_id"));
        return ApiJson.status(201, Map.of("blocked_user_id", b.requireString("blocked_user_id")));
    }

    @POST
    @Path("unblock")
    @Limited("moderation")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response unblock(InputStream in) {
        JsonBody b = body(in).strict(Set.of("blocked_user_id", "user_id"));
        asUser(b.string("user_id")).moderation().unblock(b.requireString("blocked_user_id"));
        return ApiJson.ok(Map.of());
    }

    @GET
    @Path("blocks")
    @Limited("moderation")
    public Response blocks(@QueryParam("user_id") String userId) {
        return ApiJson.ok(Map.of("blocked_user_ids", asUser(userId).moderation().blockedUsers()));
    }

    /** {@code {"target_message_id" | "target_user_id", "reason"?, "user_id"? (server tokens)}}. */
    @POST
    @Path("flag")
    @Limited("moderation")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response flag(InputStream in) {
        JsonBody b = body(in).strict(Set.of("target_message_id", "target_user_id", "reason", "user_id"));
        String message = b.string("target_message_id");
        String user = b.string("target_user_id");
        if ((message == null) == (user == null)) {
            throw ApiException.badRequest("validation_error", "target_message_id: give target_message_id or target_user_id", "target_message_id");
        }
        Flags flags = caller().app().flags();
        String onBehalf = caller().server() ? b.string("user_id") : null;
        Flags.Flag f = message != null ? flags.flagMessage(message, b.string("reason"), onBehalf) : flags.flagUser(user, b.string("reason"), onBehalf);
        return ApiJson.status(201, Map.of("flag", wire(f)));
    }

    @GET
    @Path("flags")
    @Limited("moderation")
    public Response flags(@QueryParam("reviewed") Boolean reviewed, @QueryParam("target_type") String targetType, @QueryParam("limit") Integer limit,
                          @QueryParam("offset") Integer offset) {
        List<Flags.Flag> flags = caller().app().flags().query(Boolean.TRUE.equals(reviewed), targetType, limit == null ? 25 : limit,
                offset == null ? 0 : offset);
        return ApiJson.ok(Map.of("flags", flags.stream().map(ModerationResource::wire).toList()));
    }

    /** {@code {"action": "dismiss|delete_message|ban_user|shadow_message", "note"?}}. */
    @POST
    @Path("flags/{id}/review")
    @Limited("moderation")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response review(@PathParam("id") String id, InputStream in) {
        JsonBody b = body(in).strict(Set.of("action", "note"));
        UUID flagId;
        try {
            flagId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("validation_error", "id: must be a flag id (UUID)", "id");
        }
        Flags.Flag f = caller().app().flags().review(flagId, Flags.Review.fromWire("action", b.requireString("action")), b.string("note"));
        return ApiJson.ok(Map.of("flag", wire(f)));
    }

    /** {@code {"cid", "cooldown": 0-120}}: slow mode (0 turns it off). */
    @POST
    @Path("slow_mode")
    @Limited("moderation")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response slowMode(InputStream in) {
        JsonBody b = body(in).strict(Set.of("cid", "cooldown"));
        Integer cooldown = b.integer("cooldown");
        if (cooldown == null) {
            throw ApiException.badRequest("validation_error", "cooldown: is required (0 to 120 seconds)", "cooldown");
        }
        Cid cid = Cid.parse("cid", b.requireString("cid"));
        caller().app().moderation().setSlowMode(cid, cooldown);
        return ApiJson.ok(Map.of("cid", cid.toString(), "cooldown", cooldown));
    }

    @GET
    @Path("blocklists")
    @Limited("moderation")
    public Response blocklists() {
        return ApiJson.ok(Map.of("blocklists", caller().app().blocklists().list().stream().map(ModerationResource::wire).toList()));
    }

    @GET
    @Path("blocklists/{name}")
    @Limited("moderation")
    public Response blocklist(@PathParam("name") String name) {
        return ApiJson.ok(Map.of("blocklist", wire(caller().app().blocklists().get(name))));
    }

    /** {@code {"behavior": "flag|block|shadow", "words": [...], "patterns": [...], "channel_types": [...]}}. */
    @PUT
    @Path("blocklists/{name}")
    @Limited("moderation")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response putBlocklist(@PathParam("name") String name, InputStream in) {
        JsonBody b = body(in).strict(Set.of("behavior", "words", "patterns", "channel_types"));
        Map<String, Object> def = new LinkedHashMap<>(b.asMap());
        Object types = def.remove("channel_types");
        def.put("name", name);
        Blocklist list = Blocklists.parse(def);
        Blocklists.Entry e = caller().app().blocklists().put(list, types == null ? List.of() : b.strings("channel_types"));
        return ApiJson.ok(Map.of("blocklist", wire(e)));
    }

    @DELETE
    @Path("blocklists/{name}")
    @Limited("moderation")
    public Response deleteBlocklist(@PathParam("name") String name) {
        caller().app().blocklists().delete(name);
        return ApiJson.ok(Map.of());
    }

    private AppHandle asUser(String userId) {
        Caller c = caller();
        if (!c.server()) {
            if (userId != null && !userId.equals(c.userId())) {
                throw new ApiException(403, "forbidden", "user_id: a user token acts for its own user only");
            }
            return c.app();
        }
        if (userId == null) {
            throw ApiException.badRequest("validation_error", "user_id: is required with a server token", "user_id");
        }
        return c.app().as(userId);
    }

    /** The channel of a ban: {@code type} and {@code id}, or GetStream's newer {@code channel_cid}; null for app-wide. */
    private static Cid channel(String type, String id, String channelCid) {
        Cid byParts = channel(type, id);
        if (channelCid == null) {
            return byParts;
        }
        Cid byCid = Cid.parse("channel_cid", channelCid);
        if (byParts != null && !byParts.equals(byCid)) {
            throw ApiException.badRequest("validation_error", "channel_cid: differs from type and id", "channel_cid");
        }
        return byCid;
    }

    private static Cid channel(String type, String id) {
        if (type == null && id == null) {
            return null;
        }
        if (type == null || id == null) {
            throw ApiException.badRequest("validation_error", "type: give both type and id for a channel, or neither", type == null ? "type" : "id");
        }
        return cid(type, id);
    }

    static Map<String, Object> wire(Moderation.Ban b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user", Map.of("id", b.userId()));
        m.put("channel_cid", b.cid());
        m.put("shadow", b.shadow());
        m.put("reason", b.reason());
        m.put("banned_by", b.bannedBy());
        m.put("expires", b.expiresAt() == null ? null : b.expiresAt().toString());
        m.put("created_at", b.createdAt().toString());
        return m;
    }

    static Map<String, Object> wire(Moderation.Mute x) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target_id", x.targetUserId());
        m.put("channel_cid", x.cid());
        m.put("expires", x.expiresAt() == null ? null : x.expiresAt().toString());
        m.put("created_at", x.createdAt().toString());
        return m;
    }

    static Map<String, Object> wire(Blocklists.Entry e) {
        Map<String, Object> m = new LinkedHashMap<>(e.list().toMap());
        m.put("channel_types", e.channelTypes());
        m.put("created_at", e.createdAt().toString());
        m.put("updated_at", e.updatedAt().toString());
        return m;
    }

    static Map<String, Object> wire(Flags.Flag f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", f.id().toString());
        m.put("target_type", f.targetType());
        m.put("target_message_id", f.messageId());
        m.put("target_user_id", f.targetUserId());
        m.put("channel_cid", f.cid());
        m.put("user_id", f.flaggedBy());
        m.put("reason", f.reason());
        m.put("created_at", f.createdAt().toString());
        m.put("reviewed_at", f.reviewedAt() == null ? null : f.reviewedAt().toString());
        m.put("reviewed_by", f.reviewedBy());
        m.put("review_action", f.reviewAction());
        return m;
    }
}
