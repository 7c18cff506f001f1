package io.chatsdk.engine.model;

import java.time.Instant;

/**
 * What a token check needs to know about a user: when their tokens were last revoked (null: never) and whether they
 * are deactivated. {@link #NONE} for a user without a row.
 */
public record TokenState(Instant revokeTokensIssuedBefore, boolean deactivated) {
    public static final TokenState NONE = new TokenState(null, false);
}
