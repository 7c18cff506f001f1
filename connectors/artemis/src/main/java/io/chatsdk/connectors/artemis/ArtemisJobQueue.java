package io.chatsdk.connectors.artemis;

import io.chatsdk.engine.spi.BatchJobHandler;
import io.chatsdk.engine.spi.DeadJob;
import io.chatsdk.engine.spi.Job;
import io.chatsdk.engine.spi.JobHandler;
import io.chatsdk.engine.spi.JobQueue;
import io.chatsdk.engine.spi.RetryPolicy;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQObjectClosedException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.api.core.client.SessionFailureListener;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A durable {@link JobQueue} on ActiveMQ Artemis: one durable anycast queue per job kind ({@code chatsdk.jobs.<kind>})
 * and one for its dead letters ({@code chatsdk.jobs.<kind>.dead}). Messages are durable, so queued jobs survive a
 * crash of the node or the broker (the embedded broker journals under the data directory).
 *
 * <p>The job id is the broker's duplicate-detection id, so a second submit of the same job is dropped. Retries are
 * done by the consumer, not broker settings, so any broker works unconfigured: a failed job is acknowledged and sent
 * again with the next attempt number and a scheduled delivery time, in one transaction, so it is neither lost nor
 * doubled; after the kind's last attempt it moves to the dead-letter queue the same way. Each kind is handled by
 * {@code workers} consumers per node (one by default), each with its own session, taking one job at a time
 * and prefetching none (consumer window 0): a slow job holds up its own worker only, and no job waits in the buffer of
 * a busy worker while another is idle. Handlers run on the queue's own thread pool, not the Artemis client's global
 * pool, so blocked handlers cannot delay other Artemis clients of the JVM (the event bus). A batched kind's worker
 * ({@link #registerBatched}) runs on a thread of its own: it takes a job, then up to the batch's size more as they come
 * within the linger, runs them, and acknowledges them, with any retries, in one transaction. A message on a kind's
 * queue that is not a job (no id, no body) is moved to the dead letters. Thread-safe.
 */
public final class ArtemisJobQueue implements JobQueue {
    private static final System.Logger LOG = System.getLogger(ArtemisJobQueue.class.getName());
    private static final String PREFIX = "chatsdk.jobs.";
    private static final SimpleString ID = SimpleString.of("chatsdk_job_id");
    private static final SimpleString ATTEMPT = SimpleString.of("chatsdk_job_attempt");
    private static final SimpleString ERROR = SimpleString.of("chatsdk_job_error");
    private static final SimpleString DEAD_AT = SimpleString.of("chatsdk_job_dead_at");
    /** How long a submit trusts that a kind's queues exist before asking the broker again (see {@link #submit}). */
    static final Duration RECHECK = Duration.ofMinutes(1);

    private final ServerLocator locator;
    private final BrokerLogin login;
    private final ClientSessionFactory factory;
    private final ClientSession producerSession;
    /** The kinds whose queues were made sure of, and when. */
    private final Map<String, Checked> ensured = new ConcurrentHashMap<>();
    /** How often the producer's connection has failed; a kind checked before the last failure is checked again. */
    private final java.util.concurrent.atomic.AtomicLong connectionFailures = new java.util.concurrent.atomic.AtomicLong();
    /** The submits' producer, addressed per send; created at the first submit, guarded by {@link #producerSession}. */
    private ClientProducer producer;
    private final Map<String, List<ClientSession>> consumers = new ConcurrentHashMap<>();
    private final int workers;
    /** The threads of batched kinds' workers, ended by {@link #close}. */
    private final List<Thread> drainers = new java.util.concurrent.CopyOnWriteArrayList<>();

    private ArtemisJobQueue(String url, int workers, BrokerLogin login) throws Exception {
        this.workers = workers;
        this.login = login;
        this.locator = Locators.reconnecting(url).setBlockOnDurableSend(true).setConsumerWindowSize(0)
                // handlers block (HTTP calls, provider retries): on the client's global pool they would hold the threads
                // that deliver the event bus's live events, so the queue has its own, unbounded pool
                .setUseGlobalPools(false).setThreadPoolMaxSize(-1);
        this.factory = locator.createSessionFactory();
        this.producerSession = session(true, true);
        // a broker that restarted may have lost its queues (a new data directory): make sure of them again at the next
        // submit. A count, not a clear of the kinds: a check running while the connection fails is not trusted after it
        this.producerSession.addFailureListener(new SessionFailureListener() {
            @Override
            public void beforeReconnect(ActiveMQException exception) {
                connectionFailures.incrementAndGet();
            }

            @Override
            public void connectionFailed(ActiveMQException exception, boolean failedOver) {
                connectionFailures.incrementAndGet();
            }

            @Override
            public void connectionFailed(ActiveMQException exception, boolean failedOver, String scaleDownTargetNodeID) {
                connectionFailures.incrementAndGet();
            }
        });
    }

    /** When a kind's queues were made sure of: the connection failures counted before, and {@code System.nanoTime()}. */
    private record Checked(long failures, long at) {
    }

    /** A session logged in as {@link #login}. */
    private ClientSession session(boolean autoCommitSends, boolean autoCommitAcks) throws ActiveMQException {
        return factory.createSession(login.user(), login.password(), false, autoCommitSends, autoCommitAcks, locator.isPreAcknowledge(),
                locator.getAckBatchSize());
    }

    /** Connects to the broker at {@code url} ({@code tcp://host:61616}, or {@code vm://0} for the embedded broker). */
    public static ArtemisJobQueue connect(String url) {
        return connect(url, 1);
    }

    /** Connects with {@code workers} (1 to 64) concurrent consumers per job kind on this node. */
    public static ArtemisJobQueue connect(String url, int workers) {
        return connect(url, workers, BrokerLogin.NONE);
    }

    /** Connects as {@code login}'s user, with {@code workers} (1 to 64) concurrent consumers per job kind on this node. */
    public static ArtemisJobQueue connect(String url, int workers, BrokerLogin login) {
        if (workers < 1 || workers > 64) {
            throw new IllegalArgumentException("workers must be between 1 and 64, was " + workers);
        }
        try {
            return new ArtemisJobQueue(url, workers, login);
        } catch (Exception e) {
            throw new IllegalStateException("cannot connect to the Artemis broker at " + Locators.redacted(url) + ": " + e.getMessage(), e);
        }
    }

    private static String queue(String kind) {
        return PREFIX + kind;
    }

    private static String deadQueue(String kind) {
        return PREFIX + kind + ".dead";
    }

    private void ensureQueues(ClientSession session, String kind) throws ActiveMQException {
        for (String q : List.of(queue(kind), deadQueue(kind))) {
            if (!session.queueQuery(SimpleString.of(q)).isExists()) {
                try {
                    session.createQueue(QueueConfiguration.of(q).setAddress(q).setRoutingType(RoutingType.ANYCAST).setDurable(true));
                } catch (ActiveMQException e) {
                    if (!session.queueQuery(SimpleString.of(q)).isExists()) {
                        throw e;   // not just created by another node meanwhile
                    }
                }
            }
        }
    }

    /**
     * Queues a job. The kind's queues are made sure of (asked for, created if missing: two round trips to the broker) at
     * its first submit, and again after the producer's connection failed, a send failed, or {@link #RECHECK} passed; in
     * between, a submit is one durable send through one producer kept for all kinds. A profile of REST sends found the
     * queue queries and a producer created and closed per job at about two thirds of the outbox relay's time spent
     * queueing jobs (docs/performance.md, "Ciphers kept per thread, and jobs queued without asking for their queues").
     *
     * <p>A durable send is confirmed when the broker has it, not when a queue has it. So that a queue deleted in between
     * (by an operator, on a running broker) does not drop jobs, each job is sent as {@code ANYCAST}: a broker that
     * auto-creates queues (the embedded one, and Artemis's default {@code broker.xml}) creates the kind's queue for it.
     * On a broker that does not, jobs sent until the next check are lost, as were the jobs in the deleted queue.
     */
    @Override
    public void submit(Job job) {
        String kind = job.kind();
        try {
            synchronized (producerSession) {
                Checked checked = ensured.get(kind);
                long failures = connectionFailures.get();
                long now = System.nanoTime();
                if (checked == null || checked.failures() != failures || now - checked.at() > RECHECK.toNanos()) {
                    ensureQueues(producerSession, kind);
                    ensured.put(kind, new Checked(failures, now));
                }
                if (producer == null) {
                    producer = producerSession.createProducer();   // no address of its own: each send names its queue
                }
                ClientMessage m = message(producerSession, job, 1);
                m.setRoutingType(RoutingType.ANYCAST);
                m.putStringProperty(Message.HDR_DUPLICATE_DETECTION_ID, SimpleString.of(kind + "/" + job.id()));
                try {
                    producer.send(SimpleString.of(queue(kind)), m);
                } catch (ActiveMQException e) {
                    ensured.remove(kind);
                    throw e;
                }
            }
        } catch (ActiveMQException e) {
            throw new IllegalStateException("could not queue " + job + ": " + e.getMessage(), e);
        }
    }

    private static ClientMessage message(ClientSession session, Job job, int attempt) {
        ClientMessage m = session.createMessage(true);
        m.putStringProperty(ID, SimpleString.of(job.id()));
        m.putIntProperty(ATTEMPT, attempt);
        m.getBodyBuffer().writeString(job.payload());
        return m;
    }

    private static Job job(String kind, ClientMessage m) {
        return new Job(kind, m.getStringProperty(ID), m.getBodyBuffer().readString());
    }

    @Override
    public void register(String kind, JobHandler handler, RetryPolicy policy) {
        consume(kind, (i, session, consumer, producer) -> {
            consumer.setMessageHandler(m -> handle(kind, session, producer, m, handler, policy));
            session.start();
        });
    }

    /** Sets up one of a kind's workers, given its own session, consumer and producer. */
    private interface Worker {
        void start(int index, ClientSession session, ClientConsumer consumer, ClientProducer producer) throws ActiveMQException;
    }

    /** Creates the kind's queues and {@link #workers} sessions, each with a consumer and a producer for {@code worker}. */
    private void consume(String kind, Worker worker) {
        List<ClientSession> sessions = new java.util.concurrent.CopyOnWriteArrayList<>();
        if (consumers.putIfAbsent(kind, sessions) != null) {
            throw new IllegalStateException("a handler for job kind " + kind + " is registered already");
        }
        try {
            for (int i = 0; i < workers; i++) {
                ClientSession session = session(false, false);
                sessions.add(session);
                if (i == 0) {
                    ensureQueues(session, kind);
                }
                worker.start(i, session, session.createConsumer(queue(kind)), session.createProducer());
            }
        } catch (ActiveMQException e) {
            consumers.remove(kind, sessions);
            closeAll(sessions);
            throw new IllegalStateException("could not consume job kind " + kind + ": " + e.getMessage(), e);
        }
    }

    private void handle(String kind, ClientSession session, ClientProducer producer, ClientMessage m, JobHandler handler, RetryPolicy policy) {
        Taken t = Taken.of(kind, m);
        Throwable failure = null;
        if (t.job() != null) {
            try {
                handler.handle(t.job(), t.attempt());
            } catch (Exception e) {
                failure = e;
            }
        }
        try {
            settle(kind, session, producer, t, failure, policy);
            session.commit();
        } catch (ActiveMQException e) {
            unsettled(session, 1, e);
        }
    }

    /**
     * A message taken from a kind's queue, read at once (a large message's body cannot be read after the next receive):
     * its job and attempt number, or, for a message that is not a job, why not.
     */
    private record Taken(ClientMessage message, Job job, int attempt, RuntimeException unreadable) {
        static Taken of(String kind, ClientMessage m) {
            try {
                return new Taken(m, ArtemisJobQueue.job(kind, m), m.containsProperty(ATTEMPT) ? m.getIntProperty(ATTEMPT) : 1, null);
            } catch (RuntimeException e) {
                return new Taken(m, null, 1, e);
            }
        }
    }

    /**
     * Acknowledges a taken message and, if its job failed, sends the job again with the next attempt number and its
     * delay, or to the dead letters after the last attempt; in the session's transaction, which the caller commits. A
     * message that is not a job goes to the dead letters at once, so that it cannot hold up the jobs behind it.
     */
    private static void settle(String kind, ClientSession session, ClientProducer producer, Taken t, Throwable failure, RetryPolicy policy)
            throws ActiveMQException {
        t.message().acknowledge();
        if (t.job() == null) {
            Job placeholder = new Job(kind, "unreadable-" + t.message().getMessageID(), "");
            LOG.log(Level.WARNING, "a message of job kind " + kind + " is not a job; dead-lettered as " + placeholder);
            producer.send(deadQueue(kind), dead(session, placeholder, 1, t.unreadable()));
            return;
        }
        if (failure == null) {
            return;
        }
        if (t.attempt() >= policy.maxAttempts()) {
            LOG.log(Level.WARNING, t.job() + " dead after " + t.attempt() + " attempts: " + failure.getClass().getName());
            producer.send(deadQueue(kind), dead(session, t.job(), t.attempt(), failure));
        } else {
            ClientMessage again = message(session, t.job(), t.attempt() + 1);
            again.putLongProperty(Message.HDR_SCHEDULED_DELIVERY_TIME, System.currentTimeMillis() + policy.delayBefore(t.attempt() + 1).toMillis());
            producer.send(queue(kind), again);
        }
    }

    private static ClientMessage dead(ClientSession session, Job job, int attempt, Throwable failure) {
        ClientMessage d = message(session, job, attempt);
        d.putStringProperty(ERROR, SimpleString.of(DeadJob.errorOf(failure)));
        d.putLongProperty(DEAD_AT, System.currentTimeMillis());
        return d;
    }

    /** Nothing was committed: the broker delivers the jobs again. */
    private static void unsettled(ClientSession session, int jobs, ActiveMQException e) {
        LOG.log(Level.WARNING, "could not settle " + jobs + (jobs == 1 ? " job" : " jobs") + ", they will be delivered again: " + e.getMessage());
        rollback(session);
    }

    private static void rollback(ClientSession session) {
        try {
            session.rollback();
        } catch (ActiveMQException ignored) {
            // the session is broken; the broker redelivers after reconnection
        }
    }

    /**
     * Batches: each worker has a session, a consumer without a message handler and a thread of its own ({@link #drain}),
     * because a consumer with a handler cannot also be asked for the next message.
     */
    @Override
    public void registerBatched(String kind, BatchJobHandler handler, RetryPolicy policy, int maxJobs, Duration linger) {
        JobQueue.checkBatching(maxJobs, linger);
        List<Thread> started = new ArrayList<>();
        consume(kind, (i, session, consumer, producer) -> {
            session.start();
            Thread worker = new Thread(() -> drain(kind, session, consumer, producer, handler, policy, maxJobs, linger), "chatsdk-jobs-" + kind + "-" + i);
            worker.setDaemon(true);
            started.add(worker);
        });
        started.forEach(Thread::start);   // only once every worker's session exists
        drainers.addAll(started);
    }

    /**
     * A worker's loop: takes a job, waits up to {@code linger} for up to {@code maxJobs - 1} more, runs them, and settles
     * them in one transaction. It ends when its consumer is closed, and survives anything else.
     */
    private void drain(String kind, ClientSession session, ClientConsumer consumer, ClientProducer producer, BatchJobHandler handler,
                       RetryPolicy policy, int maxJobs, Duration linger) {
        while (!consumer.isClosed()) {
            List<Taken> batch = new ArrayList<>();
            try {
                ClientMessage first = consumer.receive();   // null once the consumer is closed
                if (first == null) {
                    continue;
                }
                batch.add(Taken.of(kind, first));
                long deadline = System.nanoTime() + linger.toNanos();
                while (batch.size() < maxJobs) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    ClientMessage next = left > 0 ? consumer.receive(left) : consumer.receiveImmediate();
                    if (next == null) {
                        break;
                    }
                    batch.add(Taken.of(kind, next));
                }
                runBatch(kind, session, producer, batch, handler, policy);
            } catch (ActiveMQObjectClosedException closed) {
                return;
            } catch (ActiveMQException | RuntimeException | Error e) {
                // a connection lost while taking jobs, or worse: nothing taken is acknowledged, so it comes again
                LOG.log(Level.WARNING, "could not take or run jobs of kind " + kind + ", trying again: " + e.getClass().getName());
                rollback(session);
                pause();
            }
        }
    }

    private static void runBatch(String kind, ClientSession session, ClientProducer producer, List<Taken> batch, BatchJobHandler handler,
                                 RetryPolicy policy) {
        List<Taken> jobs = batch.stream().filter(t -> t.job() != null).toList();
        Throwable[] failures = jobs.isEmpty() ? new Throwable[0] : handler.handleEach(jobs.stream().map(Taken::job).toList());
        try {
            int k = 0;
            for (Taken t : batch) {
                settle(kind, session, producer, t, t.job() == null ? null : failures[k++], policy);
            }
            session.commit();
        } catch (ActiveMQException e) {
            unsettled(session, batch.size(), e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public List<DeadJob> deadJobs(String kind, int limit) {
        List<DeadJob> out = new ArrayList<>();
        try (ClientSession s = session(true, true)) {
            ensureQueues(s, kind);
            try (ClientConsumer browser = s.createConsumer(SimpleString.of(deadQueue(kind)), true)) {
                s.start();
                for (ClientMessage m = browser.receive(200); m != null && out.size() < limit; m = browser.receive(200)) {
                    out.add(new DeadJob(job(kind, m), m.getIntProperty(ATTEMPT), m.getStringProperty(ERROR),
                            Instant.ofEpochMilli(m.getLongProperty(DEAD_AT))));
                }
            }
        } catch (ActiveMQException e) {
            throw new IllegalStateException("could not read the dead jobs of " + kind + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** The broker's message counts of the kind's queue (scheduled retries included) and of its dead letters. */
    @Override
    public Depth depth(String kind) {
        try (ClientSession s = session(true, true)) {
            // counted without creating the queues: a kind nothing was ever submitted to has none, and 0 jobs
            ClientSession.QueueQuery live = s.queueQuery(SimpleString.of(queue(kind)));
            ClientSession.QueueQuery dead = s.queueQuery(SimpleString.of(deadQueue(kind)));
            return new Depth(live.isExists() ? live.getMessageCount() : 0, dead.isExists() ? dead.getMessageCount() : 0);
        } catch (ActiveMQException e) {
            throw new IllegalStateException("could not count the jobs of " + kind + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean retry(String kind, String jobId) {
        return takeDead(kind, jobId, true);
    }

    @Override
    public boolean discard(String kind, String jobId) {
        return takeDead(kind, jobId, false);
    }

    /** Takes one dead job by id, in a transaction that also requeues it when asked. */
    private boolean takeDead(String kind, String jobId, boolean requeue) {
        try (ClientSession s = session(false, false)) {
            ensureQueues(s, kind);
            String filter = ID + " = '" + jobId.replace("'", "''") + "'";
            try (ClientConsumer c = s.createConsumer(SimpleString.of(deadQueue(kind)), SimpleString.of(filter));
                 ClientProducer p = s.createProducer()) {
                s.start();
                ClientMessage m = c.receive(500);
                if (m == null) {
                    return false;
                }
                m.acknowledge();
                if (requeue) {
                    p.send(queue(kind), message(s, job(kind, m), 1));
                }
                s.commit();
                return true;
            }
        } catch (ActiveMQException e) {
            throw new IllegalStateException("could not take dead job " + jobId + " of " + kind + ": " + e.getMessage(), e);
        }
    }

    private static void closeAll(List<ClientSession> sessions) {
        for (ClientSession s : sessions) {
            try {
                s.close();
            } catch (ActiveMQException e) {
                LOG.log(Level.DEBUG, "closing a job consumer: " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        closeAll(consumers.values().stream().flatMap(List::stream).toList());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Thread t : drainers) {   // a closed consumer ends its worker's wait; a running batch may finish first, within 10 s in all
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            producerSession.close();
        } catch (ActiveMQException e) {
            LOG.log(Level.DEBUG, "closing the job producer: " + e.getMessage());
        }
        factory.close();
        locator.close();
    }
}
