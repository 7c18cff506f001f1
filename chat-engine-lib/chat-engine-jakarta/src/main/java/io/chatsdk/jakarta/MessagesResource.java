package io.chatsdk.jakarta;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.wire.Wire;
import io.chatsdk.engine.model.Attachment;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.NewMessage;
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
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Everything under {@code /messages/{id}}: read, edit, delete, thread replies, reactions, pins. */
@Path("messages")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class MessagesResource extends ApiResource {
    static final Set<String> MESSAGE_FIELDS = Set.of("id", "text", "type", "attachments", "parent_id", "show_in_channel",
            "quoted_message_id", "mentioned_users", "silent", "user_id", "user");

    @GET
    @Path("{id}")
    @Limited("read_messages")
    public Response get(@PathParam("id") String id) {
        return ApiJson.ok(Map.of("message", Wire.message(caller().app().messages().get(id))));
    }

    /**
     * Fields of a message that an update cannot change. GetStream clients send back the whole message they hold, so these
     * are accepted when they equal the stored values and refused ({@code validation_error} naming the field) when they
     * would change something.
     */
    static final Set<String> FIXED_FIELDS = Set.of("id", "cid", "seq", "user_id", "user", "type", "parent_id", "show_in_channel",
            "quoted_message_id", "silent", "created_at", "mentioned_users");
    /**
     * Fields the server computes, which change without the client (a held copy may be stale), and which an update
     * never sets: ignored when sent back.
     */
    static final Set<String> DERIVED_FIELDS = Set.of("updated_at", "message_text_updated_at", "deleted_at", "reply_count", "deleted_reply_count",
            "reaction_counts", "reaction_scores", "reaction_groups", "own_reactions", "latest_reactions", "pinned_at", "pinned_by",
            "pinned_by_id", "shadowed", "html", "i18n", "status", "thread_participants", "quoted_message", "channel", "member", "command",
            "args", "before_message_send_failed");

    /** Every field of an update that is not custom data. */
    private static final Set<String> UPDATE_FIELDS = java.util.stream.Stream.of(MESSAGE_FIELDS, FIXED_FIELDS, DERIVED_FIELDS,
            Set.of("pinned", "pin_expires")).flatMap(Set::stream).collect(java.util.stream.Collectors.toUnmodifiableSet());

    /**
     * Full update: {@code {"message": {"text": ..., "attachments": [...], custom fields}}}, or the whole message object a
     * client holds (see {@link #FIXED_FIELDS} and {@link #DERIVED_FIELDS}); {@code pinned} and {@code pin_expires} pin
     * or unpin as in GetStream.
     */
    @POST
    @Path("{id}")
    @Limited("update_message")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response update(@PathParam("id") String id, InputStream in) {
        JsonBody m = body(in).strict(Set.of("message")).object("message");
        AppHandle app = caller().app();
        Message stored = null;
        if (m.asMap().keySet().stream().anyMatch(FIXED_FIELDS::contains) || m.has("pinned")) {
            stored = app.messages().get(id);
            MessageFields.requireUnchanged(m, stored);
        }
        Message updated = app.messages().update(id, m.string("text"), attachments(m), m.rest(UPDATE_FIELDS));
        Boolean pinned = m.bool("pinned");
        if (pinned != null && pinned != stored.pinned()) {
            updated = pinned ? app.messages().pin(id, instant("message.pin_expires", m.asMap().get("pin_expires"))) : app.messages().unpin(id);
        }
        return ApiJson.ok(Map.of("message", Wire.message(updated)));
    }

    /** Partial update: {@code {"set": {...}, "unset": [...]}}; {@code set.pinned} pins or unpins. */
    @PUT
    @Path("{id}")
    @Limited("update_message")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response partialUpdate(@PathParam("id") String id, InputStream in) {
        JsonBody body = body(in).strict(Set.of("set", "unset"));
        Map<String, Object> set = new LinkedHashMap<>(body.object("set").asMap());
        Object pinned = set.remove("pinned");
        Object pinExpires = set.remove("pin_expires");
        Message result = null;
        if (pinned != null) {
            if (!(pinned instanceof Boolean p)) {
                throw ApiException.badRequest("validation_error", "set.pinned: must be true or false", "set.pinned");
            }
            result = p ? caller().app().messages().pin(id, instant("set.pin_expires", pinExpires)) : caller().app().messages().unpin(id);
        }
        List<String> unset = body.strings("unset");
        if (!set.isEmpty() || (unset != null && !unset.isEmpty()) || result == null) {
            result = caller().app().messages().partialUpdate(id, set, unset);
        }
        return ApiJson.ok(Map.of("message", Wire.message(result)));
    }

    @DELETE
    @Path("{id}")
    @Limited("update_message")
    public Response delete(@PathParam("id") String id, @QueryParam("hard") String hard) {
        boolean isHard = "true".equalsIgnoreCase(hard) || "1".equals(hard);
        if (hard != null && !isHard && !"false".equalsIgnoreCase(hard) && !"0".equals(hard)) {
            throw ApiException.badRequest("validation_error", "hard: must be true or false", "hard");
        }
        return ApiJson.ok(Map.of("message", Wire.message(caller().app().messages().delete(id, isHard))));
    }

    @GET
    @Path("{id}/replies")
    @Limited("read_messages")
    public Response replies(@PathParam("id") String id, @QueryParam("limit") String limit, @QueryParam("id_lt") String idLt,
                            @QueryParam("id_gt") String idGt, @QueryParam("seq_lt") String seqLt, @QueryParam("seq_gt") String seqGt) {
        List<Message> replies = caller().app().messages().replies(id, page(limit, idLt, idGt, seqLt, seqGt, 25));
        return ApiJson.ok(Map.of("messages", replies.stream().map(Wire::message).toList()));
    }

    /** {@code {"reaction": {"type": "like", "score": 1, custom}, "enforce_unique": false}}. */
    @POST
    @Path("{id}/reaction")
    @Limited("reactions")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response react(@PathParam("id") String id, InputStream in) {
        JsonBody body = body(in).strict(Set.of("reaction", "enforce_unique", "skip_push", "user_id"));
        JsonBody r = body.object("reaction");
        String userId = userRef(r, "user_id", "user");
        if (userId == null) {
            userId = body.string("user_id");
        }
        Message m = caller().app().reactions().react(id, r.requireString("type"), r.integer("score", 1),
                r.rest(Set.of("type", "score", "user_id", "user", "message_id")), body.bool("enforce_unique", false), userId);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("message", Wire.message(m));
        m.ownReactions().stream().filter(x -> x.type().equals(r.string("type"))).findFirst().ifPresent(x -> out.put("reaction", Wire.reaction(x)));
        return ApiJson.status(201, out);
    }

    @DELETE
    @Path("{id}/reaction/{type}")
    @Limited("reactions")
    public Response unreact(@PathParam("id") String id, @PathParam("type") String type, @QueryParam("user_id") String userId) {
        return ApiJson.ok(Map.of("message", Wire.message(caller().app().reactions().unreact(id, type, userId))));
    }

    @POST
    @Path("{id}/pin")
    @Limited("update_message")
    public Response pin(@PathParam("id") String id, InputStream in) {
        JsonBody body = body(in).strict(Set.of("pin_expires"));
        return ApiJson.ok(Map.of("message", Wire.message(caller().app().messages().pin(id, instant("pin_expires", body.asMap().get("pin_expires"))))));
    }

    @DELETE
    @Path("{id}/pin")
    @Limited("update_message")
    public Response unpin(@PathParam("id") String id) {
        return ApiJson.ok(Map.of("message", Wire.message(caller().app().messages().unpin(id))));
    }

    static List<Attachment> attachments(JsonBody m) {
        List<JsonBody> raw = m.objects("attachments");
        if (raw == null) {
            return List.of();
        }
        List<Attachment> out = new ArrayList<>();
        for (JsonBody a : raw) {
            out.add(attachment(a));
        }
        return out;
    }

    static List<String> mentions(JsonBody m) {
        List<String> ids = userIds(m, "mentioned_users", "id");
        return ids == null ? List.of() : ids;
    }
}
