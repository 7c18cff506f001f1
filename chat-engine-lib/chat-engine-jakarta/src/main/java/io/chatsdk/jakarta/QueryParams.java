package io.chatsdk.jakarta;

/**
 * Query parameters read as text and checked here, so that a bad one answers {@code 400 validation_error} naming it:
 * JAX-RS's own conversion answers 404 for {@code ?limit=x} and reads {@code ?banned=yes} as false.
 */
final class QueryParams {
    private QueryParams() {
    }

    /** A whole number, or null when absent. */
    static Integer integer(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("validation_error", name + ": must be a whole number", name);
        }
    }

    /** {@code true} or {@code false}, or null when absent. */
    static Boolean bool(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        return switch (value) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw ApiException.badRequest("validation_error", name + ": must be true or false", name);
        };
    }

    /**
     * A filter for the console's searches: every clause of {@code clauses} that is not null, and with {@code q} the
     * ids or names that start with it (an empty filter when there is nothing to filter by).
     */
    @SafeVarargs
    static java.util.Map<String, Object> idOrNameStartingWith(String q, java.util.Map<String, Object>... clauses) {
        java.util.List<java.util.Map<String, Object>> and = new java.util.ArrayList<>();
        if (q != null && !q.isBlank()) {
            and.add(java.util.Map.of("$or", java.util.List.of(java.util.Map.of("id", java.util.Map.of("$autocomplete", q.strip())),
                    java.util.Map.of("name", java.util.Map.of("$autocomplete", q.strip())))));
        }
        for (java.util.Map<String, Object> c : clauses) {
            if (c != null) {
                and.add(c);
            }
        }
        return and.isEmpty() ? java.util.Map.of() : java.util.Map.of("$and", and);
    }
}
