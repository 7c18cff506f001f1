package io.chatsdk.engine.model;

import io.chatsdk.engine.types.Cid;

import java.time.Instant;
import java.util.Map;

/**
 * A channel. {@code lastSeq} is the sequence number of its newest message; messages at or below
 * {@code truncatedSeq} were removed by a truncate. {@code config} is the effective config: the type's,
 * with this channel's overrides applied.
 */
public record Channel(
        Cid cid,
        String name,
        String image,
        Map<String, Object> custom,
        String createdBy,
        boolean frozen,
        ChannelConfig config,
        long lastSeq,
        long truncatedSeq,
        Instant lastMessageAt,
        int memberCount,
        Instant createdAt,
        Instant updatedAt) {
}
