package io.chatsdk.jakarta;

/** 429, with the figures the {@code X-RateLimit-*} headers report. */
public final class RateLimitedException extends ApiException {
    private static final long serialVersionUID = 1L;

    private final long limit;
    private final long resetEpochSeconds;
    private final long retryAfterSeconds;

    RateLimitedException(String group, String scope, long limit, long resetEpochSeconds, long retryAfterSeconds) {
        super(429, "rate_limited", "too many " + group + " requests for this " + scope + ": the limit is " + limit + " per minute");
        this.limit = limit;
        this.resetEpochSeconds = resetEpochSeconds;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long limit() {
        return limit;
    }

    public long resetEpochSeconds() {
        return resetEpochSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
