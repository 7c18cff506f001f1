package io.chatsdk.engine.model;

import io.chatsdk.engine.types.ChatException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Feature flags and limits of a channel type, which a channel may override field by field.
 *
 * @param maxMessageLength text limit in characters (code points), 1..20000
 */
public record ChannelConfig(
        boolean typingEvents,
        boolean readEvents,
        boolean reactions,
        boolean replies,
        boolean quotes,
        boolean uploads,
        boolean search,
        boolean mutes,
        int maxMessageLength) {

    public static final int MAX_MESSAGE_LENGTH_LIMIT = 20_000;

    public ChannelConfig {
        if (maxMessageLength < 1 || maxMessageLength > MAX_MESSAGE_LENGTH_LIMIT) {
            throw ChatException.invalid("config.max_message_length",
                    "must be between 1 and " + MAX_MESSAGE_LENGTH_LIMIT + ", was " + maxMessageLength);
        }
    }

    /** Everything on, 5,000 characters: GetStream's defaults for {@code messaging}. */
    public static ChannelConfig defaults() {
        return new ChannelConfig(true, true, true, true, true, true, true, true, 5000);
    }

    /** The snake_case map form used in storage and on the wire. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("typing_events", typingEvents);
        m.put("read_events", readEvents);
        m.put("reactions", reactions);
        m.put("replies", replies);
        m.put("quotes", quotes);
        m.put("uploads", uploads);
        m.put("search", search);
        m.put("mutes", mutes);
        m.put("max_message_length", maxMessageLength);
        return m;
    }

    /**
     * Returns this config with the fields present in {@code overrides} replaced. Unknown keys and values of
     * the wrong type are validation errors naming the key.
     */
    public ChannelConfig with(Map<String, Object> overrides) {
        if (overrides == null || overrides.isEmpty()) {
            return this;
        }
        Map<String, Object> m = toMap();
        for (Map.Entry<String, Object> e : overrides.entrySet()) {
            String key = e.getKey();
            Object current = m.get(key);
            if (current == null) {
                throw ChatException.invalid("config." + key, "is not a channel config field");
            }
            Object value = e.getValue();
            if (current instanceof Boolean && !(value instanceof Boolean)) {
                throw ChatException.invalid("config." + key, "must be true or false");
            }
            if (current instanceof Integer && !(value instanceof Integer)) {
                throw ChatException.invalid("config." + key, "must be an integer");
            }
            m.put(key, value);
        }
        return fromMap(m);
    }

    public static ChannelConfig fromMap(Map<String, Object> m) {
        return defaults().withStrict(m);
    }

    private ChannelConfig withStrict(Map<String, Object> m) {
        Map<String, Object> base = toMap();
        base.putAll(m);
        return new ChannelConfig(
                (Boolean) base.get("typing_events"), (Boolean) base.get("read_events"), (Boolean) base.get("reactions"),
                (Boolean) base.get("replies"), (Boolean) base.get("quotes"), (Boolean) base.get("uploads"),
                (Boolean) base.get("search"), (Boolean) base.get("mutes"), ((Number) base.get("max_message_length")).intValue());
    }
}
