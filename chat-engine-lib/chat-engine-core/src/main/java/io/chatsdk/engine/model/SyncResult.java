package io.chatsdk.engine.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a client missed since its last sync.
 *
 * @param channels per requested channel that the user can still read
 * @param joined   channels the user became a member of after {@code lastSyncAt} and did not ask about
 * @param left     requested channels the user can no longer read (left, removed or deleted)
 * @param unread   fresh unread counts
 * @param syncedAt pass this as {@code lastSyncAt} next time
 */
public record SyncResult(Map<String, ChannelSync> channels, List<String> joined, List<String> left, UnreadCounts unread, Instant syncedAt) {

    /**
     * One channel's catch-up.
     *
     * @param messages messages after the client's seq, in seq order (at most the page limit)
     * @param changed  messages at or below the client's seq that changed (edits, deletes, reactions, pins) since lastSyncAt
     * @param hasMore  more messages remain after this page: sync again with the last seq received
     * @param reload   the gap exceeds the reload threshold: reload the channel instead (no messages are sent)
     * @param lastSeq  the channel's newest seq now
     */
    public record ChannelSync(List<Message> messages, List<Message> changed, boolean hasMore, boolean reload, long lastSeq) {
    }
}
