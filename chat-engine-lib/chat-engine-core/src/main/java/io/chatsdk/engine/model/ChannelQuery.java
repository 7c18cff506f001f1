package io.chatsdk.engine.model;

import io.chatsdk.engine.types.ChatException;

import java.util.List;
import java.util.Map;

/**
 * A query-channels request. {@code filter} is GetStream's filter object, for example
 * {@code {"type": "messaging", "members": {"$in": ["u1"]}}}. {@code userId} gives server-side queries the
 * perspective for {@code has_unread} and {@code hidden}; user queries always use the acting user.
 *
 * @param limit  1..30, default 10 (GetStream's bounds)
 * @param offset 0..1000
 */
public record ChannelQuery(Map<String, Object> filter, List<SortField> sort, int limit, int offset, String userId) {
    public static final int MAX_LIMIT = 30;
    public static final int MAX_OFFSET = 1000;

    public ChannelQuery {
        filter = filter == null ? Map.of() : filter;
        sort = sort == null ? List.of() : List.copyOf(sort);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ChatException.invalid("limit", "must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        if (offset < 0 || offset > MAX_OFFSET) {
            throw ChatException.invalid("offset", "must be between 0 and " + MAX_OFFSET + ", was " + offset);
        }
    }

    public static ChannelQuery of(Map<String, Object> filter) {
        return new ChannelQuery(filter, List.of(), 10, 0, null);
    }

    public ChannelQuery sortedBy(SortField... sort) {
        return new ChannelQuery(filter, List.of(sort), limit, offset, userId);
    }

    public ChannelQuery page(int limit, int offset) {
        return new ChannelQuery(filter, sort, limit, offset, userId);
    }

    public ChannelQuery forUser(String userId) {
        return new ChannelQuery(filter, sort, limit, offset, userId);
    }
}
