package io.chatsdk.engine.model;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * A channel type: its feature flags and which roles may do what. Role keys are user roles ({@code admin},
 * {@code user}, {@code guest}, ...) and channel roles ({@code owner}, {@code moderator}, {@code member}).
 */
public record ChannelType(
        String name,
        boolean builtIn,
        ChannelConfig config,
        Map<String, Set<Permission>> grants,
        Instant createdAt,
        Instant updatedAt) {

    public ChannelType {
        grants = Map.copyOf(grants);
    }
}
