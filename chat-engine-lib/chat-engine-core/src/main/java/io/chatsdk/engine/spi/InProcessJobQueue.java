package io.chatsdk.engine.spi;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The in-memory {@link JobQueue}: retries with backoff on a small scheduler, dead letters in memory. Jobs do not
 * survive the JVM, so it suits tests and embedders who accept that; the appliance uses the Artemis adapter. Jobs
 * submitted before their kind is registered wait for it. Ids seen are remembered (the last 100,000 per kind) to drop
 * duplicates. A batched kind's jobs that fall due within its linger of each other run as one batch. Thread-safe;
 * {@link #close()} stops the scheduler.
 */
public final class InProcessJobQueue implements JobQueue {
    private static final System.Logger LOG = System.getLogger(InProcessJobQueue.class.getName());
    private static final int REMEMBERED_IDS = 100_000;

    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Registration> handlers = new ConcurrentHashMap<>();
    private final Map<String, List<Job>> waiting = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> seen = new ConcurrentHashMap<>();
    private final Map<String, Map<String, DeadJob>> dead = new ConcurrentHashMap<>();
    /** Jobs submitted (or retried from the dead) and not yet done or dead, per kind. */
    private final Map<String, java.util.concurrent.atomic.AtomicLong> pending = new ConcurrentHashMap<>();

    /** A kind's handler: {@code handler} for one job at a time, or {@code batches} for a batched kind. */
    private record Registration(JobHandler handler, Batches batches, RetryPolicy policy) {
    }

    /** A batched kind's jobs due now, gathered until {@code maxJobs} or the linger since the first. */
    private final class Batches {
        private final BatchJobHandler handler;
        private final int maxJobs;
        private final Duration linger;
        private final List<Map.Entry<Job, Integer>> due = new ArrayList<>();
        /** Whether a flush at the end of a linger is scheduled. */
        private boolean lingering;

        Batches(BatchJobHandler handler, int maxJobs, Duration linger) {
            this.handler = handler;
            this.maxJobs = maxJobs;
            this.linger = linger;
        }

        synchronized void add(Job job, int attempt) {
            due.add(Map.entry(job, attempt));
            if (due.size() >= maxJobs) {
                scheduler.execute(() -> flush(true));
            } else if (!lingering) {
                lingering = true;
                scheduler.schedule(() -> flush(false), linger.toMillis(), TimeUnit.MILLISECONDS);
            }
        }

        /** Runs the next batch: a full one, or (at the end of a linger) what is due. */
        void flush(boolean full) {
            List<Map.Entry<Job, Integer>> batch;
            synchronized (this) {
                if (full && due.size() < maxJobs) {
                    return;   // taken by an earlier flush; the rest waits for its linger
                }
                if (!full) {
                    lingering = false;
                }
                batch = new ArrayList<>(due.subList(0, Math.min(maxJobs, due.size())));
                due.subList(0, batch.size()).clear();
                if (!due.isEmpty() && !lingering) {
                    lingering = true;
                    scheduler.schedule(() -> flush(false), linger.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
            if (batch.isEmpty()) {
                return;
            }
            List<Job> jobs = batch.stream().map(Map.Entry::getKey).toList();
            Throwable[] failures = handler.handleEach(jobs);
            for (int i = 0; i < batch.size(); i++) {
                if (failures[i] == null) {
                    done(batch.get(i).getKey());
                } else {
                    failed(batch.get(i).getKey(), batch.get(i).getValue(), failures[i]);
                }
            }
        }
    }

    public InProcessJobQueue() {
        this(Clock.systemUTC(), 2);
    }

    public InProcessJobQueue(Clock clock, int threads) {
        this.clock = clock;
        this.scheduler = Executors.newScheduledThreadPool(threads, r -> {
            Thread t = new Thread(r, "chatsdk-jobs");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void submit(Job job) {
        Set<String> ids = seen.computeIfAbsent(job.kind(), k -> Collections.synchronizedSet(Collections.newSetFromMap(new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > REMEMBERED_IDS;
            }
        })));
        if (!ids.add(job.id())) {
            return;   // the idempotency key was used already
        }
        pending(job.kind()).incrementAndGet();
        synchronized (this) {
            if (!handlers.containsKey(job.kind())) {
                waiting.computeIfAbsent(job.kind(), k -> new ArrayList<>()).add(job);
                return;
            }
        }
        schedule(job, 1, Duration.ZERO);
    }

    @Override
    public void register(String kind, JobHandler handler, RetryPolicy policy) {
        register(kind, new Registration(handler, null, policy));
    }

    /** Batches as the Artemis adapter does: jobs due within {@code linger} of each other run together. */
    @Override
    public void registerBatched(String kind, BatchJobHandler handler, RetryPolicy policy, int maxJobs, Duration linger) {
        JobQueue.checkBatching(maxJobs, linger);
        register(kind, new Registration(null, new Batches(handler, maxJobs, linger), policy));
    }

    /** Records the kind's handler, then schedules the jobs that were submitted before it. */
    private void register(String kind, Registration registration) {
        List<Job> backlog;
        synchronized (this) {
            if (handlers.putIfAbsent(kind, registration) != null) {
                throw new IllegalStateException("a handler for job kind " + kind + " is registered already");
            }
            backlog = waiting.remove(kind);
        }
        if (backlog != null) {
            backlog.forEach(j -> schedule(j, 1, Duration.ZERO));
        }
    }

    private void schedule(Job job, int attempt, Duration delay) {
        scheduler.schedule(() -> run(job, attempt), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run(Job job, int attempt) {
        Registration r = handlers.get(job.kind());
        if (r.batches() != null) {
            r.batches().add(job, attempt);
            return;
        }
        try {
            r.handler().handle(job, attempt);
            done(job);
        } catch (Exception e) {
            failed(job, attempt, e);
        }
    }

    /** The job leaves the pending count: done, or dead. */
    private void done(Job job) {
        pending(job.kind()).decrementAndGet();
    }

    /** Schedules the job's next attempt, or dead-letters it after its kind's last. */
    private void failed(Job job, int attempt, Throwable e) {
        RetryPolicy policy = handlers.get(job.kind()).policy();
        if (attempt >= policy.maxAttempts()) {
            done(job);
            LOG.log(Level.WARNING, job + " dead after " + attempt + " attempts: " + e.getClass().getName());
            dead.computeIfAbsent(job.kind(), k -> Collections.synchronizedMap(new LinkedHashMap<>()))
                    .put(job.id(), new DeadJob(job, attempt, DeadJob.errorOf(e), clock.instant()));
        } else {
            schedule(job, attempt + 1, policy.delayBefore(attempt + 1));
        }
    }

    private java.util.concurrent.atomic.AtomicLong pending(String kind) {
        return pending.computeIfAbsent(kind, k -> new java.util.concurrent.atomic.AtomicLong());
    }

    @Override
    public Depth depth(String kind) {
        return new Depth(pending(kind).get(), dead.getOrDefault(kind, Map.of()).size());
    }

    @Override
    public List<DeadJob> deadJobs(String kind, int limit) {
        Map<String, DeadJob> d = dead.getOrDefault(kind, Map.of());
        synchronized (d) {
            return d.values().stream().limit(limit).toList();
        }
    }

    @Override
    public boolean retry(String kind, String jobId) {
        DeadJob d = dead.getOrDefault(kind, new LinkedHashMap<>()).remove(jobId);
        if (d == null) {
            return false;
        }
        pending(kind).incrementAndGet();
        schedule(d.job(), 1, Duration.ZERO);
        return true;
    }

    @Override
    public boolean discard(String kind, String jobId) {
        return dead.getOrDefault(kind, new LinkedHashMap<>()).remove(jobId) != null;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
