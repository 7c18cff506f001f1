package io.chatsdk.engine.spi;

/**
 * Does one job. Returning normally acknowledges it; throwing makes the queue try again later (with backoff) until the
 * kind's {@link RetryPolicy} gives up and dead-letters it. Delivery is at least once: a crash after the work but
 * before the acknowledgement repeats the job, so handlers make their effect idempotent by {@link Job#id()} (webhook
 * receivers get it as {@code X-Webhook-Id}).
 */
@FunctionalInterface
public interface JobHandler {
    /** @param attempt 1 for the first delivery, then 2, 3, ... */
    void handle(Job job, int attempt) throws Exception;
}
