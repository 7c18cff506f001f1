package io.chatsdk.engine.model;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Messages older than {@code maxAge} are purged. Scope: the whole app (both null), one channel type, or one channel
 * ({@code channelCid}, "type:id"). The most specific policy that matches a channel applies.
 */
public record RetentionPolicy(UUID id, String channelType, String channelCid, Duration maxAge, Instant createdAt, Instant updatedAt) {
}
