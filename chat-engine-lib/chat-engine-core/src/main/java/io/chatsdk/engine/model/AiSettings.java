package io.chatsdk.engine.model;

import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An app's AI switches, all off by default. {@code enabled} is the master: with it off nothing is embedded, suggested
 * or summarised, whatever the others say, and no model is called. A feature runs only with the master and its own
 * switch on. Smart replies draw on the embedded history, so they need embeddings on too.
 */
public record AiSettings(boolean enabled, boolean embeddings, boolean smartReplies, boolean catchUpSummaries) {
    /** The app settings entry that holds them. */
    public static final String KEY = "ai";
    public static final AiSettings OFF = new AiSettings(false, false, false, false);

    public AiSettings {
        if (smartReplies && !embeddings) {
            throw ChatException.invalid("ai_smart_replies", "needs ai_embeddings: suggestions are drawn from the embedded history");
        }
    }

    public boolean embeddingsOn() {
        return enabled && embeddings;
    }

    public boolean smartRepliesOn() {
        return enabled && smartReplies;
    }

    public boolean catchUpOn() {
        return enabled && catchUpSummaries;
    }

    /** Refuses with {@code feature_disabled}, naming the switch, unless {@code on}. */
    public static void require(boolean on, String feature) {
        if (!on) {
            throw new ChatException(ErrorCode.FEATURE_DISABLED, feature + " is off for this app (the operator switches on ai_enabled and "
                    + feature + ")", feature, null);
        }
    }

    /** The wire and storage form: {@code ai_enabled}, {@code ai_embeddings}, {@code ai_smart_replies}, {@code ai_catch_up_summaries}. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ai_enabled", enabled);
        m.put("ai_embeddings", embeddings);
        m.put("ai_smart_replies", smartReplies);
        m.put("ai_catch_up_summaries", catchUpSummaries);
        return m;
    }

    /** Reads the stored entry; anything missing is off. */
    public static AiSettings fromSettings(Map<String, Object> appSettings) {
        if (!(appSettings.get(KEY) instanceof Map<?, ?> m)) {
            return OFF;
        }
        return new AiSettings(on(m, "ai_enabled"), on(m, "ai_embeddings"), on(m, "ai_smart_replies") && on(m, "ai_embeddings"),
                on(m, "ai_catch_up_summaries"));
    }

    /** These settings with the switches in {@code change} (a partial update; values must be booleans) applied. */
    public AiSettings with(Map<String, Object> change) {
        Map<String, Object> all = new LinkedHashMap<>(toMap());
        for (Map.Entry<String, Object> e : change.entrySet()) {
            if (!all.containsKey(e.getKey())) {
                throw new ChatException(ErrorCode.VALIDATION, e.getKey() + ": is not an AI setting; use ai_enabled, ai_embeddings, ai_smart_replies, "
                        + "ai_catch_up_summaries", e.getKey(), null);
            }
            if (!(e.getValue() instanceof Boolean b)) {
                throw ChatException.invalid(e.getKey(), "must be true or false");
            }
            all.put(e.getKey(), b);
        }
        return new AiSettings(on(all, "ai_enabled"), on(all, "ai_embeddings"), on(all, "ai_smart_replies"), on(all, "ai_catch_up_summaries"));
    }

    private static boolean on(Map<?, ?> m, String key) {
        return Boolean.TRUE.equals(m.get(key));
    }
}
