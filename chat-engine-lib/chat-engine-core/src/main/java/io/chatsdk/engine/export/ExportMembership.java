package io.chatsdk.engine.export;

import java.time.Instant;
import java.util.Objects;

/**
 * A change of channel membership in a compliance export: {@code userId} joined or left {@code cid} at
 * {@code at}. Immutable.
 *
 * @param cid    the channel, {@code type:id}
 * @param userId the member
 * @param kind   {@link #JOINED} or {@link #LEFT}
 * @param at     when it happened
 */
public record ExportMembership(String cid, String userId, String kind, Instant at) {
    /** The {@code kind} of a join. */
    public static final String JOINED = "joined";
    /** The {@code kind} of a departure (left, removed or banned out). */
    public static final String LEFT = "left";

    public ExportMembership {
        Objects.requireNonNull(cid, "cid");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(at, "at");
        if (!JOINED.equals(kind) && !LEFT.equals(kind)) {
            throw new IllegalArgumentException("kind: must be \"joined\" or \"left\"");
        }
    }

    public boolean joined() {
        return JOINED.equals(kind);
    }
}
