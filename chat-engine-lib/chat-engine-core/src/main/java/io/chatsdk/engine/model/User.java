package io.chatsdk.engine.model;

import java.time.Instant;
import java.util.Map;

/** A user of an app. {@code custom} holds the app's own fields. */
public record User(
        String id,
        String name,
        String image,
        String role,
        Map<String, Object> custom,
        boolean banned,
        Instant banExpiresAt,
        Instant deactivatedAt,
        Instant lastActiveAt,
        Instant revokeTokensIssuedBefore,
        Instant createdAt,
        Instant updatedAt) {

    public boolean deactivated() {
        return deactivatedAt != null;
    }

    /** Banned now: the ban has no expiry or it lies after {@code now}. */
    public boolean bannedAt(Instant now) {
        return banned && (banExpiresAt == null || banExpiresAt.isAfter(now));
    }
}
