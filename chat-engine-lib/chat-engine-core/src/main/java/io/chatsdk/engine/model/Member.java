package io.chatsdk.engine.model;

import java.time.Instant;

/** A user's membership of a channel, with their channel role and read state. */
public record Member(
        String userId,
        String role,
        long lastReadSeq,
        Instant lastReadAt,
        boolean hidden,
        Instant createdAt,
        Instant updatedAt) {

    public static final String OWNER = "owner";
    public static final String MODERATOR = "moderator";
    public static final String MEMBER = "member";
}
