package io.chatsdk.jakarta;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the HTTP layer. Produce one as a CDI bean to override the defaults:
 * <pre>{@code
 * @Produces @Singleton
 * ChatApiSettings settings() { return ChatApiSettings.defaults().withMaxBodyBytes(512 * 1024); }
 * }</pre>
 *
 * @param maxBodyBytes     largest accepted request body (default 1 MiB)
 * @param operatorToken    bearer token of the operator API at {@code /admin/api}; null disables that API
 * @param rateLimits       per-minute limits per endpoint group, per app and per user
 * @param credentialsCache how long a node trusts a cached app secret (default 10 s); rotations and disables made on
 *                         the same node apply at once, on other nodes within this time
 * @param clockSkew        tolerance for {@code exp}/{@code nbf}/{@code iat} (default 5 s)
 * @param maxQueuedEvents  events a WebSocket connection may have waiting to be sent before it is closed as too slow
 *                         (default 1,000)
 * @param idleTimeout      a WebSocket that sends nothing for this long is closed (default 60 s)
 * @param complianceToken  bearer token of the compliance role: the operator API's compliance endpoints only (audit
 *                         log, legal holds, retention, exports, data subject requests); null disables the role
 */
public record ChatApiSettings(int maxBodyBytes, String operatorToken, RateLimits rateLimits, Duration credentialsCache, Duration clockSkew,
                              int maxQueuedEvents, Duration idleTimeout, String complianceToken) {

    public ChatApiSettings {
        if (maxBodyBytes < 1024 || maxBodyBytes > 64 * 1024 * 1024) {
            throw new IllegalArgumentException("maxBodyBytes must be between 1 KiB and 64 MiB, was " + maxBodyBytes);
        }
        if (operatorToken != null && operatorToken.length() < 16) {
            throw new IllegalArgumentException("operatorToken must be at least 16 characters");
        }
        if (complianceToken != null && (complianceToken.length() < 16 || complianceToken.equals(operatorToken))) {
            throw new IllegalArgumentException("complianceToken must be at least 16 characters and differ from the operator token");
        }
        Objects.requireNonNull(rateLimits, "rateLimits");
        Objects.requireNonNull(credentialsCache, "credentialsCache");
        Objects.requireNonNull(clockSkew, "clockSkew");
        if (idleTimeout == null || idleTimeout.compareTo(Duration.ofSeconds(2)) < 0 || idleTimeout.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("idleTimeout must be between 2 s and 1 h, was " + idleTimeout);
        }
        if (maxQueuedEvents < 1 || maxQueuedEvents > 1_000_000) {
            throw new IllegalArgumentException("maxQueuedEvents must be between 1 and 1000000, was " + maxQueuedEvents);
        }
    }

    public static ChatApiSettings defaults() {
        return new ChatApiSettings(1024 * 1024, null, RateLimits.defaults(), Duration.ofSeconds(10), Duration.ofSeconds(5), 1000, Duration.ofSeconds(60), null);
    }

    public ChatApiSettings withMaxBodyBytes(int bytes) {
        return new ChatApiSettings(bytes, operatorToken, rateLimits, credentialsCache, clockSkew, maxQueuedEvents, idleTimeout, complianceToken);
    }

    public ChatApiSettings withOperatorToken(String token) {
        return new ChatApiSettings(maxBodyBytes, token, rateLimits, credentialsCache, clockSkew, maxQueuedEvents, idleTimeout, complianceToken);
    }

    public ChatApiSettings withComplianceToken(String token) {
        return new ChatApiSettings(maxBodyBytes, operatorToken, rateLimits, credentialsCache, clockSkew, maxQueuedEvents, idleTimeout, token);
    }

    public ChatApiSettings withRateLimits(RateLimits limits) {
        return new ChatApiSettings(maxBodyBytes, operatorToken, limits, credentialsCache, clockSkew, maxQueuedEvents, idleTimeout, complianceToken);
    }

    public ChatApiSettings withMaxQueuedEvents(int events) {
        return new ChatApiSettings(maxBodyBytes, operatorToken, rateLimits, credentialsCache, clockSkew, events, idleTimeout, complianceToken);
    }

    public ChatApiSettings withIdleTimeout(Duration timeout) {
        return new ChatApiSettings(maxBodyBytes, operatorToken, rateLimits, credentialsCache, clockSkew, maxQueuedEvents, timeout, complianceToken);
    }

    @Override
    public String toString() {
        return "ChatApiSettings[maxBodyBytes=" + maxBodyBytes + ", operatorToken=" + (operatorToken == null ? "none" : "****") + ", complianceToken=" + (complianceToken == null ? "none" : "****")
                + ", rateLimits=" + rateLimits + ", credentialsCache=" + credentialsCache + ", clockSkew=" + clockSkew
                + ", maxQueuedEvents=" + maxQueuedEvents + ", idleTimeout=" + idleTimeout + "]";
    }

    /**
     * Requests per minute per endpoint group. {@code perApp} counts every request of an app; {@code perUser} counts
     * one user's requests (user tokens only). Groups: {@value #GROUPS}.
     */
    public record RateLimits(boolean enabled, Map<String, Limit> groups) {
        public static final String GROUPS = "send_message, read_messages, update_message, reactions, channels, query_channels, "
                + "members, read_state, unread, users, query_users, channel_types, moderation, send_event";

        public RateLimits {
            groups = Map.copyOf(groups);
        }

        /** GetStream's published defaults: 1,000/min per app for sends, 10,000/min for the rest; 60/min per user per endpoint. */
        public static RateLimits defaults() {
            Map<String, Limit> g = new LinkedHashMap<>();
            for (String group : GROUPS.split(", ")) {
                g.put(group, new Limit(group.equals("send_message") ? 1000 : 10_000, 60));
            }
            return new RateLimits(true, g);
        }

        public Limit limit(String group) {
            Limit l = groups.get(group);
            if (l == null) {
                throw new IllegalArgumentException("unknown rate-limit group " + group);
            }
            return l;
        }

        public RateLimits with(String group, Limit limit) {
            limit(group);
            Map<String, Limit> g = new LinkedHashMap<>(groups);
            g.put(group, limit);
            return new RateLimits(enabled, g);
        }

        public RateLimits disabled() {
            return new RateLimits(false, groups);
        }
    }

    /** Per-minute limits; each must be at least 1. */
    public record Limit(long perApp, long perUser) {
        public Limit {
            if (perApp < 1 || perUser < 1) {
                throw new IllegalArgumentException("rate limits must be at least 1 per minute");
            }
        }
    }
}
