package io.chatsdk.engine.model;

import io.chatsdk.engine.types.ChatException;

/**
 * Cursor paging for message lists: at most one lower and one upper bound, by seq or by message id,
 * and a limit (1..300, default 25). Without bounds it returns the newest messages. Results are oldest first.
 */
public record MessagePage(Long seqGt, Long seqLt, String idGt, String idLt, int limit) {
    public static final int MAX_LIMIT = 300;

    public MessagePage {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ChatException.invalid("limit", "must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        if (seqGt != null && idGt != null) {
            throw ChatException.invalid("id_gt", "cannot be combined with seq_gt");
        }
        if (seqLt != null && idLt != null) {
            throw ChatException.invalid("id_lt", "cannot be combined with seq_lt");
        }
    }

    public static MessagePage latest(int limit) {
        return new MessagePage(null, null, null, null, limit);
    }

    public static MessagePage afterSeq(long seq, int limit) {
        return new MessagePage(seq, null, null, null, limit);
    }

    public static MessagePage beforeSeq(long seq, int limit) {
        return new MessagePage(null, seq, null, null, limit);
    }

    public static MessagePage afterId(String id, int limit) {
        return new MessagePage(null, null, id, null, limit);
    }

    public static MessagePage beforeId(String id, int limit) {
        return new MessagePage(null, null, null, id, limit);
    }
}
