package io.chatsdk.engine;

import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.internal.Json;
import io.chatsdk.engine.spi.ChatEvent;
import io.chatsdk.engine.spi.Job;
import io.chatsdk.engine.spi.JobQueue;
import io.chatsdk.engine.spi.PresenceRegistry;
import io.chatsdk.engine.spi.PushGateway;
import io.chatsdk.engine.spi.PushMessage;
import io.chatsdk.engine.spi.PushResult;
import io.chatsdk.engine.spi.RetryPolicy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Mobile push on {@code message.new}: a durable {@value #KIND} job per message (not for silent, system or shadowed
 * messages) notifies the channel's members who have a device and no open connection, except the sender, members who
 * muted the channel and members who block the sender. Per app settings ({@code push}): {@code preview} is
 * {@code "full"} (default: the sender and the first 100 characters) or {@code "none"} (HIPAA: no message content in the
 * notification, only {@code cid} and {@code message_id} for the deep link); {@code collapse_seconds} (default 10):
 * within that window one notification per user and channel is sent, and the next one says how many messages are
 * unread ("3 new messages in #general"), with the channel as FCM collapse key. Tokens the provider calls unregistered
 * or invalid are removed. Thread-safe.
 */
final class Push {
    static final String KIND = "push";
    private static final int PREVIEW = 100;
    private final EngineContext ctx;
    private final Function<AppId, PushGateway> gateways;
    private final PresenceRegistry presence;
    private final Clock clock;
    private final Map<String, Instant> lastSent = new ConcurrentHashMap<>();

    Push(EngineContext ctx, Function<AppId, PushGateway> gateways, PresenceRegistry presence, Clock clock) {
        this.ctx = ctx;
        this.gateways = gateways;
        this.presence = presence;
        this.clock = clock;
    }

    static RetryPolicy policy() {
        return new RetryPolicy(5, Duration.ofSeconds(2), Duration.ofMinutes(1));
    }

    /** Queues the push of a new message (called by the outbox relay). */
    void enqueue(JobQueue jobs, ChatEvent e) {
        if (!e.type().equals("message.new") || !(e.payload().get("message") instanceof Map<?, ?> m)) {
            return;
        }
        if (Boolean.TRUE.equals(m.get("silent")) || Boolean.TRUE.equals(m.get("shadowed")) || "system".equals(m.get("type"))) {
            return;
        }
        if (gateways.apply(e.appId()) == null) {
            return;
        }
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("app_id", e.appId().toString());
        job.put("cid", e.cid());
        job.put("seq", e.seq());
        job.put("message_id", m.get("id"));
        job.put("sender", m.get("user_id"));
        job.put("text", m.get("text"));
        jobs.submit(new Job(KIND, "push-" + e.id(), Json.write(job)));
    }

    /** Sends the notifications of one message; throws (so the job is retried) when the provider asks to retry later. */
    @SuppressWarnings("unchecked")
    void deliver(Job job) {
        Map<String, Object> p = Json.readMap(job.payload());
        AppId app = AppId.parse((String) p.get("app_id"));
        PushGateway gateway = gateways.apply(app);
        if (gateway == null) {
            return;
        }
        String cid = (String) p.get("cid");
        String sender = (String) p.get("sender");
        Map<String, Object> settings = ctx.db().read(tx -> tx.one("select settings from app where id = ?", rs -> Json.readMap(rs.getString(1)), app.value()))
                .orElse(Map.of());
        Map<String, Object> push = settings.get("push") instanceof Map<?, ?> s ? (Map<String, Object>) s : Map.of();
        boolean preview = !"none".equals(push.get("preview"));
        Duration window = Duration.ofSeconds(push.get("collapse_seconds") instanceof Number n ? n.longValue() : 10);
        Cid c = Cid.parse(cid);
        record Target(String userId, String device, long unread, String channelName) {
        }
        List<Target> targets = ctx.db().read(tx -> tx.query("select m.user_id, d.id, greatest(0, ch.last_seq - greatest(m.last_read_seq, ch.truncated_seq)) "
                        + "as unread, ch.name from channel ch join channel_member m on m.channel_pk = ch.pk join device d on d.app_id = ch.app_id "
                        + "and d.user_id = m.user_id where ch.app_id = ? and ch.type = ? and ch.id = ? and m.user_id <> ? "
                        + "and not (m.muted and (m.mute_expires_at is null or m.mute_expires_at > now())) "
                        + "and not exists (select 1 from user_block b where b.app_id = ch.app_id and b.user_id = m.user_id and b.blocked_id = ?)",
                rs -> new Target(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4)), app.value(), c.type(), c.id(), sender, sender));
        Instant now = clock.instant();
        boolean retry = false;
        java.util.Set<String> notified = new java.util.HashSet<>();
        java.util.Set<String> skipped = new java.util.HashSet<>();
        for (Target t : targets) {
            String key = app.value() + "|" + t.userId() + "|" + cid;
            if (!notified.contains(t.userId())) {
                if (skipped.contains(t.userId())) {
                    continue;
                }
                Instant last = lastSent.get(key);
                // connected users get the WebSocket event; within the collapse window one notification per user and channel
                if (presence.isOnline(app, t.userId()) || (last != null && last.plus(window).isAfter(now))) {
                    skipped.add(t.userId());
                    continue;
                }
            }
            String room = t.channelName() != null ? "#" + t.channelName() : c.id();
            String body = !preview ? null : t.unread() > 1 ? t.unread() + " new messages in " + room
                    : sender + ": " + truncate(String.valueOf(p.get("text")));
            Map<String, String> data = Map.of("cid", cid, "message_id", String.valueOf(p.get("message_id")), "type", "message.new");
            PushMessage msg = new PushMessage(t.device(), preview ? room : null, body, data, cid, Duration.ofHours(24));
            PushResult r = gateway.send(msg);
            if (r instanceof PushResult.InvalidToken) {
                ctx.db().inTransaction(tx -> tx.update("delete from device where app_id = ? and id = ?", app.value(), t.device()));
            } else if (r instanceof PushResult.Retry) {
                retry = true;
            } else if (r instanceof PushResult.Delivered) {
                notified.add(t.userId());
                lastSent.put(key, now);
            }
        }
        if (retry) {
            throw new IllegalStateException("the push provider asked to retry later");
        }
    }

    private static String truncate(String s) {
        return s.length() <= PREVIEW ? s : s.substring(0, PREVIEW) + "…";
    }
}
