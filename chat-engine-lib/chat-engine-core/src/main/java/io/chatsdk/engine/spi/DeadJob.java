package io.chatsdk.engine.spi;

import java.time.Instant;

/** A job that used up its attempts: what it was, how often it ran, why it last failed (no payload content) and when. */
public record DeadJob(Job job, int attempts, String lastError, Instant deadAt) {
}
