package io.chatsdk.engine.spi;

import java.time.Duration;
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

    /**
     * Starts handling jobs of {@code kind} in batches: a worker that takes a job waits up to {@code linger} for more, and
     * hands up to {@code maxJobs} to the handler together. If the handler throws, the jobs of the batch are run alone
     * ({@link BatchJobHandler#handleEach}), and only those that fail are retried under {@code policy}. One handler per
     * kind, batched or not.
     *
     * <p>This default runs every job as a batch of one, with no lingering, for adapters that do not batch; the in-process
     * and Artemis queues batch.
     *
     * @param maxJobs 1 to 1,000
     * @param linger  zero to 10 s: how long a worker holding fewer than {@code maxJobs} waits for more before it runs them
     */
    default void registerBatched(String kind, BatchJobHandler handler, RetryPolicy policy, int maxJobs, Duration linger) {
        checkBatching(maxJobs, linger);
        register(kind, (job, attempt) -> handler.handle(List.of(job)), policy);
    }

    /** Refuses batching settings out of the documented ranges of {@link #registerBatched}. */
    static void checkBatching(int maxJobs, Duration linger) {
        if (maxJobs < 1 || maxJobs > 1_000) {
            throw new IllegalArgumentException("maxJobs must be between 1 and 1000, was " + maxJobs);
        }
        if (linger.isNegative() || linger.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new IllegalArgumentException("linger must be between zero and 10 s, was " + linger);
        }
    }

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
