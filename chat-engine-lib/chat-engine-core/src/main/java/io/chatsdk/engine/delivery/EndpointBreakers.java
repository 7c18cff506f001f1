package io.chatsdk.engine.delivery;

import io.chatsdk.engine.types.AppId;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A circuit breaker per app and webhook endpoint, per node: after {@value #THRESHOLD} failed calls in a row (an
 * error, a timeout, a 5xx or a 429) the endpoint is open for {@link #OPEN}: the app's deliveries to it fail at once,
 * without a call; then one trial call is let through (half-open), and its success closes the breaker, its failure opens
 * it again. So an endpoint that hangs until the timeout holds about one worker, not all of them, and one app's broken
 * receiver does not stall other apps' webhooks. Keyed by app as well as URL, so that one app cannot pause another's
 * deliveries by making a shared receiver fail.
 *
 * <p>A refused delivery uses up an attempt like a failed one, so retries and dead letters keep the queue's bounds (about
 * half a minute, then the dead-letter queue). The price: once an endpoint recovers, deliveries resume at the next
 * trial, up to {@link #OPEN} later, and a delivery whose last attempt falls in that gap is dead-lettered although the
 * endpoint is back (an operator retries it). Timed by a monotonic clock (not the engine's, which tests may fix).
 * Thread-safe.
 */
public final class EndpointBreakers {
    static final int THRESHOLD = 5;
    static final Duration OPEN = Duration.ofSeconds(10);
    /** Failure counts older than this are forgotten (the map stays small when endpoints fail now and then). */
    static final Duration FORGET = Duration.ofHours(1);
    private static final System.Logger LOG = System.getLogger(EndpointBreakers.class.getName());

    /** Consecutive failures, the last one's time, and while open (or on trial) the time until which calls are refused. */
    private record State(int failures, long lastFailure, long openUntil) {
        boolean open(long now) {
            return openUntil != 0 && now - openUntil < 0;
        }
    }

    private final LongSupplier nanos;
    private final ConcurrentHashMap<String, State> states = new ConcurrentHashMap<>();
    private volatile long nextPrune;

    public EndpointBreakers() {
        this(System::nanoTime);
    }

    public EndpointBreakers(LongSupplier nanos) {
        this.nanos = nanos;
        this.nextPrune = nanos.getAsLong() + Duration.ofMinutes(1).toNanos();
    }

    private static String key(AppId app, URI endpoint) {
        return app.value() + " " + endpoint;
    }

    /** Whether a call to {@code endpoint} for {@code app} may go out now; past the open period, one caller gets the trial. */
    boolean allow(AppId app, URI endpoint) {
        long now = nanos.getAsLong();
        prune(now);
        boolean[] allowed = {true};
        states.computeIfPresent(key(app, endpoint), (k, s) -> {
            if (s.openUntil() == 0) {
                return s;
            }
            if (s.open(now)) {
                allowed[0] = false;
                return s;
            }
            // the trial: others are refused until it answers or another open period has passed
            return new State(s.failures(), s.lastFailure(), now + OPEN.toNanos());
        });
        return allowed[0];
    }

    void success(AppId app, URI endpoint) {
        states.remove(key(app, endpoint));
    }

    void failure(AppId app, URI endpoint) {
        long now = nanos.getAsLong();
        State s = states.merge(key(app, endpoint), new State(1, now, 0),
                (old, one) -> new State(old.failures() + 1, now, old.failures() + 1 >= THRESHOLD ? now + OPEN.toNanos() : 0));
        if (s.failures() == THRESHOLD) {
            // the origin only: a path or query may carry the receiver's own secret
            LOG.log(System.Logger.Level.WARNING, "webhook endpoint " + endpoint.getScheme() + "://" + endpoint.getHost()
                    + (endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort()) + " of app " + app + " failed " + THRESHOLD
                    + " times in a row; calls to it are paused for " + OPEN.toSeconds() + " s at a time until one succeeds");
        }
    }

    /** Whether the app's calls to {@code endpoint} are being refused now. */
    boolean isOpen(AppId app, URI endpoint) {
        State s = states.get(key(app, endpoint));
        return s != null && s.open(nanos.getAsLong());
    }

    /** How many endpoints have a failure on record (for tests). */
    int tracked() {
        return states.size();
    }

    private void prune(long now) {
        if (now - nextPrune >= 0) {
            nextPrune = now + Duration.ofMinutes(1).toNanos();
            long forget = FORGET.toNanos();
            states.values().removeIf(s -> now - s.lastFailure() > forget && !s.open(now));
        }
    }
}
