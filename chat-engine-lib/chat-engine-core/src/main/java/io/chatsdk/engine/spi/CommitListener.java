package io.chatsdk.engine.spi;

import java.util.List;

/**
 * Hears of the events a transaction of this engine writes to the outbox, around its commit, before the outbox relay
 * publishes them to the {@link EventBus} (which it still does: every event also arrives there, at least once). A
 * WebSocket layer uses it to serve this node's subscribers without the bus round trip.
 *
 * <p>Each transaction that wrote events makes exactly one of two sequences of calls, on the thread that commits it:
 * {@link #prepared} then {@link #committed}, or {@link #prepared} then {@link #aborted}. {@code prepared} comes while
 * the transaction still holds its row locks, so a transaction that waited for those locks (a later send to the same
 * channel) is prepared after it. The events are in the order the transaction wrote them, with their outbox ids and
 * the payloads the bus will carry. Implementations must be quick and must not throw: they run inside the commit path.
 */
public interface CommitListener {
    /** The transaction is about to commit. */
    void prepared(List<ChatEvent> events);

    /** The transaction committed. */
    void committed(List<ChatEvent> events);

    /** The commit failed, or its outcome is unknown: the events reach the bus if and only if they were committed after all. */
    void aborted(List<ChatEvent> events);
}
