package io.chatsdk.jakarta;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code GET /unread}. */
@Path("unread")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class UnreadResource extends ApiResource {
    /** Unread totals and per channel for the calling user ({@code user_id} for server tokens). */
    @GET
    @Limited("unread")
    public Response unread(@QueryParam("user_id") String userId) {
        var u = caller().app().reads().unreadCounts(userId);
        List<Object> channels = new ArrayList<>();
        for (var c : u.channels()) {
            channels.add(Map.of("channel_id", c.cid(), "unread_count", c.unreadCount(), "unread_mentions", c.unreadMentions(),
                    "last_read_seq", c.lastReadSeq(), "last_seq", c.lastSeq()));
        }
        return ApiJson.ok(Map.of("total_unread_count", u.totalUnreadCount(), "total_unread_mentions", u.totalUnreadMentions(),
                "unread_channels", u.unreadChannels(), "channels", channels));
    }

}
