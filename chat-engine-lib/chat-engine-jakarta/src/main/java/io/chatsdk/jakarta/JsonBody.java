package io.chatsdk.jakarta;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed JSON object with typed, path-aware accessors: a wrong type or an unknown key is a 400 naming the field
 * ({@code message.attachments[0]}), never a {@code ClassCastException}.
 */
public final class JsonBody {
    private final Map<String, Object> map;
    private final String path;

    JsonBody(Map<String, Object> map, String path) {
        this.map = map;
        this.path = path;
    }

    public Map<String, Object> asMap() {
        return map;
    }

    public boolean has(String key) {
        return map.containsKey(key) && map.get(key) != null;
    }

    String field(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** Rejects keys outside {@code allowed}: for request envelopes, where a typo must not pass silently. */
    public JsonBody strict(Set<String> allowed) {
        for (String key : map.keySet()) {
            if (!allowed.contains(key)) {
                throw ApiException.badRequest("unknown_field", field(key) + ": is not a known field (allowed: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")", field(key));
            }
        }
        return this;
    }

    public String string(String key) {
        Object v = map.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw wrongType(key, "a string");
        }
        return s;
    }

    public String requireString(String key) {
        String s = string(key);
        if (s == null) {
            throw ApiException.badRequest("validation_error", field(key) + ": is required", field(key));
        }
        return s;
    }

    public Boolean bool(String key) {
        Object v = map.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Boolean b)) {
            throw wrongType(key, "true or false");
        }
        return b;
    }

    public boolean bool(String key, boolean dflt) {
        Boolean b = bool(key);
        return b == null ? dflt : b;
    }

    public Integer integer(String key) {
        Object v = map.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() != ((Number) v).intValue()) {
            throw wrongType(key, "an integer");
        }
        return ((Number) v).intValue();
    }

    public int integer(String key, int dflt) {
        Integer i = integer(key);
        return i == null ? dflt : i;
    }

    public Long longValue(String key) {
        Object v = map.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Integer || v instanceof Long)) {
            throw wrongType(key, "an integer");
        }
        return ((Number) v).longValue();
    }

    public JsonBody object(String key) {
        Object v = map.get(key);
        if (v == null) {
            return new JsonBody(new LinkedHashMap<>(), field(key));
        }
        return asObject(v, field(key));
    }

    @SuppressWarnings("unchecked")
    private static JsonBody asObject(Object v, String field) {
        if (!(v instanceof Map<?, ?>)) {
            throw ApiException.badRequest("validation_error", field + ": must be an object", field);
        }
        return new JsonBody((Map<String, Object>) v, field);
    }

    /** A list of objects; null when absent. */
    public List<JsonBody> objects(String key) {
        Object v = map.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Collection<?> c)) {
            throw wrongType(key, "a list of objects");
        }
        List<JsonBody> out = new ArrayList<>();
        int i = 0;
        for (Object o : c) {
            out.add(asObject(o, field(key) + "[" + i++ + "]"));
        }
        return out;
    }

    /** A list of strings; null when absent. */
    public List<String> strings(String key) {
        Object v = map.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Collection<?> c)) {
            throw wrongType(key, "a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (Object o : c) {
            if (!(o instanceof String s)) {
                throw wrongType(key, "a list of strings");
            }
            out.add(s);
        }
        return out;
    }

    /** A list of arbitrary values; null when absent. */
    public List<Object> list(String key) {
        Object v = map.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof List<?> l)) {
            throw wrongType(key, "a list");
        }
        return new ArrayList<>(l);
    }

    /** The entries whose keys are not in {@code known}: GetStream's flattened custom fields. */
    public Map<String, Object> rest(Set<String> known) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (!known.contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    private ApiException wrongType(String key, String expected) {
        return ApiException.badRequest("validation_error", field(key) + ": must be " + expected, field(key));
    }
}
