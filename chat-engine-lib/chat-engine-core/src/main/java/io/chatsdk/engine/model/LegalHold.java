package io.chatsdk.engine.model;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A legal hold: messages by {@code userIds} (any author when empty) in {@code channelCids} (any channel when empty),
 * created in {@code [startsAt, endsAt)} (open ends when null), are kept from purge and deletion until released.
 */
public record LegalHold(UUID id, String name, String reason, List<String> userIds, List<String> channelCids, Instant startsAt,
                        Instant endsAt, String createdBy, Instant createdAt, Instant releasedAt, String releasedBy) {

    public boolean active() {
        return releasedAt == null;
    }
}
