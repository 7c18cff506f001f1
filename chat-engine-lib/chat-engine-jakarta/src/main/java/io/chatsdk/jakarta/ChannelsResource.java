package io.chatsdk.jakarta;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.files.Files;
import io.chatsdk.engine.model.Channel;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.ChannelQuery;
import io.chatsdk.engine.model.ChannelState;
import io.chatsdk.engine.model.Member;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.MessagePage;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.wire.Wire;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code /channels}: query, get-or-create, update, members, hide/show, truncate, delete, read markers, sending messages. */
@Path("channels")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class ChannelsResource extends ApiResource {
    private static final Set<String> DATA_FIELDS = Set.of("members", "name", "image", "created_by_id", "created_by", "config_overrides");
    private static final Set<String> QUERY_FIELDS = Set.of("data", "messages", "members", "state", "watch", "presence");

    /** Query channels: {@code filter_conditions}, {@code sort}, {@code limit}, {@code offset}, {@code message_limit}, {@code member_limit}. */
    @POST
    @Limited("query_channels")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response query(InputStream in) {
        JsonBody body = body(in).strict(Set.of("filter_conditions", "sort", "limit", "offset", "message_limit", "member_limit", "user_id",
                "state", "watch", "presence"));
        Caller caller = caller();
        ChannelQuery q = new ChannelQuery(body.object("filter_conditions").asMap(), sort(body), body.integer("limit", 10),
                body.integer("offset", 0), caller.userOr(body.string("user_id")));
        int messageLimit = body.integer("message_limit", 25);
        int memberLimit = body.integer("member_limit", 100);
        AppHandle app = caller.server() && q.userId() != null ? caller.app().as(q.userId()) : caller.app();
        List<Object> channels = new ArrayList<>();
        for (Channel c : caller.app().channels().query(q)) {
            channels.add(state(app.channels().state(c.cid(), MessagePage.latest(Math.max(1, messageLimit)), memberLimit), messageLimit == 0));
        }
        return ApiJson.ok(Map.of("channels", channels));
    }

    @POST
    @Path("{type}/query")
    @Limited("channels")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response queryDistinct(@PathParam("type") String type, InputStream in) {
        JsonBody body = body(in).strict(QUERY_FIELDS);
        ChannelInput input = channelInput(body.object("data"));
        ChannelState s = caller().app().channels().getOrCreateDistinct(type, input);
        return ApiJson.ok(paged(s, body));
    }

    /**
     * Get-or-create, GetStream's {@code POST /channels/{type}/{id}/query}. With {@code "watch": true} and the
     * {@code connection_id} of one of the user's WebSockets (query parameter), that connection starts watching.
     */
    @POST
    @Path("{type}/{id}/query")
    @Limited("channels")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response getOrCreate(@PathParam("type") String type, @PathParam("id") String id, @QueryParam("connection_id") String connectionId,
                                InputStream in) {
        JsonBody body = body(in).strict(QUERY_FIELDS);
        ChannelState s = caller().app().channels().getOrCreate(type, id, channelInput(body.object("data")));
        if (body.bool("watch", false)) {
            ctx.hub().watch(caller(), connectionId, s.channel().cid());
        }
        return ApiJson.ok(paged(s, body));
    }

    private Map<String, Object> paged(ChannelState created, JsonBody body) {
        ChannelState s = created;
        if (body.has("messages") || body.has("members")) {
            MessagePage page = page(body.object("messages"), 25);
            JsonBody members = body.object("members").strict(Set.of("limit", "offset"));
            s = caller().app().channels().state(created.channel().cid(), page, members.integer("limit", 100));
            s = new ChannelState(s.channel(), created.created(), s.members(), s.messages(), s.membership());
        }
        Map<String, Object> out = state(s, false);
        out.put("created", s.created());
        return out;
    }

    /** Update: {@code data} replaces name, image and custom fields; {@code add_members}, {@code remove_members}, {@code add_moderators}, {@code demote_moderators}. */
    @POST
    @Path("{type}/{id}")
    @Limited("channels")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response update(@PathParam("type") String type, @PathParam("id") String id, InputStream in) {
        JsonBody body = body(in).strict(Set.of("data", "add_members", "remove_members", "add_moderators", "demote_moderators"));
        Cid cid = cid(type, id);
        AppHandle app = caller().app();
        if (body.has("data")) {
            app.channels().update(cid, channelInput(body.object("data")));
        }
        if (body.has("add_members")) {
            app.channels().addMembers(cid, orEmpty(userIds(body, "add_members", "user_id")));
        }
        if (body.has("remove_members")) {
            app.channels().removeMembers(cid, orEmpty(userIds(body, "remove_members", "user_id")));
        }
        for (String userId : orEmpty(body.strings("add_moderators"))) {
            app.channels().setMemberRole(cid, userId, Member.MODERATOR);
        }
        for (String userId : orEmpty(body.strings("demote_moderators"))) {
            app.channels().setMemberRole(cid, userId, Member.MEMBER);
        }
        return ApiJson.ok(state(app.channels().state(cid, MessagePage.latest(1), 100), true));
    }

    /** Partial update: {@code {"set": {...}, "unset": [...]}}; {@code set.frozen} freezes or unfreezes. */
    @PATCH
    @Path("{type}/{id}")
    @Limited("channels")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response partialUpdate(@PathParam("type") String type, @PathParam("id") String id, InputStream in) {
        JsonBody body = body(in).strict(Set.of("set", "unset"));
        Cid cid = cid(type, id);
        Map<String, Object> set = new LinkedHashMap<>(body.object("set").asMap());
        Object frozen = set.remove("frozen");
        Channel c;
        if (frozen != null) {
            if (!(frozen instanceof Boolean f)) {
                throw ApiException.badRequest("validation_error", "set.frozen: must be true or false", "set.frozen");
            }
            c = caller().app().channels().freeze(cid, f);
        }
        List<String> unset = orEmpty(body.strings("unset"));
        if (!set.isEmpty() || !unset.isEmpty() || frozen == null) {
            c = caller().app().channels().partialUpdate(cid, set, unset);
        } else {
            c = caller().app().channels().get(cid);
        }
        return ApiJson.ok(Map.of("channel", Wire.channel(c)));
    }

    @DELETE
    @Path("{type}/{id}")
    @Limited("channels")
    public Response delete(@PathParam("type") String type, @PathParam("id") String id) {
        Cid cid = cid(type, id);
        Channel c = caller().app().channels().get(cid);
        caller().app().channels().delete(cid);
        return ApiJson.ok(Map.of("channel", Wire.channel(c)));
    }

    /**
     * A range of the channel's messages by seq, for gap fill: {@code ?seq_gt=100&seq_lt=102&limit=25}; or GetStream's get
     * many messages, {@code ?ids=a,b,c} (at most 100; ids not found in this channel are left out).
     */
    @jakarta.ws.rs.GET
    @Path("{type}/{id}/messages")
    @Limited("read_messages")
    public Response messages(@PathParam("type") String type, @PathParam("id") String id, @QueryParam("limit") String limit,
                             @QueryParam("id_lt") String idLt, @QueryParam("id_gt") String idGt, @QueryParam("seq_lt") String seqLt,
                             @QueryParam("seq_gt") String seqGt, @QueryParam("ids") String ids) {
        Cid cid = cid(type, id);
        if (ids != null) {
            if (limit != null || idLt != null || idGt != null || seqLt != null || seqGt != null) {
                throw ApiException.badRequest("validation_error", "ids: cannot be combined with limit, id_* or seq_*", "ids");
            }
            List<String> wanted = java.util.Arrays.stream(ids.split(",")).map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
            if (wanted.isEmpty() || wanted.size() > 100) {
                throw ApiException.badRequest("validation_error", "ids: give 1 to 100 comma-separated message ids", "ids");
            }
            AppHandle app = caller().app();
            app.channels().get(cid);   // read permission on the channel, so that a refusal is not an empty list
            List<Object> found = new ArrayList<>();
            for (String messageId : wanted) {
                try {
                    Message m = app.messages().get(messageId);
                    if (m.cid().equals(cid)) {
                        found.add(Wire.message(m));
                    }
                } catch (io.chatsdk.engine.types.ChatException e) {
                    // not found, or in another channel the caller cannot read: either way not in this channel
                    if (e.code() != io.chatsdk.engine.types.ErrorCode.MESSAGE_NOT_FOUND && e.code() != io.chatsdk.engine.types.ErrorCode.FORBIDDEN) {
                        throw e;
                    }
                }
            }
            return ApiJson.ok(Map.of("messages", found));
        }
        List<Message> messages = caller().app().messages().list(cid, page(limit, idLt, idGt, seqLt, seqGt, 25));
        return ApiJson.ok(Map.of("messages", messages.stream().map(Wire::message).toList()));
    }

    /** Three replies to the channel's last message, from the app's opt-in AI ({@link AiWire}). */
    @jakarta.ws.rs.GET
    @Path("{type}/{id}/smart_replies")
    @Limited("ai")
    public Response smartReplies(@PathParam("type") String type, @PathParam("id") String id, @QueryParam("user_id") String userId) {
        return AiWire.smartReplies(caller(), cid(type, id), userId);
    }

    /** What the user missed in the channel since their last read, from the app's opt-in AI ({@link AiWire}). */
    @jakarta.ws.rs.GET
    @Path("{type}/{id}/catch_up")
    @Limited("ai")
    public Response catchUp(@PathParam("type") String type, @PathParam("id") String id, @QueryParam("user_id") String userId) {
        return AiWire.catchUp(caller(), cid(type, id), userId);
    }

    @POST
    @Path("{type}/{id}/truncate")
    @Limited("channels")
    public Response truncate(@PathParam("type") String type, @PathParam("id") String id) {
        return ApiJson.ok(Map.of("channel", Wire.channel(caller().app().channels().truncate(cid(type, id)))));
    }

    @POST
    @Path("{type}/{id}/hide")
    @Limited("channels")
    public Response hide(@PathParam("type") String type, @PathParam("id") String id, InputStream in) {
        JsonBody body = body(in).strict(Set.of("user_id", "clear_history"));
        caller().app().channels().hide(cid(type, id), body.string("user_id"));
        return ApiJson.ok(Map.of());
    }

    @POST
    @Path("{type}/{id}/show")
    @Limited("channels")
    public Response show(@PathParam("type") String type, @PathParam("id") String id, InputStream in) {
        JsonBody body = body(in).strict(Set.of("user_id"));
        caller().app().channels().show(cid(type, id), body.string("user_id"));
        return ApiJson.ok(Map.of());
    }

    /** Updates one member: {@code {"set": {"channel_role": "moderator"}}}. */
    @PATCH
    @Path("{type}/{id}/member/{userId}")
    @Limited("members")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response updateMember(@PathParam("type") String type, @PathParam("id") String id, @PathParam("userId") String userId, InputStream in) {
        JsonBody set = body(in).strict(Set.of("set")).object("set").strict(Set.of("channel_role"));
        Member m = caller().app().channels().setMemberRole(cid(type, id), userId, set.requireString("channel_role"));
        return ApiJson.ok(Map.of("channel_member", Wire.member(m)));
    }

    @POST
    @Path("{type}/{id}/read")
    @Limited("read_state")
    public Response markRead(@PathParam("type") String type, @PathParam("id") String id, InputStream in) {
        JsonBody body = body(in).strict(Set.of("message_id", "user_id", "thread_id"));
        long seq = caller().app().reads().markRead(cid(type, id), body.string("message_id"), body.string("user_id"));
        return ApiJson.ok(Map.of("last_read_seq", seq));
    }

    @POST
    @Path("{type}/{id}/unread")
    @Limited("read_state")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response markUnread(@PathParam("type") String type, @PathParam("id") String id, InputStream in) {
        JsonBody body = body(in).strict(Set.of("message_id", "user_id"));
        long seq = caller().app().reads().markUnread(cid(type, id), body.requireString("message_id"), body.string("user_id"));
        return ApiJson.ok(Map.of("last_read_seq", seq));
    }

    /** Sends {@code {"message": {...}}}; a client-chosen {@code id} makes resends return the stored message. */
    @POST
    @Path("{type}/{id}/message")
    @Limited("send_message")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response send(@PathParam("type") String type, @PathParam("id") String id, InputStream in) {
        JsonBody body = body(in).strict(Set.of("message", "skip_push", "force_moderation"));
        if (!body.has("message")) {
            throw ApiException.badRequest("validation_error", "message: is required", "message");
        }
        JsonBody m = body.object("message");
        NewMessage msg = new NewMessage(m.string("id"), userRef(m, "user_id", "user"), m.string("text"), m.string("type"),
                MessagesResource.attachments(m), MessagesResource.mentions(m), m.string("parent_id"), m.bool("show_in_channel", false), m.string("quoted_message_id"),
                m.bool("silent", false), m.rest(MessagesResource.MESSAGE_FIELDS));
        Message sent = caller().app().messages().send(cid(type, id), msg);
        return ApiJson.status(201, Map.of("message", Wire.message(sent)));
    }

    /**
     * GetStream's send event: {@code {"event": {"type": "typing.start" | "typing.stop" | a custom type, custom fields}}}.
     * A user token sends as its user; a server token names the user in {@code event.user_id} or {@code event.user.id}.
     * Typing events need the channel type's typing flag; custom events read permission. Answers
     * {@code {"event": {...}}}, the event as delivered (a repeated {@code typing.start} within the typing window is not
     * delivered again and is answered with the event it would have been).
     */
    @POST
    @Path("{type}/{id}/event")
    @Limited("send_event")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response sendEvent(@PathParam("type") String type, @PathParam("id") String id, InputStream in) {
        JsonBody event = body(in).strict(Set.of("event")).object("event");
        String eventType = event.requireString("type");
        Caller caller = caller();
        String userId = userRef(event, "user_id", "user");
        if (!caller.server() && userId != null && !userId.equals(caller.userId())) {
            throw new ApiException(403, "forbidden", "event.user_id: a user token sends events as its own user only");
        }
        if (caller.server()) {
            if (userId == null) {
                throw ApiException.badRequest("validation_error", "event.user_id: is required with a server token", "event.user_id");
            }
            caller.app().users().get(userId);
        } else {
            userId = caller.userId();
        }
        Cid cid = cid(type, id);
        Hub hub = ctx.hub();
        Map<String, Object> sent = switch (eventType) {
            case "typing.start", "typing.stop" -> {
                event.strict(Set.of("type", "user_id", "user", "parent_id"));
                Map<String, Object> e = hub.typing(caller.app(), caller.appId(), userId, cid, eventType.equals("typing.start"),
                        event.string("parent_id"));
                // a repeated start within the typing window (or a stop while not typing) changes nothing and is not delivered
                yield e != null ? e : io.chatsdk.engine.event.EventJson.payload(new io.chatsdk.engine.event.Event.TypingEvent(
                        io.chatsdk.engine.event.EventType.of(eventType).orElseThrow(), cid, userId, event.string("parent_id")), ctx.clock().instant());
            }
            default -> {
                Map<String, Object> custom = new LinkedHashMap<>(event.asMap());
                custom.remove("user_id");
                custom.remove("user");
                yield hub.custom(caller.app(), caller.appId(), userId, cid, custom);
            }
        };
        return ApiJson.status(201, Map.of("event", sent));
    }

    private static ChannelInput channelInput(JsonBody data) {
        List<String> members = orEmpty(userIds(data, "members", "user_id"));
        JsonBody overrides = data.object("config_overrides");
        return new ChannelInput(data.string("name"), data.string("image"), data.rest(DATA_FIELDS), members,
                userRef(data, "created_by_id", "created_by"), overrides.asMap().isEmpty() ? null : overrides.asMap());
    }

    static Map<String, Object> state(ChannelState s, boolean withoutMessages) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("channel", Wire.channel(s.channel()));
        out.put("members", s.members().stream().map(Wire::member).toList());
        out.put("messages", withoutMessages ? List.of() : s.messages().stream().map(Wire::message).toList());
        if (s.membership() != null) {
            out.put("membership", Wire.member(s.membership()));
        }
        return out;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    /** The upload endpoints live under {@code /channels} (JAX-RS picks one root resource per path); {@link FilesResource} does the work. */
    @POST
    @Path("{type}/{id}/file")
    @Limited("files")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    public Response uploadFile(@PathParam("type") String type, @PathParam("id") String id, @HeaderParam("Content-Type") String contentType,
                               @jakarta.ws.rs.core.Context jakarta.ws.rs.core.UriInfo uriInfo,
                               @HeaderParam("Content-Length") String contentLength, InputStream in) {
        return FilesResource.upload(this, uriInfo, cid(type, id), Files.Kind.FILE, contentType, contentLength, in);
    }

    @POST
    @Path("{type}/{id}/image")
    @Limited("files")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    public Response uploadImage(@PathParam("type") String type, @PathParam("id") String id, @HeaderParam("Content-Type") String contentType,
                               @jakarta.ws.rs.core.Context jakarta.ws.rs.core.UriInfo uriInfo,
                                @HeaderParam("Content-Length") String contentLength, InputStream in) {
        return FilesResource.upload(this, uriInfo, cid(type, id), Files.Kind.IMAGE, contentType, contentLength, in);
    }

    @DELETE
    @Path("{type}/{id}/file")
    @Limited("files")
    @Produces(MediaType.APPLICATION_JSON)
    public Response deleteFile(@PathParam("type") String type, @PathParam("id") String id, @QueryParam("url") String url) {
        caller().app().files().delete(cid(type, id), FilesResource.fileId(url));
        return ApiJson.ok(Map.of());
    }

    @DELETE
    @Path("{type}/{id}/image")
    @Limited("files")
    @Produces(MediaType.APPLICATION_JSON)
    public Response deleteImage(@PathParam("type") String type, @PathParam("id") String id, @QueryParam("url") String url) {
        return deleteFile(type, id, url);
    }

}
