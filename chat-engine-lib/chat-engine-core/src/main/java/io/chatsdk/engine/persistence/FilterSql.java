package io.chatsdk.engine.persistence;

import io.chatsdk.engine.internal.Json;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Validate;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Translates GetStream-style filter objects ({@code {"type": "messaging", "members": {"$in": ["u1"]}}}) into a SQL
 * {@code WHERE} fragment with bound parameters. Field names never reach the SQL text except through the
 * caller's field table; values are always bound. Unknown operators, malformed values and oversized filters are
 * validation errors naming the offending field.
 */
public final class FilterSql {
    public static final int MAX_CONDITIONS = 64;
    public static final int MAX_LIST = 1000;
    private static final Set<String> SCALAR_OPS = Set.of("$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists", "$autocomplete",
            "$q", "$contains", "$semantic");
    private static final Pattern CUSTOM_FIELD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

    /** How a field turns an operator and value into SQL. */
    @FunctionalInterface
    public interface Field {
        String sql(String field, String op, Object value, List<Object> params);
    }

    /** The compiled fragment and its parameters, in order. */
    public record Compiled(String where, List<Object> params) {
    }

    private final Map<String, Field> fields;
    private final String customColumn;
    private int conditions;

    private FilterSql(Map<String, Field> fields, String customColumn) {
        this.fields = fields;
        this.customColumn = customColumn;
    }

    /**
     * @param fields       the known fields
     * @param customColumn a jsonb column that holds custom fields, or null if unknown fields are errors
     */
    public static Compiled compile(Map<String, Object> filter, Map<String, Field> fields, String customColumn) {
        List<Object> params = new ArrayList<>();
        String where = new FilterSql(fields, customColumn).object("filter_conditions", filter, params);
        return new Compiled(where, params);
    }

