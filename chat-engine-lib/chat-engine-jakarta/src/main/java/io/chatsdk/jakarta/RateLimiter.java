package io.chatsdk.jakarta;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.proxy.ProxyManager;

import java.time.Clock;
import java.time.Duration;

/**
 * Rate limits with Bucket4j: one bucket per app and endpoint group, and one per app, user and group, each refilled in
 * full every minute. Buckets live in this node's memory, or, given a {@link ProxyManager} (the appliance passes
 * Hazelcast's in a cluster), in a store shared by all nodes. A bucket unused for {@link #IDLE} is forgotten: by then it
 * has refilled, so forgetting it changes nothing, and however many distinct users arrive, no one's bucket is reset
 * while it is in use. When the shared store fails (a Hazelcast member shutting down during a rolling upgrade answered
 * with an error), the request is let through and a warning logged, at most once a minute: limits protect the
 * service, and failing every request for them would do more harm than a moment without them. Thread-safe.
 */
final class RateLimiter {
    /** Longer than a refill period, so that only full buckets are forgotten. */
    static final Duration IDLE = Duration.ofMinutes(2);

    /** The state reported in the {@code X-RateLimit-*} headers after a request was let through. */
    record Outcome(long limit, long remaining, long resetEpochSeconds) {
    }

    private final ChatApiSettings.RateLimits limits;
    private final Clock clock;
    private final ProxyManager<String> shared;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder().expireAfterAccess(IDLE).build();
    private static final System.Logger LOG = System.getLogger(RateLimiter.class.getName());
    private final java.util.concurrent.atomic.AtomicLong lastWarning = new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);

    /** Per-node buckets. */
    RateLimiter(ChatApiSettings.RateLimits limits, Clock clock) {
        this(limits, clock, null);
    }

    /** Buckets kept in a distributed store ({@code shared}, e.g. Hazelcast), so every node counts against the same ones. */
    RateLimiter(ChatApiSettings.RateLimits limits, Clock clock, ProxyManager<String> shared) {
        this.limits = limits;
        this.clock = clock;
        this.shared = shared;
    }

    /** Takes one token from the user's bucket (user tokens only) and the app's; throws 429 if either is empty. */
    Outcome acquire(String appId, String userId, String group) {
        if (!limits.enabled()) {
            return null;
        }
        ChatApiSettings.Limit limit = limits.limit(group);
        // the user's bucket first: a user who is over their limit does not also drain the app's
        Outcome user = userId == null ? null : take("user:" + appId + ":" + userId + ":" + group, limit.perUser(), group, "user");
        Outcome app = take("app:" + appId + ":" + group, limit.perApp(), group, "app");
        return user != null ? user : app;
    }

    private Outcome take(String key, long perMinute, String group, String scope) {
        Bandwidth bandwidth = Bandwidth.builder().capacity(perMinute).refillIntervally(perMinute, Duration.ofMinutes(1)).build();
        Bucket bucket = buckets.get(key, k -> shared == null
                ? Bucket.builder().addLimit(bandwidth).build()
                : shared.builder().build(k, () -> BucketConfiguration.builder().addLimit(bandwidth).build()));
        ConsumptionProbe probe;
        try {
            probe = bucket.tryConsumeAndReturnRemaining(1);
        } catch (RuntimeException e) {
            if (shared == null) {
                throw e;
            }
            warnAtMostOnceAMinute(e);
            return null;
        }
        long nowSeconds = clock.instant().getEpochSecond();
        long reset = nowSeconds + Math.max(1, Duration.ofNanos(probe.getNanosToWaitForReset()).toSeconds());
        if (!probe.isConsumed()) {
            long retry = Math.max(1, (long) Math.ceil(probe.getNanosToWaitForRefill() / 1e9));
            throw new RateLimitedException(group, scope, perMinute, nowSeconds + retry, retry);
        }
        return new Outcome(perMinute, probe.getRemainingTokens(), reset);
    }

    private void warnAtMostOnceAMinute(RuntimeException e) {
        long now = clock.millis();
        long last = lastWarning.get();
        if (now - last >= 60_000 && lastWarning.compareAndSet(last, now)) {
            LOG.log(System.Logger.Level.WARNING, "the shared rate-limit store failed (" + e.getClass().getSimpleName()
                    + "); requests are let through without limits until it answers again");
        }
    }
}
