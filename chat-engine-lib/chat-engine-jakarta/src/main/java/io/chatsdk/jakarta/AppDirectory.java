package io.chatsdk.jakarta;

import io.chatsdk.engine.ChatEngine;
import io.chatsdk.engine.apps.Apps;
import io.chatsdk.engine.model.App;
import io.chatsdk.engine.types.AppId;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Resolves API keys to apps and their current (and, during a rotation, previous) secrets, caching each for a short
 * time so that a request does not decrypt the secret every time. A key that names no app is remembered as unknown for
 * the same time, so a flood of made-up keys costs one query per key, not per request. Both caches are bounded and
 * forget the least used entries first, never everything at once. Thread-safe.
 */
final class AppDirectory {
    /**
     * What authentication needs to know about an app. The secrets never leave this package. The previous secret (null
     * outside a rotation's grace) counts only until the end of its grace period, even while the entry is cached: it is
     * read through {@link #previousSecret(Instant)} alone.
     */
    record Entry(App app, String secret, Apps.PreviousSecret previous, Instant loadedAt) {
        /** The previous secret if its grace period has not ended at {@code now}; otherwise null. */
        String previousSecret(Instant now) {
            return previous != null && previous.expiresAt().isAfter(now) ? previous.secret() : null;
        }

        @Override
        public String toString() {
            return "Entry[app=" + app.id() + "]";
        }
    }

    /** Where apps are looked up: the engine, or a test's stand-in. */
    interface Source {
        /** The app of a key with its secrets, loaded at {@code now}; empty when no app has that key. */
        Optional<Entry> load(String apiKey, Instant now);
    }

    private final Source source;
    private final Duration ttl;
    private final Clock clock;
    private final Cache<String, Entry> byKey = Caffeine.newBuilder().maximumSize(10_000).build();
    /** Keys that named no app, with the time they were looked up. */
    private final Cache<String, Instant> unknown = Caffeine.newBuilder().maximumSize(100_000).build();
    /**
     * How many times {@link #invalidate} ran. A look-up that began before an invalidation may have read the app as it
     * was before the change (a rotated secret, a revocation): it answers its own request but is not cached, or it would
     * outlive the invalidation by a whole {@code ttl}.
     */
    private final AtomicLong invalidations = new AtomicLong();

    AppDirectory(ChatEngine engine, Duration ttl, Clock clock) {
        this((apiKey, now) -> engine.apps().findByApiKey(apiKey).map(app -> {
            AppId id = app.id();
            return new Entry(app, engine.apps().credentials(id).apiSecret(), engine.apps().previousSecretGrace(id).orElse(null), now);
        }), ttl, clock);
    }

    AppDirectory(Source source, Duration ttl, Clock clock) {
        this.source = source;
        this.ttl = ttl;
        this.clock = clock;
    }

    Optional<Entry> byApiKey(String apiKey) {
        Instant now = clock.instant();
        Entry cached = byKey.getIfPresent(apiKey);
        if (cached != null && cached.loadedAt().plus(ttl).isAfter(now)) {
            return Optional.of(cached);
        }
        Instant missed = unknown.getIfPresent(apiKey);
        if (missed != null && missed.plus(ttl).isAfter(now)) {
            return Optional.empty();
        }
        long generation = invalidations.get();
        Optional<Entry> fresh = source.load(apiKey, now);
        synchronized (invalidations) {   // an invalidation between this check and the put would be undone by it
            if (invalidations.get() != generation) {
                return fresh;
            }
            if (fresh.isEmpty()) {
                byKey.invalidate(apiKey);
                unknown.put(apiKey, now);
                return Optional.empty();
            }
            unknown.invalidate(apiKey);
            byKey.put(apiKey, fresh.get());
        }
        return fresh;
    }

    /** The app of an API key if this node has it cached (however old); never asks the database. */
    Optional<Entry> cached(String apiKey) {
        return Optional.ofNullable(byKey.getIfPresent(apiKey));
    }

    /**
     * The id of the app a request's API key names, when this node has it cached: a failed call is recorded in that
     * app's chain without waiting on the database again. Null for no key, an overlong one, or one not cached.
     */
    AppId cachedAppId(String apiKey) {
        return apiKey == null || apiKey.length() > 64 ? null : cached(apiKey).map(e -> e.app().id()).orElse(null);
    }

    /** Forgets an app at once (after a rotation, disable or revocation on this node). */
    void invalidate(String apiKey) {
        synchronized (invalidations) {
            invalidations.incrementAndGet();
            byKey.invalidate(apiKey);
            unknown.invalidate(apiKey);
        }
    }
}
