package io.chatsdk.engine.delivery;

import io.chatsdk.engine.apps.Apps;
import io.chatsdk.engine.event.EventJson;
import io.chatsdk.engine.internal.AppSettings;
import io.chatsdk.engine.internal.ContentKeys;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.internal.Json;
import io.chatsdk.engine.internal.Outbound;
import io.chatsdk.engine.spi.ChatEvent;
import io.chatsdk.engine.spi.HttpSender;
import io.chatsdk.engine.spi.Job;
import io.chatsdk.engine.spi.JobQueue;
import io.chatsdk.engine.spi.RetryPolicy;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An app's webhooks: endpoints (at most 10), each with an event filter, to which every event the app's clients could
 * see is POSTed as JSON through the durable {@link JobQueue} (job kind {@value #KIND}): retried with backoff, then
 * dead-lettered. Each delivery carries {@code X-Webhook-Id} (the same on every attempt, for de-duplication),
 * {@code X-Webhook-Attempt}, {@code X-Api-Key} and {@code X-Signature}: the hex HMAC-SHA256 of the raw body keyed with
 * the app's API secret. Events of shadowed messages are not sent. Thread-safe.
 */
public final class Webhooks {
    public static final String KIND = "webhook";
    private static final System.Logger LOG = System.getLogger(Webhooks.class.getName());
    /**
     * Each app's endpoints as this node last read them: the relay looks them up for every event. A change made on this
     * node applies at once; one made on another node within {@value #ENDPOINTS_TTL_SECONDS} s.
     */
    static final int ENDPOINTS_TTL_SECONDS = 2;
    private static final io.chatsdk.engine.internal.NodeCache<AppId, List<Endpoint>> ENDPOINTS =
            new io.chatsdk.engine.internal.NodeCache<>(java.time.Clock.systemUTC(), java.time.Duration.ofSeconds(ENDPOINTS_TTL_SECONDS));
    private static final String PURPOSE = "webhook";
    static final int MAX_ENDPOINTS = 10;
    private final EngineContext ctx;
    private final AppId app;
    private final Apps apps;

    /** An endpoint: its URL and the event types it wants ({@code *} for all). */
    public record Endpoint(URI url, Set<String> events) {
        public Endpoint {
            Outbound.requireUrl(url);
            events = events == null || events.isEmpty() ? Set.of("*") : Set.copyOf(events);
            for (String e : events) {
                if (!e.equals("*") && !e.matches("[a-z0-9_.]{1,64}")) {
                    throw ChatException.invalid("events", "'" + e + "' is not an event type");
                }
            }
        }

        boolean wants(String type) {
            return events.contains("*") || events.contains(type);
        }
    }

    public Webhooks(EngineContext ctx, AppId app, Apps apps) {
        this.ctx = ctx;
        this.app = app;
        this.apps = apps;
    }

    /** Replaces the app's endpoints. */
    public List<Endpoint> set(List<Endpoint> endpoints) {
        if (endpoints.size() > MAX_ENDPOINTS) {
            throw ChatException.invalid("webhooks", "at most " + MAX_ENDPOINTS + " endpoints");
        }
        List<Map<String, Object>> stored = new ArrayList<>();
        for (Endpoint e : endpoints) {
            stored.add(Map.of("url", e.url().toString(), "events", List.copyOf(e.events())));
        }
        ctx.db().inTransaction(tx -> {
            AppSettings.put(tx, app, "webhooks", stored);
            return null;
        });
        ENDPOINTS.forget(app);
        return list();
    }

    /** The app's endpoints. */
    public List<Endpoint> list() {
        return endpoints(apps.get(app).settings());
    }

    @SuppressWarnings("unchecked")
    static List<Endpoint> endpoints(Map<String, Object> settings) {
        List<Endpoint> out = new ArrayList<>();
        if (settings.get("webhooks") instanceof List<?> list) {
            for (Object o : list) {
                Map<String, Object> m = (Map<String, Object>) o;
                out.add(new Endpoint(URI.create((String) m.get("url")), Set.copyOf((List<String>) m.get("events"))));
            }
        }
        return out;
    }

    /** Queues one delivery per matching endpoint of the event's app; called by the outbox relay for each event. */
    public static void enqueue(EngineContext ctx, Apps apps, JobQueue jobs, ChatEvent e) {
        if (!Audience.toBackEnd(EventJson.read(e.type(), e.cid(), e.payload()))) {
            return;   // a shadowed message exists for its author only, not for the app's back end either
        }
        List<Endpoint> endpoints = ENDPOINTS.get(e.appId(), () -> apps.find(e.appId()).map(a -> endpoints(a.settings())).orElse(List.of()));
        for (Endpoint ep : endpoints) {
            if (ep.wants(e.type())) {
                String id = e.id() + "-" + shortHash(ep.url().toString());
                // the event holds message content, and the job may wait in a durable queue: it is sealed under the app's
                // data key like the outbox row it came from, bound to the job id
                ContentKeys.Sealed sealed = ctx.db().inTransaction(tx -> tx.keys().seal(tx, e.appId(), PURPOSE, id,
                        Json.write(e.payload()).getBytes(StandardCharsets.UTF_8)));
                Map<String, Object> job = new LinkedHashMap<>();
                job.put("app_id", e.appId().toString());
                job.put("url", ep.url().toString());
                job.put("key_version", sealed.version());
                job.put("event", Base64.getEncoder().encodeToString(sealed.bytes()));
                jobs.submit(new Job(KIND, id, Json.write(job)));
            }
        }
    }

    /**
     * The event of a job as it is POSTed; null when the app's keys were destroyed since, or when the job is not one
     * this engine sealed (the job is dropped either way).
     */
    private static byte[] openEvent(EngineContext ctx, AppId appId, Job job, Map<String, Object> p) {
        // Only what this engine sealed is sent (issue #14 item 7): the event under the app's key, bound to the job id,
        // and the id bound to the URL. A job written by someone else on the broker, in clear or with another app's id
        // or another endpoint, would otherwise be signed with the app's secret and POSTed wherever it says.
        if (!(p.get("event") instanceof String text) || !(p.get("key_version") instanceof Number number)
                || !(p.get("url") instanceof String url) || !boundToEndpoint(job.id(), url)) {
            LOG.log(System.Logger.Level.WARNING, "refused webhook job " + job.id() + ": it is not sealed for its app and endpoint");
            return null;
        }
        byte[] sealed;
        try {
            sealed = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "refused webhook job " + job.id() + ": its event is not base64");
            return null;
        }
        int version = number.intValue();
        try {
            return ctx.db().read(tx -> tx.keys().open(tx, appId, PURPOSE, job.id(), version, sealed));
        } catch (ChatException e) {
            if (e.code() == ErrorCode.CONTENT_ERASED) {
                return null;
            }
            if (e.code() != ErrorCode.UNAVAILABLE) {
                LOG.log(System.Logger.Level.WARNING, "refused webhook job " + job.id() + ": its event does not open under the app's key (" + e.code().code() + ")");
                return null;
            }
            throw e;
        }
    }

    /** Delivers one webhook job; a non-2xx answer or a failure throws, so the queue tries again. */
    public static void deliver(EngineContext ctx, Apps apps, HttpSender sender, EndpointBreakers breakers, Job job, int attempt) throws Exception {
        Map<String, Object> p = Json.readMap(job.payload());
        AppId appId;
        try {
            appId = AppId.parse((String) p.get("app_id"));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "refused webhook job " + job.id() + ": it names no app");
            return;
        }
        byte[] body = openEvent(ctx, appId, job, p);
        if (body == null) {
            return;   // crypto-shredded: the content is gone for good, and so is this delivery
        }
        var creds = apps.credentials(appId);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("X-Webhook-Id", job.id());
        headers.put("X-Webhook-Attempt", Integer.toString(attempt));
        headers.put("X-Api-Key", creds.apiKey());
        headers.put("X-Signature", sign(creds.apiSecret(), body));
        URI url = URI.create((String) p.get("url"));
        if (!breakers.allow(appId, url)) {
            throw new IllegalStateException("webhook endpoint paused after " + EndpointBreakers.THRESHOLD + " failures in a row (circuit open)");
        }
        int status;
        try {
            status = sender.post(url, headers, body).status();
        } catch (Exception e) {
            breakers.failure(appId, url);
            throw e;
        }
        if (status >= 500 || status == 429) {
            breakers.failure(appId, url);
        } else {
            breakers.success(appId, url);   // the endpoint answers: a 4xx is this delivery's problem, not the endpoint's health
        }
        if (status < 200 || status >= 300) {
            throw new IllegalStateException("webhook endpoint answered " + status);
        }
    }

    /** Hex HMAC-SHA256 of {@code body} keyed with the app's API secret, as sent in {@code X-Signature}. */
    public static String sign(String secret, byte[] body) {
        return Outbound.sign(secret, body);
    }

    /** The retries of webhook deliveries: 6 attempts over about half a minute. */
    public static RetryPolicy policy() {
        return RetryPolicy.defaults();
    }

    /** Whether a job id is one {@link #enqueue} made for {@code url}: the event's id, a dash, the URL's short hash. */
    static boolean boundToEndpoint(String jobId, String url) {
        return jobId.endsWith("-" + shortHash(url));
    }

    private static String shortHash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
