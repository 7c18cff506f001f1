package io.chatsdk.jakarta;

import io.chatsdk.engine.AppId;
import io.chatsdk.engine.ChatEngine;
import io.chatsdk.engine.model.App;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves API keys to apps and their current (and, during a rotation, previous) secrets, caching each for a short
 * time so that a request does not decrypt the secret every time. Thread-safe.
 */
final class AppDirectory {
    /** What authentication needs to know about an app. The secrets never leave this package. */
    record Entry(App app, String secret, String previousSecret, Instant loadedAt) {
        @Override
        public String toString() {
            return "Entry[app=" + app.id() + "]";
        }
    }

    private final ChatEngine engine;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Entry> byKey = new ConcurrentHashMap<>();

    AppDirectory(ChatEngine engine, Duration ttl, Clock clock) {
        this.engine = engine;
        this.ttl = ttl;
        this.clock = clock;
    }

    Optional<Entry> byApiKey(String apiKey) {
        Instant now = clock.instant();
        Entry cached = byKey.get(apiKey);
        if (cached != null && cached.loadedAt().plus(ttl).isAfter(now)) {
            return Optional.of(cached);
        }
        Optional<App> app = engine.apps().findByApiKey(apiKey);
        if (app.isEmpty()) {
            byKey.remove(apiKey);
            return Optional.empty();
        }
        AppId id = app.get().id();
        Entry fresh = new Entry(app.get(), engine.apps().credentials(id).apiSecret(), engine.apps().previousSecret(id).orElse(null), now);
        if (byKey.size() > 10_000) {
            byKey.clear();
        }
        byKey.put(apiKey, fresh);
        return Optional.of(fresh);
    }

    /** The app of an API key if this node has it cached (however old); never asks the database. */
    Optional<Entry> cached(String apiKey) {
        return Optional.ofNullable(byKey.get(apiKey));
    }

    /** Forgets an app at once (after a rotation, disable or revocation on this node). */
    void invalidate(String apiKey) {
        byKey.remove(apiKey);
    }
}
