package io.chatsdk.engine.export;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What an export covers, written once at the top of every export (where the format has a place for it)
 * so a reviewer can tell which request produced a file. Immutable.
 *
 * @param appId      the app (tenant) exported
 * @param from       start of the exported period (inclusive), or {@code null} for "from the beginning"
 * @param to         end of the exported period (exclusive), or {@code null} for "up to the export time"
 * @param exportedAt when the export was made
 * @param filters    the request's filters (users, channels, ...) as JSON-like values; never {@code null}
 */
public record ExportHeader(String appId, Instant from, Instant to, Instant exportedAt, Map<String, Object> filters) {
    public ExportHeader {
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(exportedAt, "exportedAt");
        if (from != null && to != null && to.isBefore(from)) {
            throw new IllegalArgumentException("to: must not be before from");
        }
        // LinkedHashMap rather than Map.copyOf: filters may hold null values and keep their order
        filters = filters == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(filters));
    }
}
