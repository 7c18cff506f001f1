package io.chatsdk.jakarta;

import io.chatsdk.engine.audit.AuditEntry;
import io.chatsdk.engine.types.AppId;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Keeps a flood of failed authentications from costing the audit log, the database or other tenants anything much
 * (issue #14, item 2).
 *
 * <ul>
 *   <li>Each client address has a budget of failures ({@link ChatApiSettings.AuthFailurePolicy#perAddressPerMinute()}
 *       a minute, refilled continuously). While it is spent, {@link #allowed} says no and the API answers 429
 *       {@code too_many_auth_failures} before it parses a token or looks up a key.</li>
 *   <li>Failures are counted, not recorded one by one: one audit record per window, address, app, action and reason,
 *       with the count and the first and last time. One chain takes at most {@value #PER_CHAIN} such records a window
 *       and all chains {@value #MAX_TALLIES}; further failures go into one {@code overflow} tally per chain and action.
 *       So a flood from any number of addresses adds a bounded number of rows to a tenant's chain.</li>
 *   <li>The records go to the audit log's droppable queue ({@code recordLater}), which cannot hold up the records
 *       that successful requests wait for.</li>
 * </ul>
 * Thread-safe.
 */
final class AuthFailures implements AutoCloseable {
    static final int PER_CHAIN = 100;
    static final int MAX_TALLIES = 5_000;
    /** The address an unknown or unreadable client address is counted under. */
    static final String UNKNOWN = "unknown";

    private record Key(AppId app, String address, String action, String reason) {
    }

    /** One window's failures of one key; the first request's user agent and API key speak for the rest. */
    private static final class Tally {
        final LongAdder count = new LongAdder();
        final Instant first;
        volatile Instant last;
        final String userAgent;
        final Map<String, String> details;

        Tally(Instant at, String userAgent, Map<String, String> details) {
            this.first = at;
            this.last = at;
            this.userAgent = userAgent;
            this.details = details;
        }
    }

    private final ChatApiSettings.AuthFailurePolicy policy;
    private final Clock clock;
    private final Consumer<AuditEntry> audit;
    private final Cache<String, Bucket> budgets = Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(2)).maximumSize(200_000).build();
    private final Map<Key, Tally> tallies = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perChain = new ConcurrentHashMap<>();
    private final java.util.concurrent.ScheduledExecutorService flusher;

    /** {@code audit} takes the window's records (the engine's {@code recordLater}); a flush runs every window. */
    AuthFailures(ChatApiSettings.AuthFailurePolicy policy, Clock clock, Consumer<AuditEntry> audit) {
        this.policy = policy;
        this.clock = clock;
        this.audit = audit;
        this.flusher = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chatsdk-auth-failures");
            t.setDaemon(true);
            return t;
        });
        long every = policy.window().toMillis();
        flusher.scheduleWithFixedDelay(this::flush, every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Whether a request from {@code address} may try to authenticate: false while its failure budget is spent. */
    boolean allowed(String address) {
        Bucket b = budgets.getIfPresent(key(address));
        return b == null || b.getAvailableTokens() > 0;
    }

    /**
     * Counts one failed authentication (or one request refused by {@link #allowed}, reason
     * {@code too_many_auth_failures}, which does not spend the budget again). {@code app} is the app the API key names
     * when this node knows it, else null (the operator chain); {@code details} are the first request's, without secrets.
     */
    void failed(String address, AppId app, String action, String reason, String userAgent, Map<String, String> details) {
        String addr = key(address);
        if (!"too_many_auth_failures".equals(reason)) {
            budgets.get(addr, a -> Bucket.builder().addLimit(Bandwidth.builder().capacity(policy.perAddressPerMinute())
                    .refillGreedy(policy.perAddressPerMinute(), Duration.ofMinutes(1)).build()).build()).tryConsume(1);
        }
        Instant now = clock.instant();
        Key key = new Key(app, addr, action, reason);
        Tally t = tallies.get(key);
        if (t == null) {
            String chain = String.valueOf(app);
            boolean room = tallies.size() < MAX_TALLIES && perChain.computeIfAbsent(chain, c -> new AtomicInteger()).get() < PER_CHAIN;
            if (!room) {
                key = new Key(app, "*", action, "overflow");
            }
            boolean[] created = new boolean[1];
            t = tallies.computeIfAbsent(key, k -> {
                created[0] = true;
                return new Tally(now, userAgent, details);
            });
            if (created[0] && room) {
                perChain.get(chain).incrementAndGet();
            }
        }
        t.count.increment();
        t.last = now;
    }

    /** Writes one audit record per tally of the window that ended, and starts the next. */
    void flush() {
        try {
            perChain.clear();
            for (Key key : List.copyOf(tallies.keySet())) {
                Tally t = tallies.remove(key);
                if (t == null) {
                    continue;
                }
                Map<String, String> details = new LinkedHashMap<>(t.details);
                details.put("count", Long.toString(t.count.sum()));
                details.put("first_at", t.first.toString());
                details.put("last_at", t.last.toString());
                audit.accept(new AuditEntry(key.app(), "anonymous", null, null, key.action(), null, null,
                        "*".equals(key.address()) ? null : key.address(), t.userAgent, false, key.reason(), details));
            }
        } catch (RuntimeException e) {
            System.getLogger(AuthFailures.class.getName()).log(System.Logger.Level.WARNING, "auth failure records not written: " + e.getClass().getName());
        }
    }

    /** Writes what is counted, then stops. */
    @Override
    public void close() {
        flusher.shutdownNow();
        flush();
    }

    private static String key(String address) {
        return address == null || address.isBlank() ? UNKNOWN : address;
    }

    /**
     * The client's address: the peer's, or, when the peer is a trusted proxy, the last address of
     * {@code X-Forwarded-For} that is not one (each proxy appends the address it saw; only ours can be believed).
     */
    static String clientAddress(String peer, String forwardedFor, java.util.Set<String> trustedProxies) {
        if (peer == null || trustedProxies.isEmpty() || !trustedProxies.contains(normalise(peer)) || forwardedFor == null) {
            return peer;
        }
        String[] hops = forwardedFor.split(",", 32);
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].strip();
            if (hop.isEmpty() || hop.length() > 45 || !hop.matches("[0-9A-Fa-f:.]+")) {
                return peer;   // not an address: a client wrote it; believe nothing further left
            }
            if (!trustedProxies.contains(normalise(hop))) {
                return hop;
            }
        }
        return peer;
    }

    private static String normalise(String address) {
        try {
            return ChatApiSettings.AuthFailurePolicy.literal(address);
        } catch (IllegalArgumentException e) {
            return address;
        }
    }
}
