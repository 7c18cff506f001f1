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
 * @param maxQueuedBytes   characters of JSON a WebSocket connection may have waiting to be sent (default 1 MiB; about
 *                         its bytes in memory, as JSON text is mostly ASCII) before it is closed as too slow
 * @param authFailures     what failed authentications may cost: a budget per client address, the window in which they
 *                         are counted into one audit record, and the proxies whose {@code X-Forwarded-For} is believed
 * @param localDelivery    whether the events this node commits reach its own WebSockets straight after the commit,
 *                         instead of after the outbox relay's round trip through the event bus (default false). Turn it
 *                         on only when this engine is the only one writing to its database: an event another node
 *                         commits just before a local message of the same channel could otherwise reach this node's
 *                         sockets after it. The appliance turns it on when it runs as one node.
 */
public record ChatApiSettings(int maxBodyBytes, String operatorToken, RateLimits rateLimits, Duration credentialsCache, Duration clockSkew,
                              int maxQueuedEvents, Duration idleTimeout, String complianceToken, AuthFailurePolicy authFailures,
                              int maxQueuedBytes, boolean localDelivery) {

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
        Objects.requireNonNull(authFailures, "authFailures");
        if (idleTimeout == null || idleTimeout.compareTo(Duration.ofSeconds(2)) < 0 || idleTimeout.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("idleTimeout must be between 2 s and 1 h, was " + idleTimeout);
        }
        if (maxQueuedBytes < 64 * 1024 || maxQueuedBytes > 256 * 1024 * 1024) {
            throw new IllegalArgumentException("maxQueuedBytes must be between 64 KiB and 256 MiB, was " + maxQueuedBytes);
        }
        if (maxQueuedEvents < 1 || maxQueuedEvents > 1_000_000) {
            throw new IllegalArgumentException("maxQueuedEvents must be between 1 and 1000000, was " + maxQueuedEvents);
        }
    }

    public static ChatApiSettings defaults() {
        return new ChatApiSettings(1024 * 1024, null, RateLimits.defaults(), Duration.ofSeconds(10), Duration.ofSeconds(5), 1000, Duration.ofSeconds(60), null,
                AuthFailurePolicy.defaults(), 1024 * 1024, false);
    }

    public ChatApiSettings withMaxBodyBytes(int bytes) {
        return new ChatApiSettings(bytes, operatorToken, rateLimits, credentialsCache, clockSkew, maxQueuedEvents, idleTimeout, complianceToken, authFailures, maxQueuedBytes, localDelivery);
    }

    public ChatApiSettings withOperatorToken(String token) {
        return new ChatApiSettings(maxBodyBytes, token, rateLimits, credentialsCache, clockSkew, maxQueuedEvents, idleTimeout, complianceToken, authFailures, maxQueuedBytes, localDelivery);
    }

    public ChatApiSettings withComplianceToken(String token) {
        return new ChatApiSettings(maxBodyBytes, operatorToken, rateLimits, credentialsCache, clockSkew, maxQueuedEvents, idleTimeout, token, authFailures, maxQueuedBytes, localDelivery);
    }

    public ChatApiSettings withRateLimits(RateLimits limits) {
        return new ChatApiSettings(maxBodyBytes, operatorToken, limits, credentialsCache, clockSkew, maxQueuedEvents, idleTimeout, complianceToken, authFailures, maxQueuedBytes, localDelivery);
    }

    public ChatApiSettings withMaxQueuedEvents(int events) {
        return new ChatApiSettings(maxBodyBytes, operatorToken, rateLimits, credentialsCache, clockSkew, events, idleTimeout, complianceToken, authFailures, maxQueuedBytes, localDelivery);
    }

    public ChatApiSettings withIdleTimeout(Duration timeout) {
        return new ChatApiSettings(maxBodyBytes, operatorToken, rateLimits, credentialsCache, clockSkew, maxQueuedEvents, timeout, complianceToken, authFailures, maxQueuedBytes, localDelivery);
    }

    public ChatApiSettings withMaxQueuedBytes(int bytes) {
        return new ChatApiSettings(maxBodyBytes, operatorToken, rateLimits, credentialsCache, clockSkew, maxQueuedEvents, idleTimeout, complianceToken, authFailures, bytes, localDelivery);
    }

    public ChatApiSettings withAuthFailures(AuthFailurePolicy policy) {
        return new ChatApiSettings(maxBodyBytes, operatorToken, rateLimits, credentialsCache, clockSkew, maxQueuedEvents, idleTimeout, complianceToken, policy, maxQueuedBytes, localDelivery);
    }

    public ChatApiSettings withLocalDelivery(boolean on) {
        return new ChatApiSettings(maxBodyBytes, operatorToken, rateLimits, credentialsCache, clockSkew, maxQueuedEvents, idleTimeout, complianceToken, authFailures, maxQueuedBytes, on);
    }

    @Override
    public String toString() {
        return "ChatApiSettings[maxBodyBytes=" + maxBodyBytes + ", operatorToken=" + (operatorToken == null ? "none" : "****") + ", complianceToken=" + (complianceToken == null ? "none" : "****")
                + ", rateLimits=" + rateLimits + ", credentialsCache=" + credentialsCache + ", clockSkew=" + clockSkew
                + ", maxQueuedEvents=" + maxQueuedEvents + ", maxQueuedBytes=" + maxQueuedBytes + ", idleTimeout=" + idleTimeout + ", authFailures=" + authFailures + ", localDelivery=" + localDelivery + "]";
    }

    /**
     * Requests per minute per endpoint group. {@code perApp} counts every request of an app; {@code perUser} counts
     * one user's requests (user tokens only). Groups: {@value #GROUPS}.
     */
    public record RateLimits(boolean enabled, Map<String, Limit> groups) {
        public static final String GROUPS = "send_message, read_messages, update_message, reactions, channels, query_channels, "
                + "members, read_state, unread, users, query_users, channel_types, moderation, send_event, files, search, ai, e2ee";

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

    /**
     * Failed authentications (a forged or expired token, an unknown API key, a bad operator token) from one client
     * address are counted, not recorded one by one: each window's failures of one address, app, action and reason
     * become one audit record with a count. An address that failed {@code perAddressPerMinute} times in a row is refused
     * with 429 {@code too_many_auth_failures}, before any work, until its budget refills (that many a minute).
     *
     * @param perAddressPerMinute failures an address may have per minute before it is refused (at least 1)
     * @param window              how long failures are counted before their record is written (1 s to 10 min)
     * @param trustedProxies      addresses of reverse proxies; a request from one of them is attributed to the last
     *                            address in its {@code X-Forwarded-For} that is not itself a trusted proxy
     */
    public record AuthFailurePolicy(int perAddressPerMinute, Duration window, java.util.Set<String> trustedProxies) {
        public AuthFailurePolicy {
            if (perAddressPerMinute < 1) {
                throw new IllegalArgumentException("perAddressPerMinute must be at least 1, was " + perAddressPerMinute);
            }
            if (window == null || window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("window must be between 1 s and 10 min, was " + window);
            }
            trustedProxies = trustedProxies.stream().map(AuthFailurePolicy::literal).collect(java.util.stream.Collectors.toUnmodifiableSet());
        }

        /** An IP address literal in its canonical form; never a DNS lookup. */
        static String literal(String address) {
            String a = address.strip();
            if (!a.matches("[0-9A-Fa-f:.]{2,45}")) {
                throw new IllegalArgumentException("a trusted proxy must be an IP address, was " + address);
            }
            try {
                return java.net.InetAddress.getByName(a).getHostAddress();
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException("a trusted proxy must be an IP address, was " + address, e);
            }
        }

        /** 100 failures a minute per address, counted over 10 s, no trusted proxy. */
        public static AuthFailurePolicy defaults() {
            return new AuthFailurePolicy(100, Duration.ofSeconds(10), java.util.Set.of());
        }
    }
}
