package io.chatsdk.engine.delivery;

import io.chatsdk.engine.persistence.Db;
import io.chatsdk.engine.persistence.Outbox;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.spi.ChatEvent;
import io.chatsdk.engine.spi.EventBus;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Publishes committed outbox events to the {@link EventBus}, oldest first, and deletes their rows.
 *
 * <p>One daemon thread per engine. It wakes when a transaction that wrote events commits, and otherwise every
 * {@code pollInterval} (to pick up events committed by other engine instances on the same database). A
 * transaction-scoped advisory lock lets only one relay in the cluster publish at a time, which keeps the
 * published order equal to commit order within a channel. Publishing is at-least-once: if the bus fails
 * midway, the events still in the table are published again later (consumers de-duplicate by event id or seq).
 */
public final class OutboxRelay implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OutboxRelay.class.getName());
    private static final long ADVISORY_LOCK_KEY = 0x636861747364_6bL; // "chatsdk"
    private static final int BATCH = 500;
    /**
     * What is done with the rows of published (or unreadable) events: they are deleted, not marked. A marked row left a
     * dead version and a second live one per event until the hour-old rows were pruned, and the table grew too large for
     * autovacuum's default scale factor to visit it under load; the relay's scan and every insert paid for the dead
     * versions (docs/performance.md, "outbox_event's dead rows"). Deleted, the table holds only what is pending.
     */
    private static final String PUBLISHED = "delete from outbox_event where id = any(?::bigint[])";

    private final Db db;
    private final EventBus bus;
    private final Duration pollInterval;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Thread thread;
    private boolean pending;
    private volatile boolean running = true;

    private final List<io.chatsdk.engine.spi.OutboxConsumer> consumers;

    public OutboxRelay(Db db, EventBus bus, Duration pollInterval) {
        this(db, bus, pollInterval, List.of());
    }

    /** {@code consumers} also get each event, in order, before its row is deleted (webhook and push jobs are queued there). */
    public OutboxRelay(Db db, EventBus bus, Duration pollInterval, List<io.chatsdk.engine.spi.OutboxConsumer> consumers) {
        this.db = db;
        this.bus = bus;
        this.consumers = List.copyOf(consumers);
        this.pollInterval = pollInterval;
        this.thread = new Thread(this::loop, "chatsdk-outbox-relay");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Called after a commit that wrote events. Never blocks. */
    public void wakeUp() {
        lock.lock();
        try {
            pending = true;
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        while (running) {
            try {
                int published;
                do {
                    published = relayBatch();
                } while (published == BATCH && running);
                awaitWork();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "outbox relay pass failed, retrying: " + e.getClass().getName() + ": " + e.getMessage());
                sleepQuietly();
            }
        }
    }

    private void awaitWork() throws InterruptedException {
        lock.lock();
        try {
            if (!pending) {
                wake.await(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
            }
            pending = false;
        } finally {
            lock.unlock();
        }
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(Math.min(1000, pollInterval.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Publishes one batch; returns how many events it published. Visible for tests and shutdown. */
    public int relayBatch() {
        return db.inTransaction(tx -> {
            boolean leader = tx.one("select pg_try_advisory_xact_lock(?)", rs -> rs.getBoolean(1), ADVISORY_LOCK_KEY).orElse(false);
            if (!leader) {
                return 0;
            }
            List<Long> discarded = new ArrayList<>();
            List<ChatEvent> events = new ArrayList<>();
            // rows a node of a version before 2026-12-06 marked published (during a rolling upgrade) are deleted unopened:
            // they were published while that node held this lock; read in id order by the primary key, they are never
            // stepped over pass after pass
            tx.query("select id, app_id, type, cid, seq, created_at, payload::text as payload, sealed_payload, key_version, seal_id, "
                            + "published_at is not null as marked from outbox_event order by id limit " + BATCH,
                    rs -> {
                        if (rs.getBoolean("marked")) {
                            discarded.add(rs.getLong(1));
                            return null;
                        }
                        AppId app = new AppId(rs.getObject(2, java.util.UUID.class));
                        Long seq = Tx.nullableLong(rs, "seq");
                        try {
                            Map<String, Object> payload = Outbox.payload(tx, app, rs.getString(3), rs.getString(4), seq, rs.getObject("seal_id", java.util.UUID.class),
                                    rs.getBytes("sealed_payload"),
                                    (Integer) rs.getObject("key_version"), rs.getString("payload"));
                            events.add(new ChatEvent(rs.getLong(1), app, rs.getString(3), rs.getString(4), seq, Tx.instant(rs, "created_at"), payload));
                        } catch (ChatException e) {
                            if (e.code() == ErrorCode.UNAVAILABLE) {
                                throw e;
                            }
                            // erased (crypto-shredded app) or unreadable (tampered, or its key is gone): nobody can read it,
                            // and it must not hold up every event behind it
                            if (e.code() != ErrorCode.CONTENT_ERASED) {
                                LOG.log(Level.WARNING, "outbox event #" + rs.getLong(1) + " cannot be opened (" + e.code().code() + "); skipped");
                            }
                            discarded.add(rs.getLong(1));
                        } catch (SecurityException e) {
                            LOG.log(Level.WARNING, "outbox event #" + rs.getLong(1) + ": its data key does not unwrap; skipped");
                            discarded.add(rs.getLong(1));
                        }
                        return null;
                    });
            if (!discarded.isEmpty()) {
                tx.update(PUBLISHED, discarded);
                if (events.isEmpty()) {
                    return discarded.size();
                }
            }
            List<Long> done = new ArrayList<>();
            for (ChatEvent e : events) {
                String stage = "event bus";
                try {
                    bus.publish(e);
                    for (io.chatsdk.engine.spi.OutboxConsumer c : consumers) {
                        stage = "outbox consumer " + c.name();
                        c.accept(e);
                    }
                } catch (RuntimeException ex) {
                    LOG.log(Level.WARNING, stage + " refused " + e.type() + " #" + e.id() + "; will retry: " + ex.getClass().getName());
                    break;
                }
                done.add(e.id());
            }
            // consumers that gathered the batch act on it now; if one cannot, no row is deleted and the batch comes again
            for (io.chatsdk.engine.spi.OutboxConsumer c : consumers) {
                try {
                    c.flush();
                } catch (RuntimeException ex) {
                    LOG.log(Level.WARNING, "outbox consumer " + c.name() + " refused a batch of " + events.size() + " events; will retry: "
                            + ex.getClass().getName());
                    done.clear();
                }
            }
            if (!done.isEmpty()) {
                tx.update(PUBLISHED, done);
            }
            return done.size() == events.size() ? done.size() : 0;
        });
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
