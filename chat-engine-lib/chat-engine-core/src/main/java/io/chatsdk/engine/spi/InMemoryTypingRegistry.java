package io.chatsdk.engine.spi;

import io.chatsdk.engine.types.AppId;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Typing state in one JVM, swept once a second. Thread-safe; close it to stop the sweeper. */
public final class InMemoryTypingRegistry implements TypingRegistry {
    private final Clock clock;
    private final Map<String, Instant> until = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "chatsdk-typing-sweeper");
        t.setDaemon(true);
        return t;
    });

    public InMemoryTypingRegistry(Clock clock) {
        this.clock = clock;
        sweeper.scheduleAtFixedRate(this::sweep, 1, 1, TimeUnit.SECONDS);
    }

    private static String key(AppId app, String cid, String userId) {
        return app + "|" + cid + "|" + userId;
    }

    @Override
    public boolean start(AppId app, String cid, String userId, Duration ttl) {
        return until.put(key(app, cid, userId), clock.instant().plus(ttl)) == null;
    }

    @Override
    public boolean stop(AppId app, String cid, String userId) {
        return until.remove(key(app, cid, userId)) != null;
    }

    @Override
    public void onExpired(Listener listener) {
        listeners.add(listener);
    }

    /** Runs once a second; must not throw, or the executor would cancel every later sweep. */
    private void sweep() {
        try {
            Instant now = clock.instant();
            until.forEach((key, deadline) -> {
                if (!deadline.isAfter(now) && until.remove(key, deadline)) {
                    String[] k = key.split("\\|", 3);
                    TypingRegistry.tell(listeners, AppId.parse(k[0]), k[1], k[2]);
                }
            });
        } catch (Throwable e) {   // an Error too: a throw here would cancel every later sweep
            System.getLogger(InMemoryTypingRegistry.class.getName()).log(System.Logger.Level.WARNING,
                    "typing sweep failed: " + e.getClass().getName());
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
