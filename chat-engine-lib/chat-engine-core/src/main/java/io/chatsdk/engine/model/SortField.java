package io.chatsdk.engine.model;

/** One sort key, GetStream style: {@code {"field": "last_message_at", "direction": -1}}. */
public record SortField(String field, int direction) {
    public static SortField desc(String field) {
        return new SortField(field, -1);
    }

    public static SortField asc(String field) {
        return new SortField(field, 1);
    }
}
