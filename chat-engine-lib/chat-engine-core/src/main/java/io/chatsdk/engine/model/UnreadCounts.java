package io.chatsdk.engine.model;

import java.util.List;

/** A user's unread state over all their channels. */
public record UnreadCounts(long totalUnreadCount, long totalUnreadMentions, int unreadChannels, List<ChannelUnread> channels) {

    /** One channel's unread state for the user. */
    public record ChannelUnread(String cid, long unreadCount, long unreadMentions, long lastReadSeq, long lastSeq) {
    }
}
