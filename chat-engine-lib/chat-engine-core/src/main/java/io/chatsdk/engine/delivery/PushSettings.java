package io.chatsdk.engine.delivery;

import io.chatsdk.engine.types.ChatException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an app's push notifications may say and how often they come, stored in the app's settings ({@code push}).
 *
 * @param preview         {@code true} (the default): the notification shows the sender's name and the first 100
 *                        characters of the text; {@code false} (HIPAA mode): no content at all, only {@code cid} and
 *                        {@code message_id} in the data for the deep link
 * @param collapseSeconds 0 to 3600 (default 10): within this window a user gets one notification per channel; the
 *                        next one after it says how many messages are unread ("3 new messages in #general")
 */
public record PushSettings(boolean preview, int collapseSeconds) {
    public static final int MAX_COLLAPSE_SECONDS = 3600;
    public static final PushSettings DEFAULTS = new PushSettings(true, 10);
    public static final String KEY = "push";

    public PushSettings {
        if (collapseSeconds < 0 || collapseSeconds > MAX_COLLAPSE_SECONDS) {
            throw ChatException.invalid("collapse_seconds", "must be between 0 and 3600");
        }
    }

    /** The settings in an app's settings document; the defaults where nothing is set. */
    public static PushSettings of(Map<String, Object> appSettings) {
        if (!(appSettings.get(KEY) instanceof Map<?, ?> m)) {
            return DEFAULTS;
        }
        // a stored value the API would not have accepted fails safe: no content, a window within bounds
        Object preview = m.get("preview");
        long collapse = m.get("collapse_seconds") instanceof Number n ? n.longValue() : DEFAULTS.collapseSeconds();
        return new PushSettings(preview == null || "full".equals(preview), (int) Math.max(0, Math.min(MAX_COLLAPSE_SECONDS, collapse)));
    }

    /** The stored and wire form: {@code {"preview": "full"|"none", "collapse_seconds": n}}. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("preview", preview ? "full" : "none");
        m.put("collapse_seconds", collapseSeconds);
        return m;
    }
}
