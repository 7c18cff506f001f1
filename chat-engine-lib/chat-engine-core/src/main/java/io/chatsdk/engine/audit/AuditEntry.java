package io.chatsdk.engine.audit;

import io.chatsdk.engine.types.AppId;

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
        // values come from requests (paths, headers, api keys): keep them printable and bounded, so no entry can be
        // refused by the database (PostgreSQL refuses NUL) and block the log
        actorId = clean(actorId);
        actorRole = clean(actorRole);
        action = clean(action);
        resourceType = clean(resourceType);
        resourceId = clean(resourceId);
        ip = clean(ip);
        userAgent = clean(userAgent);
        reason = clean(reason);
        java.util.Map<String, String> d = new java.util.LinkedHashMap<>();
        if (details != null) {
            details.forEach((k, v) -> d.put(clean(k), v == null ? "" : clean(v)));
        }
        details = Map.copyOf(d);
    }

    /** Control characters become U+FFFD and values are cut to 500 characters. */
    static String clean(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), 500));
        for (int i = 0; i < s.length() && b.length() < 500; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) || (Character.isSurrogate(c) && !validSurrogate(s, i)) ? '\uFFFD' : c);
        }
        return b.toString();
    }

    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
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
