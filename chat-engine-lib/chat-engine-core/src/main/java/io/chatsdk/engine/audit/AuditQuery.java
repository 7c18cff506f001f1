package io.chatsdk.engine.audit;

import io.chatsdk.engine.types.AppId;

import java.time.Instant;

/**
 * A page of one chain of the audit log, oldest first: the app's chain ({@code app}), or the operator chain when
 * {@code app} is null; optionally only records of {@code actorId}, {@code action}, {@code resourceType} /
 * {@code resourceId}, at or after {@code from} and before {@code to}. Paged by {@code afterSeq} (exclusive) and
 * {@code limit} (1 to 1000).
 */
public record AuditQuery(AppId app, String actorId, String action, String resourceType, String resourceId, Instant from, Instant to,
                         long afterSeq, int limit) {
    public AuditQuery {
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be between 1 and 1000, was " + limit);
        }
        if (afterSeq < 0) {
            throw new IllegalArgumentException("after_seq must not be negative, was " + afterSeq);
        }
    }

    public static AuditQuery of(AppId app) {
        return new AuditQuery(app, null, null, null, null, null, null, 0, 100);
    }

    public String chain() {
        return app == null ? AuditRecord.OPERATOR_CHAIN : app.value().toString();
    }
}
