package io.chatsdk.engine.spi;

import java.time.Duration;
import java.util.List;

/** A job queue that forwards to another, for tests that watch submissions or wrap handlers. */
public class ForwardingJobQueue implements JobQueue {
    private final JobQueue delegate;

    public ForwardingJobQueue(JobQueue delegate) {
        this.delegate = delegate;
    }

    /** Called before each job is submitted. */
    protected void onSubmit(Job job) {
    }

    /** The handler registered for {@code kind}; the given one by default. */
    protected JobHandler wrap(String kind, JobHandler handler) {
        return handler;
    }

    @Override
    public void submit(Job job) {
        onSubmit(job);
        delegate.submit(job);
    }

    @Override
    public void register(String kind, JobHandler handler, RetryPolicy policy) {
        delegate.register(kind, wrap(kind, handler), policy);
    }

    /** Forwarded as it is: {@link #wrap} sees single jobs only. */
    @Override
    public void registerBatched(String kind, BatchJobHandler handler, RetryPolicy policy, int maxJobs, Duration linger) {
        delegate.registerBatched(kind, handler, policy, maxJobs, linger);
    }

    @Override
    public List<DeadJob> deadJobs(String kind, int limit) {
        return delegate.deadJobs(kind, limit);
    }

    @Override
    public boolean retry(String kind, String jobId) {
        return delegate.retry(kind, jobId);
    }

    @Override
    public boolean discard(String kind, String jobId) {
        return delegate.discard(kind, jobId);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
