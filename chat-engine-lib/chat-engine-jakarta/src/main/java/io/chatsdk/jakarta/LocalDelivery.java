package io.chatsdk.jakarta;

import io.chatsdk.engine.event.EventType;
import io.chatsdk.engine.spi.ChatEvent;
import io.chatsdk.engine.spi.CommitListener;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

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
 *       event committed ahead of this one under the channel's row lock is always known here.</li>
 * </ul>
 * Everything else, and a message that fails either test, is delivered when the bus brings it, in the bus's order, as
 * without early delivery. Events another node commits are not registered here: that is why early delivery is for an
 * engine that is the only one writing to its database ({@link ChatApiSettings#localDelivery()}).
 *
 * <p>{@code deliver} is called with the lock held, so the order in which events reach it (and the fan-out queue behind
 * it) is the order of these decisions. Memory is bounded: the channels tracked and the ids awaiting their bus copy are
 * capped, oldest first out. A channel that falls out is treated as unknown (its next message waits for the bus), and
 * an id that falls out means its bus copy is delivered a second time, as an at-least-once bus may do anyway.
 */
final class LocalDelivery implements CommitListener {
    static final int MAX_CHANNELS = 10_000;
    static final int MAX_AWAITED = 100_000;

    private final Consumer<ChatEvent> deliver;
    private final ReentrantLock lock = new ReentrantLock();
    private final int maxChannels;
    private final int maxAwaited;
    /** Per channel ({@code app/cid}), least recently used first. */
    private final LinkedHashMap<String, ChannelState> channels;
    /** Ids delivered early whose bus copy has not come yet. */
    private final LinkedHashSet<Long> awaited = new LinkedHashSet<>();
    private long early;
    private long relayed;

    private static final class ChannelState {
        /** The seq of the channel's next message, or 0 while unknown. */
        long nextSeq;
        /** This node's events of the channel, prepared or committed, not yet delivered. */
        final TreeSet<Long> pending = new TreeSet<>();
    }

    LocalDelivery(Consumer<ChatEvent> deliver) {
        this(deliver, MAX_CHANNELS, MAX_AWAITED);
    }

    LocalDelivery(Consumer<ChatEvent> deliver, int maxChannels, int maxAwaited) {
        this.deliver = deliver;
        this.maxChannels = maxChannels;
        this.maxAwaited = maxAwaited;
        this.channels = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ChannelState> eldest) {
                return size() > LocalDelivery.this.maxChannels;
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
            for (ChatEvent e : events) {
                if (e.cid() != null) {
                    channels.computeIfAbsent(key(e), k -> new ChannelState()).pending.add(e.id());
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void aborted(List<ChatEvent> events) {
        lock.lock();
        try {
            for (ChatEvent e : events) {
                ChannelState ch = e.cid() == null ? null : channels.get(key(e));
                if (ch != null) {
                    ch.pending.remove(e.id());
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
            for (ChatEvent e : events) {
                ChannelState ch = e.cid() == null ? null : channels.get(key(e));
                if (ch == null || !isMessageNew(e) || ch.nextSeq != e.seq() || ch.pending.isEmpty() || ch.pending.first() != e.id()) {
                    continue;   // its bus copy delivers it
                }
                ch.pending.pollFirst();
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
            if (e.id() > 0 && awaited.remove(e.id())) {
                return;
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
