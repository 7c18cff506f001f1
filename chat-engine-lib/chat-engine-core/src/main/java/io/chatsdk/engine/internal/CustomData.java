package io.chatsdk.engine.internal;

import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Validate;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/** Checks the free-form custom data users attach to users, channels and messages. */
public final class CustomData {
    /** GetStream's limit for custom data on one object. */
    public static final int MAX_BYTES = 5 * 1024;

    private CustomData() {
    }

    /**
     * Validates keys and string values (well-formed Unicode), rejects reserved keys and enforces the size limit.
     * Returns an immutable-safe copy holder: the map itself, which callers must not mutate afterwards.
     */
    public static Map<String, Object> check(String field, Map<String, Object> custom, Set<String> reserved) {
        if (custom == null) {
            return Map.of();
        }
        for (Map.Entry<String, Object> e : custom.entrySet()) {
            String key = e.getKey();
            if (key == null || key.isEmpty() || key.length() > 64) {
                throw ChatException.invalid(field, "custom keys must be 1-64 characters");
            }
            Validate.text(field + "." + key, key, 64);
            if (reserved.contains(key)) {
                throw ChatException.invalid(field + "." + key, "is a reserved field and cannot be set as custom data");
            }
            checkValue(field + "." + key, e.getValue(), 0);
        }
        int bytes = Json.write(custom).getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw ChatException.invalid(field, "custom data is " + bytes + " bytes; the limit is " + MAX_BYTES);
        }
        return custom;
    }

    private static void checkValue(String field, Object value, int depth) {
        if (depth > 8) {
            throw ChatException.invalid(field, "nests deeper than 8 levels");
        }
        if (value instanceof String s) {
            Validate.text(field, s, MAX_BYTES);
        } else if (value instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                Validate.text(field, String.valueOf(e.getKey()), 64);
                checkValue(field + "." + e.getKey(), e.getValue(), depth + 1);
            }
        } else if (value instanceof Collection<?> c) {
            for (Object o : c) {
                checkValue(field, o, depth + 1);
            }
        }
    }
}
