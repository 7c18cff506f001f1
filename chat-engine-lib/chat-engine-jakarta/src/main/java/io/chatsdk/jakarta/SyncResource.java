package io.chatsdk.jakarta;

import io.chatsdk.engine.internal.Wire;
import io.chatsdk.engine.model.SyncResult;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /sync}: {@code {"channels": {"messaging:a": 41}, "last_sync_at": "...", "limit": 100}} returns, per channel,
 * the messages after the given seq ({@code has_more} when paged, {@code reload} when the gap is too large), the messages
 * already held that changed since {@code last_sync_at}, the channels joined and left meanwhile, and fresh unread counts.
 */
@Path("sync")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class SyncResource extends ApiResource {

    @POST
    @Limited("read_messages")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response sync(InputStream in) {
        JsonBody body = body(in).strict(Set.of("channels", "last_sync_at", "limit"));
        Map<String, Long> seqs = new LinkedHashMap<>();
        JsonBody channels = body.object("channels");
        for (String cid : channels.asMap().keySet()) {
            Long seq = channels.longValue(cid);
            if (seq == null) {
                throw ApiException.badRequest("validation_error", "channels." + cid + ": must be a seq", "channels." + cid);
            }
            seqs.put(cid, seq);
        }
        Instant lastSyncAt = null;
        if (body.has("last_sync_at")) {
            try {
                lastSyncAt = Instant.parse(body.string("last_sync_at"));
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest("validation_error", "last_sync_at: must be an RFC 3339 timestamp", "last_sync_at");
            }
        }
        SyncResult r = caller().app().sync().since(seqs, lastSyncAt, body.integer("limit", 100));
        Map<String, Object> out = new LinkedHashMap<>();
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
        return ApiJson.ok(out);
    }
}
