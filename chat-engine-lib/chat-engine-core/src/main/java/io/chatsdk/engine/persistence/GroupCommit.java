package io.chatsdk.engine.persistence;

import io.chatsdk.engine.audit.AuditScope;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Group commit: work for one key (the engine uses a channel) that several threads submit at the same time runs in one
 * transaction on one of those threads, with one commit for all of it.
 *
 * <p>Each key has a lane. The first thread to find its lane idle leads: it takes up to {@code limit} waiting pieces of
 * work, in the order they came, runs them one after the other in one transaction and commits. Threads that arrive
 * meanwhile queue behind it; when it is done, the first of them leads the next batch with everything queued by then.
 * A thread alone on its lane runs its work at once, in a transaction of its own, as without group commit: nothing
 * waits for company.
 *
 * <p>What each piece of work would have done in a transaction of its own, it does in the batch: the {@link AuditScope}
 * of the thread that submitted it is in force while it runs, and its audit record is written right after it (the
 * {@link Db#beforeCommit} hook), so every piece commits with its own record.
 *
 * <p>When a piece of work fails, the batch rolls back and runs again, each piece in a savepoint of its own: a piece that
 * fails again is rolled back to its savepoint and gets its own failure, the others commit together. Pieces that
 * depend on each other (two sends with one client id: the second finds the first's row) fail in the second run as they
 * would have alone. Should the second run fail as a whole before its commit, every piece runs once more alone, on its
 * own thread, in a transaction of its own. Nothing is half-written and the work of the others is not lost. A failure
 * after all pieces ran (the commit itself, a lost connection) is reported to all of them, as a failed commit would be
 * to each: their outcome is not known, so none is run again (a send's client id makes the caller's retry safe).
 * Savepoints cost two round trips a piece, so the first run goes without them.
 *
 * <p>In that first run the pieces' outbox rows and audit records are held back and written in one statement a table after
 * the last piece ({@link Tx#holdRows}): one round trip for the batch's events, and one for its records, instead of one
 * each a piece, while the channel's row is locked. So are a send's message row and seq, after the batch's first send
 * (see {@code MessageRows}). The run with savepoints writes each row at once, so that a failing
 * row is its own piece's failure. When the key is a {@link Db.ReadAhead}, that first run also reads, in one round trip
 * after the first piece, what each other piece would read on its own (a send: its channel, member, user and ban rows).
 */
final class GroupCommit {
    private final Db db;
    private final int limit;
    private final ConcurrentHashMap<Object, Lane> lanes = new ConcurrentHashMap<>();
    /** Batches whose first run failed and that ran again with savepoints. */
    private final java.util.concurrent.atomic.LongAdder reruns = new java.util.concurrent.atomic.LongAdder();

    GroupCommit(Db db, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        this.db = db;
        this.limit = limit;
    }

    private static final class Lane {
        /** Guards the queue and {@code running}; a lock rather than a monitor, so that waiting pins no virtual thread's carrier. */
        final ReentrantLock lock = new ReentrantLock();
        final Condition turn = lock.newCondition();
        final ArrayDeque<Item<?>> queue = new ArrayDeque<>();
        /** Whether a thread is running a batch of this lane. */
        boolean running;
        /** Threads using this lane; guarded by {@code lanes}' per-key compute. */
        int users;
    }

    private enum State { WAITING, DONE, FAILED, ALONE }

    private static final class Item<T> {
        final Function<Tx, T> work;
        final Object hint;
        final AuditScope scope;
        T result;
        Throwable failure;
        /** Written last, after result or failure, by the thread that ran the batch. */
        volatile State state = State.WAITING;

        Item(Function<Tx, T> work, Object hint, AuditScope scope) {
            this.work = work;
            this.hint = hint;
            this.scope = scope;
        }
    }

    /** How many batches so far ran a second time, with savepoints, because a piece failed in the first run. */
    long reruns() {
        return reruns.sum();
    }

    <T> T run(Object key, Object hint, Function<Tx, T> work) {
        if (limit == 1) {
            return db.inTransaction(work);
        }
        Lane lane = lanes.compute(key, (k, l) -> {
            Lane used = l == null ? new Lane() : l;
            used.users++;
            return used;
        });
        Item<T> item = new Item<>(work, hint, AuditScope.current());
        try {
            lead(key, lane, item);
        } finally {
            lanes.computeIfPresent(key, (k, l) -> --l.users == 0 ? null : l);
        }
        return switch (item.state) {
            case DONE -> item.result;
            case FAILED -> throw rethrow(item.failure);
            case ALONE -> db.inTransaction(work);
            case WAITING -> throw new IllegalStateException("group commit left work unrun");
        };
    }

    private static RuntimeException rethrow(Throwable failure) {
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("a grouped transaction failed", failure);
    }

    /** Queues the item and waits until it has run, leading batches while it is this lane's turn. */
    private void lead(Object key, Lane lane, Item<?> item) {
        boolean interrupted = false;
        lane.lock.lock();
        try {
            lane.queue.add(item);
            while (lane.running && item.state == State.WAITING) {
                try {
                    lane.turn.await();
                } catch (InterruptedException e) {
                    // the item may be in a batch that is running: it cannot be withdrawn, so wait for its outcome
                    interrupted = true;
                }
            }
            if (item.state != State.WAITING) {
                restoreInterrupt(interrupted);
                return;
            }
            lane.running = true;
        } finally {
            lane.lock.unlock();
        }
        try {
            while (item.state == State.WAITING) {
                List<Item<?>> batch = new ArrayList<>();
                lane.lock.lock();
                try {
                    while (batch.size() < limit && !lane.queue.isEmpty()) {
                        batch.add(lane.queue.poll());
                    }
                } finally {
                    lane.lock.unlock();
                }
                if (batch.isEmpty()) {
                    // this thread's item is neither queued nor run: only a bug could lose it; do not spin
                    throw new IllegalStateException("group commit lost a piece of work");
                }
                runBatch(key, batch);
            }
        } finally {
            lane.lock.lock();
            try {
                lane.running = false;
                lane.turn.signalAll();
            } finally {
                lane.lock.unlock();
            }
            restoreInterrupt(interrupted);
        }
    }

    private static void restoreInterrupt(boolean interrupted) {
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void runBatch(Object key, List<Item<?>> batch) {
        AuditScope own = AuditScope.adopt(null);
        try {
            if (!attempt(key, batch, false)) {
                reruns.increment();
                attempt(key, batch, true);
            }
        } finally {
            AuditScope.adopt(own);
        }
    }

    /**
     * Runs the batch in one transaction; with {@code savepoints}, each piece in a savepoint of its own, so that a piece
     * that fails is rolled back alone and gets its own failure. Returns false when a piece failed without savepoints
     * (nothing was committed and no piece has an outcome yet); otherwise every piece has one.
     */
    private boolean attempt(Object key, List<Item<?>> batch, boolean savepoints) {
        boolean[] allRan = {false};
        try {
            db.inTransaction(tx -> {
                boolean together = !savepoints && batch.size() > 1;
                if (together) {
                    tx.holdRows();   // the pieces' outbox and audit rows in one statement a table, after the last piece
                }
                for (int k = 0; k < batch.size(); k++) {
                    Item<?> item = batch.get(k);
                    if (k == 1 && together && key instanceof Db.ReadAhead ahead) {
                        // after the first piece, which has locked what the key serialises on (a send: the channel's row)
                        ahead.readAhead(tx, batch.subList(1, batch.size()).stream().map(i -> i.hint).toList());
                    }
                    if (!savepoints) {
                        runOne(tx, item);
                        continue;
                    }
                    Tx.Savepoint before = tx.savepoint();
                    try {
                        runOne(tx, item);
                        tx.release(before);
                    } catch (Throwable failed) {   // an Error too: it is this piece's, the others go on
                        tx.rollbackTo(before);
                        item.failure = failed;
                    }
                }
                tx.writeHeld();
                // the commit's own hook finds no scope: each piece's record is written already (held ones just above)
                AuditScope.adopt(null);
                allRan[0] = true;
                return null;
            });
            batch.forEach(i -> i.state = i.failure == null ? State.DONE : State.FAILED);
            return true;
        } catch (Throwable e) {   // an Error too: every piece taken from the queue must leave with an outcome
            if (allRan[0] || batch.size() == 1) {
                batch.forEach(i -> {
                    i.failure = e;
                    i.state = State.FAILED;
                });
                return true;
            }
            if (!savepoints) {
                return false;
            }
            // the savepoints did not help (a lost connection, say): each piece tries once more alone, on its own thread
            batch.forEach(i -> {
                i.failure = null;
                i.state = State.ALONE;
            });
            return true;
        }
    }

    private <T> void runOne(Tx tx, Item<T> item) {
        AuditScope.adopt(item.scope);
        tx.beginPart();
        item.result = item.work.apply(tx);
        db.runBeforeCommit(tx);
        tx.endPart();
    }
}
