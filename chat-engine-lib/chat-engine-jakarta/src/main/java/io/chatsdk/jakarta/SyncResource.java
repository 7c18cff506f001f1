package io.chatsdk.jakarta;

import io.chatsdk.engine.model.SyncEvents;
import io.chatsdk.engine.model.SyncResult;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.wire.Wire;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /sync} in two shapes.
 *
 * <p>By seq (ours, gap-free): {@code {"channels": {"messaging:a": 41}, "last_sync_at": "...", "limit": 100}} returns, per
 * channel, the messages after the given seq ({@code has_more} when paged, {@code reload} when the gap is too large), the
 * messages already held that changed since {@code last_sync_at}, the channels joined and left meanwhile, and fresh
 * unread counts.
 *
 * <p>By time (GetStream's): {@code {"channel_cids": ["messaging:a"], "last_sync_at": "..."}} returns {@code events}:
 * {@code message.new}, {@code message.updated} and {@code message.deleted} in the order they happened.
 *
 * <p>Both take {@code watch: true} (with the {@code connection_id} of the user's open WebSocket, as a query parameter or
 * in the body) to watch the channels that are still readable, and {@code with_inaccessible_cids: true} to list those that
 * are not as {@code inaccessible_cids}.
 */
@Path("sync")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class SyncResource extends ApiResource {

    @POST
    @Limited("read_messages")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response sync(@QueryParam("connection_id") String connectionIdParam, InputStream in) {
        JsonBody body = body(in).strict(Set.of("channels", "channel_cids", "last_sync_at", "limit", "watch", "with_inaccessible_cids",
                "connection_id"));
        if (body.has("channels") == body.has("channel_cids")) {
            throw ApiException.badRequest("validation_error", "channels: give either channels (cid to last seq) or channel_cids (a list), not both",
                    body.has("channels") ? "channel_cids" : "channels");
        }
        Instant lastSyncAt = instant("last_sync_at", body.asMap().get("last_sync_at"));
        boolean watch = body.bool("watch", false);
        String connectionId = body.has("connection_id") ? body.string("connection_id") : connectionIdParam;
        if (watch && connectionId == null) {
            throw ApiException.badRequest("validation_error", "connection_id: watch needs the connection_id of your open WebSocket", "connection_id");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        List<String> accessible = new ArrayList<>();
        List<String> inaccessible;
        if (body.has("channel_cids")) {
            if (lastSyncAt == null) {
                throw ApiException.badRequest("validation_error", "last_sync_at: is required with channel_cids", "last_sync_at");
            }
            List<String> cids = body.strings("channel_cids");
            SyncEvents r = caller().app().sync().events(cids, lastSyncAt, body.integer("limit", 100));
            List<Object> events = new ArrayList<>();
            for (SyncEvents.Change c : r.changes()) {
                events.add(event(c));
            }
            out.put("events", events);
            out.put("has_more", r.hasMore());
            inaccessible = r.inaccessible();
            cids.stream().distinct().filter(c -> !inaccessible.contains(c)).forEach(accessible::add);
        } else {
            Map<String, Long> seqs = new LinkedHashMap<>();
            JsonBody channels = body.object("channels");
            for (String cid : channels.asMap().keySet()) {
                Long seq = channels.longValue(cid);
                if (seq == null) {
                    throw ApiException.badRequest("validation_error", "channels." + cid + ": must be a seq", "channels." + cid);
                }
                seqs.put(cid, seq);
            }
            SyncResult r = caller().app().sync().since(seqs, lastSyncAt, body.integer("limit", 100));
            Map<String, Object> perChannel = new LinkedHashMap<>();
            r.channels().forEach((cid, c) -> perChannel.put(cid, Map.of(
                    "messages", c.messages().stream().map(Wire::message).toList(),
                    "changed", c.changed().stream().map(Wire::message).toList(),
                    "has_more", c.hasMore(), "reload", c.reload(), "last_seq", c.lastSeq())));
            out.put("channels", perChannel);
            out.put("joined", r.joined());
            out.put("left", r.left());
            out.put("total_unread_count", r.unread().totalUnreadCount());
            out.put("total_unread_mentions", r.unread().totalUnreadMentions());
            out.put("synced_at", r.syncedAt().toString());
            inaccessible = r.left();
            accessible.addAll(r.channels().keySet());
        }
        if (body.bool("with_inaccessible_cids", false)) {
            out.put("inaccessible_cids", inaccessible);
        }
        if (watch) {
            for (String cid : accessible) {
                ctx.hub().watch(caller(), connectionId, Cid.parse(cid));
            }
        }
        return ApiJson.ok(out);
    }

    /** A sync event in the shape the WebSocket delivers. */
    private static Map<String, Object> event(SyncEvents.Change c) {
        Cid cid = c.message().cid();
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", c.type());
        e.put("cid", cid.toString());
        e.put("channel_type", cid.type());
        e.put("channel_id", cid.id());
        e.put("seq", c.message().seq());
        e.put("created_at", c.at().toString());
        e.put("message", Wire.message(c.message()));
        e.put("user", Map.of("id", c.message().userId()));
        return e;
    }
}
