package io.chatsdk.jakarta;

import io.chatsdk.engine.event.EventType;
import io.chatsdk.engine.spi.ChatEvent;
import io.chatsdk.engine.spi.CommitListener;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Decides which events the hub delivers straight after this node commits them, without waiting for the outbox relay
 * and the event bus, and which events from the bus it then skips as delivered already.
 *
 * <p>Only a {@code message.new} is delivered early, and only when nothing of its channel can still come before it:
 * <ul>
 *   <li>the node has delivered the channel's previous message ({@code seq - 1}; a channel's message seqs have no gaps),
 *       so no earlier message, this node's or another's, is still on its way;</li>
 *   <li>no earlier event of the channel that this node committed (a reaction, a truncation) is still waiting for the
 *       bus. Events are registered as pending before their commit, while their transaction holds its locks, so an
 *       event committed ahead of this one under the channel's row lock is always known here;</li>
 *   <li>no event this node stopped tracking can still come: an event whose commit failed (it may have committed after
 *       all), one pending for longer than {@link #STALE_NANOS} (its bus copy may never come: the relay skips events it
 *       cannot open), one beyond {@link #MAX_PENDING} of a channel, and those of a channel that fell out of the bounded
 *       table. Their highest id becomes a barrier, and nothing goes early until the bus has brought an event with an id
 *       at or above it. The relay publishes in id order, so by then whatever came of them has been delivered.</li>
 * </ul>
 * Everything else, and a message that fails a test, is delivered when the bus brings it, in the bus's order, as
 * without early delivery. Events another node commits are not registered here: that is why early delivery is for an
 * engine that is the only one writing to its database ({@link ChatApiSettings#localDelivery()}).
 *
 * <p>{@code deliver} is called with the lock held, so the order in which events reach it (and the fan-out queue behind
 * it) is the order of these decisions. Memory is bounded: the channels tracked, the pending events of each and the ids
 * awaiting their bus copy are capped. An id that falls out of the awaited ones means its bus copy is delivered a second
 * time, as an at-least-once bus may do anyway.
 */
final class LocalDelivery implements CommitListener {
    static final int MAX_CHANNELS = 10_000;
    static final int MAX_AWAITED = 100_000;
    static final int MAX_PENDING = 1_000;
    static final long STALE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final Consumer<ChatEvent> deliver;
    private final LongSupplier nanoTime;
    private final ReentrantLock lock = new ReentrantLock();
    private final int maxChannels;
    private final int maxAwaited;
    /** Per channel ({@code app/cid}), least recently used first. */
    private final LinkedHashMap<String, ChannelState> channels;
    /** Ids delivered early whose bus copy has not come yet. */
    private final LinkedHashSet<Long> awaited = new LinkedHashSet<>();
    /** The highest event id the bus has brought. */
    private long busHigh;
    /** The highest id pending in a channel that fell out of the table: no channel goes early until the bus passed it. */
    private long evictedBarrier;
    private long early;
    private long relayed;

    private static final class ChannelState {
        /** The seq of the channel's next message, or 0 while unknown. */
        long nextSeq;
        /** This node's events of the channel, prepared or committed, not yet delivered: id to the time they were prepared. */
        final TreeMap<Long, Long> pending = new TreeMap<>();
        /** Nothing of the channel goes early until the bus has brought an id at or above this. */
        long barrier;

        /** Stops tracking the pending events: they become the barrier. */
        void forgetPending() {
            if (!pending.isEmpty()) {
                barrier = Math.max(barrier, pending.lastKey());
                pending.clear();
            }
        }
    }

    LocalDelivery(Consumer<ChatEvent> deliver) {
        this(deliver, MAX_CHANNELS, MAX_AWAITED, System::nanoTime);
    }

    LocalDelivery(Consumer<ChatEvent> deliver, int maxChannels, int maxAwaited, LongSupplier nanoTime) {
        this.deliver = deliver;
        this.maxChannels = maxChannels;
        this.maxAwaited = maxAwaited;
        this.nanoTime = nanoTime;
        this.channels = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ChannelState> eldest) {
                if (size() <= LocalDelivery.this.maxChannels) {
                    return false;
                }
                ChannelState gone = eldest.getValue();
                gone.forgetPending();
                evictedBarrier = Math.max(evictedBarrier, gone.barrier);
                return true;
            }
        };
    }

    private static String key(ChatEvent e) {
        return e.appId().value() + "/" + e.cid();
    }

    private static boolean isMessageNew(ChatEvent e) {
        return e.seq() != null && e.type().equals(EventType.MESSAGE_NEW.wireName());
    }

    @Override
    public void prepared(List<ChatEvent> events) {
        lock.lock();
        try {
            long now = nanoTime.getAsLong();
            for (ChatEvent e : events) {
                if (e.cid() != null) {
                    ChannelState ch = channels.computeIfAbsent(key(e), k -> new ChannelState());
                    if (ch.pending.size() >= MAX_PENDING) {
                        ch.forgetPending();
                    }
                    ch.pending.put(e.id(), now);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The commit failed, but may have happened: its events are no longer tracked one by one, they become the barrier. */
    @Override
    public void aborted(List<ChatEvent> events) {
        lock.lock();
        try {
            for (ChatEvent e : events) {
                ChannelState ch = e.cid() == null ? null : channels.get(key(e));
                if (ch != null && ch.pending.remove(e.id()) != null) {
                    ch.barrier = Math.max(ch.barrier, e.id());
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void committed(List<ChatEvent> events) {
        lock.lock();
        try {
            long now = nanoTime.getAsLong();
            for (ChatEvent e : events) {
                ChannelState ch = e.cid() == null ? null : channels.get(key(e));
                if (ch == null || !isMessageNew(e)) {
                    continue;   // its bus copy delivers it
                }
                if (ch.nextSeq > e.seq()) {
                    continue;   // its bus copy came first and delivered it: it must not be tracked again below
                }
                Map.Entry<Long, Long> first = ch.pending.firstEntry();
                if (first != null && first.getKey() != e.id() && now - first.getValue() > STALE_NANOS) {
                    ch.forgetPending();   // an earlier event whose bus copy is overdue: stop waiting for it one by one
                    ch.pending.put(e.id(), now);
                    first = ch.pending.firstEntry();
                }
                if (ch.nextSeq != e.seq() || first == null || first.getKey() != e.id() || busHigh < Math.max(ch.barrier, evictedBarrier)) {
                    continue;
                }
                ch.pending.pollFirstEntry();
                ch.nextSeq = e.seq() + 1;
                awaited.add(e.id());
                if (awaited.size() > maxAwaited) {
                    Iterator<Long> oldest = awaited.iterator();
                    oldest.next();
                    oldest.remove();
                }
                early++;
                deliver.accept(e);
            }
        } finally {
            lock.unlock();
        }
    }

    /** An event from the bus: delivered unless it was delivered early already. */
    void fromBus(ChatEvent e) {
        lock.lock();
        try {
            if (e.id() > 0) {
                busHigh = Math.max(busHigh, e.id());
                if (awaited.remove(e.id())) {
                    return;
                }
            }
            if (e.id() > 0 && e.cid() != null) {
                ChannelState ch = isMessageNew(e) ? channels.computeIfAbsent(key(e), k -> new ChannelState()) : channels.get(key(e));
                if (ch != null) {
                    ch.pending.remove(e.id());
                    if (isMessageNew(e)) {
                        ch.nextSeq = Math.max(ch.nextSeq, e.seq() + 1);
                    }
                }
            }
            relayed++;
            deliver.accept(e);
        } finally {
            lock.unlock();
        }
    }

    /** Events delivered early, and events delivered as the bus brought them, since the start. */
    long[] counts() {
        lock.lock();
        try {
            return new long[] {early, relayed};
        } finally {
            lock.unlock();
        }
    }
}
