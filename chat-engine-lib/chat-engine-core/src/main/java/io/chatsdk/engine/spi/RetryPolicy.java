package io.chatsdk.engine.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * How often a failing job is tried: at most {@code maxAttempts} deliveries, waiting {@code firstDelay} before the
 * second, then twice as long each time, never longer than {@code maxDelay}.
 */
public record RetryPolicy(int maxAttempts, Duration firstDelay, Duration maxDelay) {
    public RetryPolicy {
        if (maxAttempts < 1 || maxAttempts > 100) {
            throw new IllegalArgumentException("maxAttempts must be between 1 and 100, was " + maxAttempts);
        }
        Objects.requireNonNull(firstDelay, "firstDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (firstDelay.isNegative() || maxDelay.compareTo(firstDelay) < 0) {
            throw new IllegalArgumentException("delays must satisfy 0 <= firstDelay <= maxDelay");
        }
    }

    /** Webhook-like defaults: 6 attempts, 1 s, 2 s, 4 s, 8 s, 16 s apart (at most 1 minute). */
    public static RetryPolicy defaults() {
        return new RetryPolicy(6, Duration.ofSeconds(1), Duration.ofMinutes(1));
    }

    /** The wait before attempt {@code next} (2, 3, ...). */
    public Duration delayBefore(int next) {
        long ms = firstDelay.toMillis();
        for (int i = 2; i < next && ms < maxDelay.toMillis(); i++) {
            ms *= 2;
        }
        return Duration.ofMillis(Math.min(ms, maxDelay.toMillis()));
    }
}
