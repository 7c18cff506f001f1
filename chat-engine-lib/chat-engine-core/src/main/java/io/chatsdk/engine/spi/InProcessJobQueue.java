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
 * duplicates. Thread-safe; {@link #close()} stops the scheduler.
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

    private record Registration(JobHandler handler, RetryPolicy policy) {
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
        List<Job> backlog;
        synchronized (this) {
            if (handlers.putIfAbsent(kind, new Registration(handler, policy)) != null) {
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
        try {
            r.handler().handle(job, attempt);
            pending(job.kind()).decrementAndGet();
        } catch (Exception e) {
            if (attempt >= r.policy().maxAttempts()) {
                pending(job.kind()).decrementAndGet();
                LOG.log(Level.WARNING, job + " dead after " + attempt + " attempts: " + e.getClass().getName());
                dead.computeIfAbsent(job.kind(), k -> Collections.synchronizedMap(new LinkedHashMap<>()))
                        .put(job.id(), new DeadJob(job, attempt, errorOf(e), clock.instant()));
            } else {
                schedule(job, attempt + 1, r.policy().delayBefore(attempt + 1));
            }
        }
    }

    private java.util.concurrent.atomic.AtomicLong pending(String kind) {
        return pending.computeIfAbsent(kind, k -> new java.util.concurrent.atomic.AtomicLong());
    }

    @Override
    public Depth depth(String kind) {
        return new Depth(pending(kind).get(), dead.getOrDefault(kind, Map.of()).size());
    }

    static String errorOf(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + (m.length() > 200 ? m.substring(0, 200) : m));
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
