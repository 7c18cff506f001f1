package io.chatsdk.engine.model;

import io.chatsdk.engine.types.Cid;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A stored message. {@code seq} is its gap-free position in the channel. {@code type} is {@code regular},
 * {@code reply}, {@code system} or {@code deleted} (soft-deleted: text, attachments and custom data are gone).
 * {@code reactionCounts}/{@code reactionScores} are per reaction type; {@code ownReactions} are the
 * reading user's (empty for server reads).
 */
public record Message(
        String id,
        Cid cid,
        long seq,
        String userId,
        String type,
        String text,
        List<Attachment> attachments,
        List<String> mentionedUsers,
        String parentId,
        boolean showInChannel,
        int replyCount,
        String quotedMessageId,
        Instant pinnedAt,
        String pinnedBy,
        Instant pinExpiresAt,
        boolean silent,
        Map<String, Object> custom,
        Map<String, Integer> reactionCounts,
        Map<String, Integer> reactionScores,
        List<Reaction> ownReactions,
        Instant createdAt,
        Instant updatedAt,
        Instant editedAt,
        Instant deletedAt,
        boolean shadowed) {

    public boolean pinned() {
        return pinnedAt != null;
    }
}
