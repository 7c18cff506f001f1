package io.chatsdk.engine.model;

import io.chatsdk.engine.types.AppId;

import java.time.Instant;
import java.util.Map;

/**
 * An app (tenant) as operators see it. The API secret is never part of this record. {@code keysDestroyedAt} is set
 * when the app was crypto-shredded: its content can never be read again.
 */
public record App(
        AppId id,
        String name,
        String apiKey,
        Map<String, Object> settings,
        boolean disabled,
        Instant revokeTokensIssuedBefore,
        Instant createdAt,
        Instant updatedAt,
        Instant keysDestroyedAt) {
}