    private String object(String path, Object raw, List<Object> params) {
        if (!(raw instanceof Map<?, ?> map)) {
            throw ChatException.invalid(path, "must be an object");
        }
        if (map.isEmpty()) {
            return "true";
        }
        List<String> parts = new ArrayList<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (key.equals("$and") || key.equals("$or")) {
                parts.add(logical(key, e.getValue(), params));
            } else if (key.startsWith("$")) {
                throw ChatException.invalid(key, "unknown operator at the top of a filter (use $and or $or)");
            } else {
                parts.add(field(key, e.getValue(), params));
            }
        }
        return parts.size() == 1 ? parts.get(0) : "(" + String.join(" and ", parts) + ")";
    }

    private String logical(String op, Object value, List<Object> params) {
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            throw ChatException.invalid(op, "must be a non-empty list of filter objects");
        }
        List<String> parts = new ArrayList<>();
        for (Object o : list) {
            parts.add(object(op, o, params));
        }
        return "(" + String.join(op.equals("$and") ? " and " : " or ", parts) + ")";
    }

    private String field(String name, Object condition, List<Object> params) {
        Field f = fields.get(name);
        if (f == null) {
            if (customColumn == null || !CUSTOM_FIELD.matcher(name).matches()) {
                throw ChatException.invalid(name, "unknown filter field");
            }
            f = this::custom;
        }
        if (condition instanceof Map<?, ?> ops) {
            if (ops.isEmpty()) {
                throw ChatException.invalid(name, "has an empty condition");
            }
            List<String> parts = new ArrayList<>();
            for (Map.Entry<?, ?> e : ops.entrySet()) {
                String op = String.valueOf(e.getKey());
                if (!SCALAR_OPS.contains(op)) {
                    throw ChatException.invalid(name, "unknown operator '" + op + "'");
                }
                count(name);
                if ((op.equals("$in") || op.equals("$nin")) && !(e.getValue() instanceof Collection<?>)) {
                    throw ChatException.invalid(name, op + " needs a list");
                }
                if (e.getValue() instanceof Collection<?> c && c.size() > MAX_LIST) {
                    throw ChatException.invalid(name, op + " lists at most " + MAX_LIST + " values");
                }
                if (op.equals("$exists") && !(e.getValue() instanceof Boolean)) {
                    throw ChatException.invalid(name, "$exists needs true or false");
                }
                parts.add(f.sql(name, op, e.getValue(), params));
            }
            return parts.size() == 1 ? parts.get(0) : "(" + String.join(" and ", parts) + ")";
        }
        count(name);
        return f.sql(name, "$eq", condition, params);
    }

    private void count(String name) {
        if (++conditions > MAX_CONDITIONS) {
            throw ChatException.invalid(name, "a filter may hold at most " + MAX_CONDITIONS + " conditions");
        }
    }

    private String custom(String name, String op, Object value, List<Object> params) {
        String col = "(" + customColumn + " -> ?)";
        params.add(name);
        switch (op) {
            case "$exists":
                return Boolean.TRUE.equals(value) ? col + " is not null" : col + " is null";
            case "$in":
            case "$nin":
                params.add(((Collection<?>) value).stream().map(Json::write).toArray(String[]::new));
                return (op.equals("$nin") ? "not " : "") + "coalesce(" + col + " = any(?::jsonb[]), false)";
            case "$autocomplete":
                params.add(prefixPattern(name, value));
                return "(" + customColumn + " ->> ?) ilike ? escape '\\'";
            default:
                params.add(Json.write(value));
                return col + " " + comparison(name, op) + " ?::jsonb";
        }
    }

    /** A standard column: {@code kind} decides the value type accepted. */
    public static Field column(String sqlColumn, Kind kind) {
        return (name, op, value, params) -> {
            switch (op) {
                case "$exists":
                    return sqlColumn + (Boolean.TRUE.equals(value) ? " is not null" : " is null");
                case "$in":
                case "$nin": {
                    List<Object> values = new ArrayList<>();
                    for (Object v : (Collection<?>) value) {
                        values.add(kind.coerce(name, v));
                    }
                    params.add(values.stream().map(String::valueOf).toArray(String[]::new));
                    return (op.equals("$nin") ? "not " : "") + "(" + sqlColumn + " = any(?::" + kind.sqlType + "[]))";
                }
                case "$autocomplete":
                    if (kind != Kind.TEXT) {
                        throw ChatException.invalid(name, "$autocomplete works only on text fields");
                    }
                    params.add(prefixPattern(name, value));
                    params.add("% " + escapeLike(name, value) + "%");
                    return "(" + sqlColumn + " ilike ? escape '\\' or " + sqlColumn + " ilike ? escape '\\')";
                default:
                    String cmp = comparison(name, op);
                    params.add(kind.coerce(name, value));
                    return op.equals("$ne") ? "(" + sqlColumn + " is distinct from ?)" : sqlColumn + " " + cmp + " ?";
            }
        };
    }

    private static String comparison(String field, String op) {
        return switch (op) {
            case "$eq" -> "=";
            case "$ne" -> "<>";
            case "$gt" -> ">";
            case "$gte" -> ">=";
            case "$lt" -> "<";
            case "$lte" -> "<=";
            default -> throw ChatException.invalid(field, "does not support " + op);
        };
    }

    private static String prefixPattern(String name, Object value) {
        return escapeLike(name, value) + "%";
    }

    private static String escapeLike(String name, Object value) {
        if (!(value instanceof String s) || s.isBlank()) {
            throw ChatException.invalid(name, "$autocomplete needs a non-empty string");
        }
        Validate.text(name, s, 100);
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /** Value types of standard columns. */
    public enum Kind {
        TEXT("text"), BOOL("boolean"), NUMBER("numeric"), TIMESTAMP("timestamptz");

        final String sqlType;

        Kind(String sqlType) {
            this.sqlType = sqlType;
        }

        Object coerce(String field, Object v) {
            switch (this) {
                case TEXT:
                    if (v instanceof String s) {
                        return Validate.text(field, s, 1000);
                    }
                    throw ChatException.invalid(field, "expects a string");
                case BOOL:
                    if (v instanceof Boolean) {
                        return v;
                    }
                    throw ChatException.invalid(field, "expects true or false");
                case NUMBER:
                    if (v instanceof Number n) {
                        return new java.math.BigDecimal(n.toString());
                    }
                    throw ChatException.invalid(field, "expects a number");
                default:
                    if (v instanceof String s) {
                        try {
                            return Instant.parse(s);
                        } catch (DateTimeParseException e) {
                            throw ChatException.invalid(field, "expects an RFC 3339 timestamp such as 2026-01-31T12:00:00Z");
                        }
                    }
                    throw ChatException.invalid(field, "expects an RFC 3339 timestamp string");
            }
        }
    }
}
