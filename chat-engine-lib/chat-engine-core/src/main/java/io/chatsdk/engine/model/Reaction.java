package io.chatsdk.engine.model;

import java.time.Instant;
import java.util.Map;

/** A user's reaction of one type to a message. A user has at most one reaction of each type per message. */
public record Reaction(String messageId, String userId, String type, int score, Map<String, Object> custom, Instant createdAt) {
}
