package io.chatsdk.jakarta;

import io.chatsdk.engine.spi.ChatEvent;
import io.chatsdk.engine.types.AppId;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules of early delivery: what is handed to the fan-out straight after its commit, what waits for the bus, and
 * that every event is delivered once, in an order no later event of its channel overtakes. The engine's side (events
 * prepared under the channel's lock, with the bus's ids and payloads) is {@code CommitListenerIT}; the appliance's
 * end-to-end behaviour is {@code LocalDeliveryIT}.
 */
class LocalDeliveryTest {
    static final AppId APP = new AppId(UUID.randomUUID());
    final List<Long> delivered = new ArrayList<>();
    final LocalDelivery local = new LocalDelivery(e -> delivered.add(e.id()));

    static ChatEvent message(long id, String cid, long seq) {
        return new ChatEvent(id, APP, "message.new", cid, seq, Instant.EPOCH, Map.of());
    }

    static ChatEvent reaction(long id, String cid, long seq) {
        return new ChatEvent(id, APP, "reaction.new", cid, seq, Instant.EPOCH, Map.of());
    }

    /** This node commits {@code e} in a transaction of its own. */
    void commit(ChatEvent... events) {
        local.prepared(List.of(events));
        local.committed(List.of(events));
    }

    @Test
    void aChannelsFirstMessageWaitsForTheBusAndTheNextOnesGoAtOnce() {
        commit(message(10, "c", 1));
        assertThat(delivered).as("the node does not know whether an earlier message is on its way").isEmpty();
        local.fromBus(message(10, "c", 1));
        assertThat(delivered).containsExactly(10L);
        commit(message(11, "c", 2));
        commit(message(12, "c", 3));
        assertThat(delivered).containsExactly(10L, 11L, 12L);
        local.fromBus(message(11, "c", 2));
        local.fromBus(message(12, "c", 3));
        assertThat(delivered).as("bus copies of early deliveries are skipped").containsExactly(10L, 11L, 12L);
        assertThat(local.counts()).containsExactly(2L, 1L);
    }

    @Test
    void anotherNodesMessageInFlightKeepsTheNextLocalOneBehindIt() {
        local.fromBus(message(10, "c", 1));
        // seq 2 was committed elsewhere and is not here yet; this node commits seq 3
        commit(message(12, "c", 3));
        assertThat(delivered).containsExactly(10L);
        local.fromBus(message(11, "c", 2));
        local.fromBus(message(12, "c", 3));
        assertThat(delivered).containsExactly(10L, 11L, 12L);
    }

    @Test
    void anEarlierLocalEventWaitingForTheBusKeepsTheMessageBehindIt() {
        local.fromBus(message(10, "c", 1));
        commit(reaction(11, "c", 1));
        commit(message(12, "c", 2));
        assertThat(delivered).as("the reaction is not delivered early, so neither is what follows it").containsExactly(10L);
        local.fromBus(reaction(11, "c", 1));
        local.fromBus(message(12, "c", 2));
        assertThat(delivered).containsExactly(10L, 11L, 12L);
        commit(message(13, "c", 3));
        assertThat(delivered).as("once the channel has nothing pending, early again").containsExactly(10L, 11L, 12L, 13L);
    }

    @Test
    void aTransactionPreparedEarlierButCommittedLaterHoldsBackTheOneThatOvertookIt() {
        local.fromBus(message(10, "c", 1));
        ChatEvent a = reaction(11, "c", 1);
        ChatEvent b = message(12, "c", 2);
        local.prepared(List.of(a));   // a held the channel's lock first
        local.prepared(List.of(b));
        local.committed(List.of(b));  // b's thread reports first
        local.committed(List.of(a));
        assertThat(delivered).containsExactly(10L);
        local.fromBus(a);
        local.fromBus(b);
        assertThat(delivered).containsExactly(10L, 11L, 12L);
    }

