package io.chatsdk.engine.audit;

import io.chatsdk.engine.AppId;

import java.util.Map;
import java.util.Objects;

/**
 * What happened, before the audit log gives it a place in a chain: who ({@code actorType}, {@code actorId},
 * {@code actorRole}), what ({@code action}, {@code resourceType}, {@code resourceId}), from where ({@code ip},
 * {@code userAgent}), the outcome and its reason, and the app ({@code null} for operator actions not tied to an app).
 * Never put message text, tokens or keys here: {@code details} is for counts and ids.
 */
public record AuditEntry(AppId app, String actorType, String actorId, String actorRole, String action, String resourceType,
                         String resourceId, String ip, String userAgent, boolean success, String reason, Map<String, String> details) {
    public AuditEntry {
        Objects.requireNonNull(actorType, "actorType");
        Objects.requireNonNull(action, "action");
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    /** An action the engine itself took (a scheduled purge, a re-encryption). */
    public static AuditEntry system(AppId app, String action, String resourceType, String resourceId, Map<String, String> details) {
        return new AuditEntry(app, "system", "chatsdk", null, action, resourceType, resourceId, null, null, true, null, details);
    }

    /** The chain this entry belongs to: the app's id, or {@value AuditRecord#OPERATOR_CHAIN}. */
    public String chain() {
        return app == null ? AuditRecord.OPERATOR_CHAIN : app.value().toString();
    }
}
