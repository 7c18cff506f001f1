package io.chatsdk.engine.spi;

import java.lang.System.Logger.Level;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The default {@link EventBus}: delivers each event synchronously, on the publishing (relay) thread, to every
 * subscriber in this JVM. A subscriber that throws is logged (event type and id only) and does not stop the others.
 * Thread-safe.
 */
public final class InProcessEventBus implements EventBus {
    private static final System.Logger LOG = System.getLogger(InProcessEventBus.class.getName());
    private final CopyOnWriteArrayList<Consumer<ChatEvent>> subscribers = new CopyOnWriteArrayList<>();

    @Override
    public void publish(ChatEvent event) {
        for (Consumer<ChatEvent> s : subscribers) {
            try {
                s.accept(event);
            } catch (RuntimeException | LinkageError | AssertionError e) {
                // an Error too: the publisher is the outbox relay's one thread, which a subscriber must not end
                LOG.log(Level.WARNING, "event subscriber failed on " + event.type() + " #" + event.id() + ": " + e.getClass().getName());
            }
        }
    }

    @Override
    public Subscription subscribe(Consumer<ChatEvent> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }
}