    @Test
    void aFailedCommitMayHaveHappenedSoNothingOvertakesItUntilTheBusHasPassedIt() {
        local.fromBus(message(10, "c", 1));
        ChatEvent lost = reaction(11, "c", 1);   // the connection broke during its commit: committed or not, nobody knows
        local.prepared(List.of(lost));
        local.aborted(List.of(lost));
        commit(message(12, "c", 2));
        assertThat(delivered).as("the reaction may still come from the bus").containsExactly(10L);
        local.fromBus(lost);                     // it had committed after all
        local.fromBus(message(12, "c", 2));
        assertThat(delivered).containsExactly(10L, 11L, 12L);
        commit(message(13, "c", 3));
        assertThat(delivered).as("the bus has passed it: early again").containsExactly(10L, 11L, 12L, 13L);
    }

    @Test
    void aFailedCommitThatDidNotHappenHoldsTheChannelOnlyUntilTheBusPassesItsId() {
        local.fromBus(message(10, "c", 1));
        ChatEvent failed = message(11, "c", 2);
        local.prepared(List.of(failed));
        local.aborted(List.of(failed));
        commit(message(12, "c", 2));            // the same seq again, in a transaction that committed
        assertThat(delivered).containsExactly(10L);
        local.fromBus(message(12, "c", 2));
        commit(message(13, "c", 3));
        assertThat(delivered).containsExactly(10L, 12L, 13L);
    }

    @Test
    void aBusCopyThatArrivesBeforeTheCommitIsReportedIsDeliveredOnce() {
        local.fromBus(message(10, "c", 1));
        ChatEvent m = message(11, "c", 2);
        local.prepared(List.of(m));
        local.fromBus(m);              // the relay was quicker than the committing thread
        local.committed(List.of(m));
        assertThat(delivered).containsExactly(10L, 11L);
    }

    @Test
    void channelsAndAppsAreKeptApart() {
        local.fromBus(message(10, "c", 1));
        commit(message(11, "d", 2));
        assertThat(delivered).as("channel d's state is unknown").containsExactly(10L);
        ChatEvent otherApp = new ChatEvent(12, new AppId(UUID.randomUUID()), "message.new", "c", 2L, Instant.EPOCH, Map.of());
        commit(otherApp);
        assertThat(delivered).as("another app's channel c is another channel").containsExactly(10L);
        commit(message(13, "c", 2));
        assertThat(delivered).containsExactly(10L, 13L);
    }

    @Test
    void eventsOfNoChannelAndEphemeralOnesPassThroughTheBus() {
        ChatEvent user = new ChatEvent(20, APP, "user.updated", null, null, Instant.EPOCH, Map.of());
        commit(user);
        assertThat(delivered).isEmpty();
        local.fromBus(user);
        local.fromBus(new ChatEvent(0, APP, "typing.start", "c", null, Instant.EPOCH, Map.of()));
        assertThat(delivered).containsExactly(20L, 0L);
    }

    @Test
    void aChannelThatFallsOutWithEventsPendingHoldsEveryChannelUntilTheBusHasPassedThem() {
        LocalDelivery small = new LocalDelivery(e -> delivered.add(e.id()), 1, 100, System::nanoTime);
        small.fromBus(message(9, "c", 1));
        ChatEvent r0 = reaction(10, "c", 1);
        ChatEvent previous = message(11, "c", 2);
        ChatEvent r = reaction(12, "c", 2);
        for (ChatEvent e : List.of(r0, previous, r)) {   // the message waits behind the first reaction
            small.prepared(List.of(e));
            small.committed(List.of(e));
        }
        ChatEvent other = message(14, "d", 1);
        small.prepared(List.of(other));   // channel c falls out of the table with three events pending
        small.fromBus(r0);
        small.fromBus(previous);          // c is known again, with its seq but without its pending reaction r
        ChatEvent m = message(13, "c", 3);
        small.prepared(List.of(m));
        small.committed(List.of(m));
        assertThat(delivered).as("r, forgotten, may still come: m waits").containsExactly(9L, 10L, 11L);
        small.fromBus(r);
        small.fromBus(m);
        small.fromBus(other);
        assertThat(delivered).containsExactly(9L, 10L, 11L, 12L, 13L, 14L);
        small.fromBus(message(15, "c", 4));
        ChatEvent next = message(17, "c", 5);
        small.prepared(List.of(next));
        small.committed(List.of(next));
        assertThat(delivered).as("the bus has passed every forgotten event: early again").endsWith(15L, 17L);
    }

