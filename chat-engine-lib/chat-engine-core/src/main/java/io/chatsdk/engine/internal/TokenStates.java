package io.chatsdk.engine.internal;

import io.chatsdk.engine.model.TokenState;
import io.chatsdk.engine.types.AppId;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What a token check needs to know about a user (a revocation time, a deactivation), remembered per node so that an
 * authenticated request does not read the user's row each time. Kept current three ways:
 * <ul>
 *   <li>this engine's own changes to either fact forget the user's entry once they commit ({@link #forget});</li>
 *   <li>the engine forgets the entry when a {@code user.*} event arrives on its event bus, which is how changes made on
 *       another node reach this one (in milliseconds, normally);</li>
 *   <li>an entry is read again once it is older than the time to live, which bounds how long a change can go unseen
 *       here if its event is late.</li>
 * </ul>
 * A load that overlaps a {@link #forget} is not kept: a generation counter, read before the load and checked after
 * the entry is stored, removes it again, so a state read before a change cannot outlive the change's forget.
 * Bounded (least used entries go first). Thread-safe.
 */
public final class TokenStates {
    private record Key(AppId app, String userId) {
    }

    private record Entry(TokenState state, Instant loadedAt) {
    }

    private final Clock clock;
    private final Duration ttl;
    private final Cache<Key, Entry> entries = Caffeine.newBuilder().maximumSize(100_000).build();
    private final AtomicLong generation = new AtomicLong();

    /** {@code ttl} zero: nothing is remembered, every check reads the database. */
    public TokenStates(Clock clock, Duration ttl) {
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("the time to live of token states must not be negative");
        }
        this.clock = clock;
        this.ttl = ttl;
    }

    /** The user's state: remembered if fresh, else {@code loader}'s (which reads the database). */
    public TokenState get(AppId app, String userId, Supplier<TokenState> loader) {
        if (ttl.isZero()) {
            return loader.get();
        }
        Key key = new Key(app, userId);
        Entry e = entries.getIfPresent(key);
        Instant now = clock.instant();
        if (e != null && e.loadedAt().plus(ttl).isAfter(now)) {
            return e.state();
        }
        long before = generation.get();
        TokenState state = loader.get();
        entries.put(key, new Entry(state, now));
        if (generation.get() != before) {
            entries.invalidate(key);   // a change was forgotten while this one loaded: the loaded state may predate it
        }
        return state;
    }

    /** Forgets what this node remembers of one user: call after a change to their token facts commits. */
    public void forget(AppId app, String userId) {
        generation.incrementAndGet();
        entries.invalidate(new Key(app, userId));
    }
}
