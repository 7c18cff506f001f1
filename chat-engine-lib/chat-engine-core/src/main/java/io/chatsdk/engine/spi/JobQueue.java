package io.chatsdk.engine.spi;

import java.util.List;

/**
 * Durable asynchronous work (webhook deliveries, pushes) with retries, a dead-letter queue per job kind, and the job
 * id as idempotency key. {@link InProcessJobQueue} is the bare library's default (in memory: jobs do not survive the
 * JVM); the appliance uses the Artemis adapter, whose jobs survive a crash.
 *
 * <pre>{@code
 * queue.register("webhook", (job, attempt) -> post(job.payload()), RetryPolicy.defaults());
 * queue.submit(new Job("webhook", eventId + "/" + endpoint, json));
 * }</pre>
 *
 * <p>Thread-safe. {@link #submit} returns once the job is stored (durably, for a durable adapter).
 */
public interface JobQueue extends AutoCloseable {

    /** Stores a job; one with the same kind and id as a job already submitted is dropped. */
    void submit(Job job);

    /** Starts handling jobs of {@code kind}; one handler per kind. */
    void register(String kind, JobHandler handler, RetryPolicy policy);

    /** Dead-lettered jobs of a kind, oldest first, at most {@code limit}. */
    List<DeadJob> deadJobs(String kind, int limit);

    /** Puts a dead job back for a fresh round of attempts; false if there is no such dead job. */
    boolean retry(String kind, String jobId);

    /** Drops a dead job for good; false if there is no such dead job. */
    boolean discard(String kind, String jobId);

    /** How many jobs of a kind wait (queued, or between attempts) and how many are dead; -1 where the queue cannot tell. */
    record Depth(long pending, long dead) {
    }

    /** The {@link Depth} of a kind's queue, for dashboards. */
    default Depth depth(String kind) {
        return new Depth(-1, deadJobs(kind, 10_000).size());
    }

    @Override
    void close();
}
