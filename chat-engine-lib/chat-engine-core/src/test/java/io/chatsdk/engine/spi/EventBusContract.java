package io.chatsdk.engine.spi;

import io.chatsdk.engine.types.AppId;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What every {@link EventBus} adapter must do. Adapters' tests extend it and say how to make a bus. */
public abstract class EventBusContract {

    /** A fresh bus; the test closes it. */
    protected abstract EventBus newBus();

    protected static ChatEvent event(long id, String type) {
        return new ChatEvent(id, new AppId(UUID.randomUUID()), type, "messaging:general", id, Instant.now().truncatedTo(ChronoUnit.MILLIS),
                Map.of("type", type, "message", Map.of("id", "m" + id, "text", "hello \uD83D\uDE00")));
    }

    @Test
    void subscribersReceivePublishedEventsIntactAndInOrder() throws Exception {
        try (EventBus bus = newBus()) {
            List<ChatEvent> got = new CopyOnWriteArrayList<>();
            bus.subscribe(got::add);
            ChatEvent first = event(1, "message.new");
            bus.publish(first);
            for (int i = 2; i <= 20; i++) {
                bus.publish(event(i, "message.new"));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 20);
            assertThat(got.get(0)).isEqualTo(first);
            assertThat(got).extracting(ChatEvent::id).isSorted();
        }
    }

    @Test
    void closedSubscriptionsStopAndAFailingSubscriberDoesNotStopOthers() throws Exception {
        try (EventBus bus = newBus()) {
            List<ChatEvent> kept = new CopyOnWriteArrayList<>();
            List<ChatEvent> dropped = new CopyOnWriteArrayList<>();
            bus.subscribe(e -> {
                throw new IllegalStateException("subscriber bug");
            });
            bus.subscribe(kept::add);
            EventBus.Subscription s = bus.subscribe(dropped::add);
            bus.publish(event(1, "message.new"));
            await().atMost(Duration.ofSeconds(10)).until(() -> kept.size() == 1 && dropped.size() == 1);
            s.close();
            bus.publish(event(2, "message.new"));
            await().atMost(Duration.ofSeconds(10)).until(() -> kept.size() == 2);
            Thread.sleep(200);
            assertThat(dropped).hasSize(1);
        }
    }
}