    @Test
    void anEventPendingTooLongStopsHoldingTheChannelOnceTheBusHasPassedIt() {
        long[] now = {0};
        LocalDelivery clocked = new LocalDelivery(e -> delivered.add(e.id()), 100, 100, () -> now[0]);
        clocked.fromBus(message(10, "c", 1));
        ChatEvent skipped = reaction(11, "c", 1);   // the relay will never publish it (it could not open it, say)
        clocked.prepared(List.of(skipped));
        clocked.committed(List.of(skipped));
        now[0] += LocalDelivery.STALE_NANOS + 1;
        ChatEvent m = message(12, "c", 2);
        clocked.prepared(List.of(m));
        clocked.committed(List.of(m));
        assertThat(delivered).as("not early: the bus has not passed the overdue event yet").containsExactly(10L);
        clocked.fromBus(m);
        ChatEvent next = message(13, "c", 3);
        clocked.prepared(List.of(next));
        clocked.committed(List.of(next));
        assertThat(delivered).as("the overdue event no longer holds the channel").containsExactly(10L, 12L, 13L);
    }

    @Test
    void aBusCopyThatCameFirstIsNotTrackedAgainWhenAnOverdueEventIsDropped() {
        long[] now = {0};
        LocalDelivery clocked = new LocalDelivery(e -> delivered.add(e.id()), 100, 100, () -> now[0]);
        clocked.fromBus(message(10, "c", 1));
        ChatEvent skipped = reaction(11, "c", 1);   // the relay will never publish it
        clocked.prepared(List.of(skipped));
        clocked.committed(List.of(skipped));
        now[0] += LocalDelivery.STALE_NANOS + 1;
        ChatEvent m = message(12, "c", 2);
        clocked.prepared(List.of(m));
        clocked.fromBus(m);                          // the relay was quicker than the committing thread
        clocked.committed(List.of(m));               // must not put 12 back among the pending: its copy came already
        ChatEvent next = message(13, "c", 3);
        clocked.prepared(List.of(next));
        clocked.committed(List.of(next));
        clocked.fromBus(next);
        ChatEvent last = message(14, "c", 4);
        clocked.prepared(List.of(last));
        clocked.committed(List.of(last));
        assertThat(delivered).as("14 goes early: nothing of the channel is still on its way").containsExactly(10L, 12L, 13L, 14L);
    }

    @Test
    void memoryIsBoundedAndForgettingOnlyCostsSpeedOrADuplicate() {
        LocalDelivery small = new LocalDelivery(e -> delivered.add(e.id()), 2, 2, System::nanoTime);
        small.fromBus(message(1, "a", 1));
        small.fromBus(message(2, "b", 1));
        small.fromBus(message(3, "c", 1));   // channel a falls out
        small.prepared(List.of(message(4, "a", 2)));
        small.committed(List.of(message(4, "a", 2)));
        assertThat(delivered).as("a forgotten channel waits for the bus").containsExactly(1L, 2L, 3L);
        small.fromBus(message(4, "a", 2));
        for (long id = 5; id <= 7; id++) {
            ChatEvent m = message(id, "a", id - 2);
            small.prepared(List.of(m));
            small.committed(List.of(m));
        }
        assertThat(delivered).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        small.fromBus(message(5, "a", 3));   // its id fell out of the awaited ones: delivered again
        small.fromBus(message(6, "a", 4));
        small.fromBus(message(7, "a", 5));
        assertThat(delivered).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 5L);
    }
}
