package io.chatsdk.engine.model;

import io.chatsdk.engine.types.ChatException;

import java.util.List;
import java.util.Map;

/**
 * A message search, in GetStream's shape.
 *
 * @param channelFilter  which channels to search: a query-channels filter (required, not empty); only channels the
 *                       searcher can read are searched
 * @param query          full text: every word must occur (GetStream's {@code query}); null when
 *                       {@code messageFilter} is given instead
 * @param messageFilter  conditions on messages: {@code text} ({@code $q}, {@code $autocomplete}), {@code id},
 *                       {@code user_id}, {@code type}, {@code parent_id}, {@code created_at}, {@code updated_at},
 *                       {@code mentioned_users} ({@code $contains}), {@code attachments.type}, with {@code $and} and
 *                       {@code $or}; null when {@code query} is given
 * @param sort           by {@code relevance} or {@code created_at}; empty: relevance when there is text to match,
 *                       else newest first
 * @param limit          1..100, default 20
 * @param offset         0..1000; not with {@code next}
 * @param next           the cursor a previous page returned, or null
 * @param userId         whose view a server-side search takes (visibility, blocks); user searches always take the
 *                       searching user's
 */
public record SearchQuery(Map<String, Object> channelFilter, String query, Map<String, Object> messageFilter, List<SortField> sort,
                          int limit, int offset, String next, String userId) {
    public static final int MAX_LIMIT = 100;
    public static final int MAX_OFFSET = 1000;

    public SearchQuery {
        if (channelFilter == null || channelFilter.isEmpty()) {
            throw ChatException.invalid("filter_conditions", "is required: name the channels to search, for example {\"members\": {\"$in\": [\"me\"]}}");
        }
        if ((query == null) == (messageFilter == null)) {
            throw ChatException.invalid("query", "give either query or message_filter_conditions");
        }
        if (query != null && query.isBlank()) {
            throw ChatException.invalid("query", "must not be empty");
        }
        if (messageFilter != null && messageFilter.isEmpty()) {
            throw ChatException.invalid("message_filter_conditions", "must not be empty");
        }
        sort = sort == null ? List.of() : List.copyOf(sort);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ChatException.invalid("limit", "must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        if (offset < 0 || offset > MAX_OFFSET) {
            throw ChatException.invalid("offset", "must be between 0 and " + MAX_OFFSET + ", was " + offset);
        }
        if (next != null && offset != 0) {
            throw ChatException.invalid("next", "cannot be combined with offset");
        }
    }

    /** A full-text search of the channels {@code channelFilter} selects, 20 results, best first. */
    public static SearchQuery text(Map<String, Object> channelFilter, String query) {
        return new SearchQuery(channelFilter, query, null, List.of(), 20, 0, null, null);
    }

    /** A search by message conditions. */
    public static SearchQuery messages(Map<String, Object> channelFilter, Map<String, Object> messageFilter) {
        return new SearchQuery(channelFilter, null, messageFilter, List.of(), 20, 0, null, null);
    }

    public SearchQuery sortedBy(SortField... sort) {
        return new SearchQuery(channelFilter, query, messageFilter, List.of(sort), limit, offset, next, userId);
    }

    public SearchQuery page(int limit, int offset) {
        return new SearchQuery(channelFilter, query, messageFilter, sort, limit, offset, null, userId);
    }

    public SearchQuery after(String next, int limit) {
        return new SearchQuery(channelFilter, query, messageFilter, sort, limit, 0, next, userId);
    }

    public SearchQuery forUser(String userId) {
        return new SearchQuery(channelFilter, query, messageFilter, sort, limit, offset, next, userId);
    }
}
