package io.chatsdk.engine;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A circuit breaker per webhook endpoint, per node: after {@value #THRESHOLD} failed calls in a row (an error, a
 * timeout, a 5xx or a 429) the endpoint is open for {@link #OPEN}: deliveries to it fail at once, without a call, and
 * go on through their retries and the dead-letter queue as before; then one trial call is let through (half-open), and
 * its success closes the breaker. So an endpoint that hangs until the timeout holds about one worker, not all of them,
 * and one app's broken receiver does not stall every other app's webhooks. A refused delivery uses up an attempt like
 * a failed one: the open period (10 s) is shorter than the later retry gaps (8, 16 s), so an endpoint that recovers
 * within the retries gets its deliveries, and one that stays down leaves them in the dead-letter queue, as before.
 * Thread-safe.
 */
final class EndpointBreakers {
    static final int THRESHOLD = 5;
    static final Duration OPEN = Duration.ofSeconds(10);
    private static final System.Logger LOG = System.getLogger(EndpointBreakers.class.getName());

    /** Consecutive failures, and while open (or on trial) the instant until which calls are refused. */
    private record State(int failures, Instant openUntil) {
    }

    private final Clock clock;
    private final ConcurrentHashMap<String, State> states = new ConcurrentHashMap<>();

    EndpointBreakers(Clock clock) {
        this.clock = clock;
    }

    /** Whether a call to {@code endpoint} may go out now; past the open period, one caller gets the trial. */
    boolean allow(URI endpoint) {
        Instant now = clock.instant();
        boolean[] allowed = {true};
        states.computeIfPresent(endpoint.toString(), (k, s) -> {
            if (s.openUntil() == null) {
                return s;
            }
            if (now.isBefore(s.openUntil())) {
                allowed[0] = false;
                return s;
            }
            return new State(s.failures(), now.plus(OPEN));   // the trial: others wait until it answers or the period ends
        });
        return allowed[0];
    }

    void success(URI endpoint) {
        states.remove(endpoint.toString());
    }

    void failure(URI endpoint) {
        Instant now = clock.instant();
        State s = states.merge(endpoint.toString(), new State(1, null),
                (old, one) -> new State(old.failures() + 1, old.failures() + 1 >= THRESHOLD ? now.plus(OPEN) : null));
        if (s.failures() == THRESHOLD) {
            // the origin only: a path or query may carry the receiver's own secret
            LOG.log(System.Logger.Level.WARNING, "webhook endpoint " + endpoint.getScheme() + "://" + endpoint.getHost()
                    + (endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort()) + " failed " + THRESHOLD
                    + " times in a row; calls to it are paused for " + OPEN.toSeconds() + " s at a time until one succeeds");
        }
    }

    /** Whether calls to {@code endpoint} are being refused now (for tests and metrics). */
    boolean isOpen(URI endpoint) {
        State s = states.get(endpoint.toString());
        return s != null && s.openUntil() != null && clock.instant().isBefore(s.openUntil());
    }
}
