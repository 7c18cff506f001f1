package io.chatsdk.engine.spi;

import java.time.Instant;

/** A job that used up its attempts: what it was, how often it ran, why it last failed (no payload content) and when. */
public record DeadJob(Job job, int attempts, String lastError, Instant deadAt) {

    /** The {@code lastError} of a job that failed with {@code e}: the exception's class and at most 200 characters of its message. */
    public static String errorOf(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + (m.length() > 200 ? m.substring(0, 200) : m));
    }
}
