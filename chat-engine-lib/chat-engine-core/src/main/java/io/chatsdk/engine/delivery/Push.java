package io.chatsdk.engine.delivery;

import io.chatsdk.engine.event.Event;
import io.chatsdk.engine.event.EventJson;
import io.chatsdk.engine.event.EventType;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.internal.Json;
import io.chatsdk.engine.internal.MessageContent;
import io.chatsdk.engine.spi.ChatEvent;
import io.chatsdk.engine.spi.Job;
import io.chatsdk.engine.spi.JobQueue;
import io.chatsdk.engine.spi.PresenceRegistry;
import io.chatsdk.engine.spi.PushGateway;
import io.chatsdk.engine.spi.PushMessage;
import io.chatsdk.engine.spi.PushResult;
import io.chatsdk.engine.spi.RetryPolicy;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;

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
 * muted the channel or the sender, and members who block the sender. Per app {@link PushSettings}: a preview (the sender's
 * name and the first 100 characters) or, in HIPAA mode, no content at all (only {@code cid} and {@code message_id}
 * for the deep link); a collapse window within which one notification per user and channel is sent, the next one
 * saying how many messages are unread ("3 new messages in #general"), with the channel as FCM collapse key. The job
 * carries ids only: the text is read (and opened) when the push is sent, and a message deleted by then is not pushed. Tokens the provider calls unregistered
 * or invalid are removed. Thread-safe.
 */
public final class Push {
    public static final String KIND = "push";
    private static final int PREVIEW = 100;
    private final EngineContext ctx;
    private final Function<AppId, PushGateway> gateways;
    private final PresenceRegistry presence;
    private final Clock clock;
    private final Map<String, Instant> lastSent = new ConcurrentHashMap<>();
    private volatile Instant nextPrune = Instant.MIN;

    public Push(EngineContext ctx, Function<AppId, PushGateway> gateways, PresenceRegistry presence, Clock clock) {
        this.ctx = ctx;
        this.gateways = gateways;
        this.presence = presence;
        this.clock = clock;
    }

    public static RetryPolicy policy() {
        return new RetryPolicy(5, Duration.ofSeconds(2), Duration.ofMinutes(1));
    }

    /** Queues the push of a new message (called by the outbox relay). */
    public void enqueue(JobQueue jobs, ChatEvent e) {
        if (!e.type().equals(EventType.MESSAGE_NEW.wireName())) {
            return;
        }
        Event event = EventJson.read(e.type(), e.cid(), e.payload());
        if (!Audience.pushed(event)) {
            return;
        }
        Event.MessageEvent m = (Event.MessageEvent) event;
        if (gateways.apply(e.appId()) == null) {
            return;
        }
        // the job names the message but holds none of its content: the broker journal stays free of it, and a message
        // deleted or erased before the push goes out is not announced
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("app_id", e.appId().toString());
        job.put("cid", e.cid());
        job.put("seq", e.seq());
        job.put("message_id", m.messageId());
        job.put("sender", m.authorId());
        jobs.submit(new Job(KIND, "push-" + e.id(), Json.write(job)));
    }

    /** Sends the notifications of one message; throws (so the job is retried) when the provider asks to retry later. */
    public void deliver(Job job) {
        Map<String, Object> p = Json.readMap(job.payload());
        AppId app = AppId.parse((String) p.get("app_id"));
        PushGateway gateway = gateways.apply(app);
        if (gateway == null) {
            return;
        }
        String cid = (String) p.get("cid");
        String sender = (String) p.get("sender");
        PushSettings settings = PushSettings.of(ctx.db().read(tx -> tx.one("select settings from app where id = ?",
                rs -> Json.readMap(rs.getString(1)), app.value())).orElse(Map.of()));
        boolean preview = settings.preview();
        Duration window = Duration.ofSeconds(settings.collapseSeconds());
        String messageId = String.valueOf(p.get("message_id"));
        record Shown(String senderName, String text) {
        }
        Shown shown;
        try {
            shown = ctx.db().read(tx -> tx.one("select m.content, m.key_version, m.text, m.attachments::text, m.custom::text, "
                            + "coalesce(u.name, m.user_id) from message m left join app_user u on u.app_id = m.app_id and u.id = m.user_id "
                            + "where m.app_id = ? and m.id = ? and m.deleted_at is null",
                    rs -> new Shown(rs.getString(6), preview ? previewText(MessageContent.ofRow(tx, app, messageId, rs.getBytes(1), (Integer) rs.getObject(2),
                            rs.getString(3), rs.getString(4), rs.getString(5))) : null), app.value(), messageId)).orElse(null);
        } catch (ChatException e) {
            if (e.code() != ErrorCode.CONTENT_ERASED) {
                throw e;   // a database outage: try again later
            }
            shown = null;   // the app's keys were destroyed meanwhile
        }
        if (shown == null) {
            return;   // deleted (or purged, or erased) before its push went out
        }
        Cid c = Cid.parse(cid);
        record Target(String userId, String device, long unread, String channelName) {
        }
        List<Target> targets = ctx.db().read(tx -> tx.query("select m.user_id, d.id, greatest(0, ch.last_seq - greatest(m.last_read_seq, ch.truncated_seq)) "
                        + "as unread, ch.name from channel ch join channel_member m on m.channel_pk = ch.pk join device d on d.app_id = ch.app_id "
                        + "and d.user_id = m.user_id where ch.app_id = ? and ch.type = ? and ch.id = ? and m.user_id <> ? "
                        + "and not (m.muted and (m.mute_expires_at is null or m.mute_expires_at > now())) "
                        + "and not exists (select 1 from user_block b where b.app_id = ch.app_id and b.user_id = m.user_id and b.blocked_id = ?) "
                        + "and not exists (select 1 from user_mute u where u.app_id = ch.app_id and u.user_id = m.user_id and u.target_id = ? "
                        + "and (u.expires_at is null or u.expires_at > now()))",
                rs -> new Target(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4)), app.value(), c.type(), c.id(), sender, sender, sender));
        Instant now = clock.instant();
        pruneSlots(now);
        boolean retry = false;
        Map<String, String> data = Map.of("cid", cid, "message_id", messageId, "type", "message.new");
        Map<String, Boolean> go = new java.util.HashMap<>();   // per user: connected, collapsed, or this job's to notify
        java.util.Set<String> reached = new java.util.HashSet<>();
        try {
            for (Target t : targets) {
                boolean mine = go.computeIfAbsent(t.userId(), u -> !presence.isOnline(app, u) && claim(slot(app, u, cid), now, window));
                if (!mine) {
                    continue;   // connected users get the WebSocket event; the window's notification went out already
                }
                String room = t.channelName() != null ? "#" + t.channelName() : c.id();
                String body = !preview ? null : t.unread() > 1 ? t.unread() + " new messages in " + room
                        : shown.senderName() + ": " + truncate(shown.text());
                PushMessage msg = new PushMessage(t.device(), preview ? room : null, body, data, cid, Duration.ofHours(24));
                PushResult r = gateway.send(msg);
                if (r instanceof PushResult.InvalidToken) {
                    ctx.db().inTransaction(tx -> tx.update("delete from device where app_id = ? and id = ?", app.value(), t.device()));
                } else if (r instanceof PushResult.Retry) {
                    retry = true;
                } else if (r instanceof PushResult.Delivered) {
                    reached.add(t.userId());
                }
            }
        } finally {
            // a user none of whose devices was reached gives the window back, so a retry (or the next message) notifies;
            // also when a send threw (a gateway closed under the job, the database gone)
            go.forEach((user, mine) -> {
                if (mine && !reached.contains(user)) {
                    lastSent.remove(slot(app, user, cid), now);
                }
            });
        }
        if (retry) {
            throw new IllegalStateException("the push provider asked to retry later");
        }
    }

    private static String slot(AppId app, String userId, String cid) {
        return app.value() + "|" + userId + "|" + cid;
    }

    /**
     * Takes the user's collapse window in the channel: true when no notification went out within {@code window}
     * before {@code now}. Atomic, so concurrent jobs of one channel (several workers) notify a user once per window.
     */
    private boolean claim(String slot, Instant now, Duration window) {
        if (window.isZero()) {
            // no collapsing: every message notifies (a job that started earlier than one that already claimed must not lose)
            return true;
        }
        boolean[] won = new boolean[1];
        lastSent.compute(slot, (k, last) -> {
            if (last != null && last.plus(window).isAfter(now)) {
                return last;
            }
            won[0] = true;
            return now;
        });
        return won[0];
    }

    /** Forgets windows older than the longest possible one, at most once a minute. */
    private void pruneSlots(Instant now) {
        Instant due = nextPrune;
        if (now.isAfter(due)) {
            nextPrune = now.plus(Duration.ofMinutes(1));
            lastSent.values().removeIf(at -> at.plus(Duration.ofSeconds(PushSettings.MAX_COLLAPSE_SECONDS)).isBefore(now));
        }
    }

    /**
     * The text, or for a message of attachments alone what they are: never a file's content or link; for an end-to-end
     * encrypted message only that it is one (the server cannot read it, and its ciphertext is no preview).
     */
    static String previewText(MessageContent m) {
        if (m.custom() != null && m.custom().containsKey(io.chatsdk.engine.internal.E2ee.FLAG)) {
            return "[encrypted message]";
        }
        if (!m.text().isBlank() || m.attachments().isEmpty()) {
            return m.text();
        }
        Object type = m.attachments().get(0).get("type");
        String label = "image".equals(type) ? "[image]" : "voiceRecording".equals(type) || "audio".equals(type) ? "[voice message]"
                : "video".equals(type) ? "[video]" : "[file]";
        return m.attachments().size() == 1 ? label : label + " +" + (m.attachments().size() - 1);
    }

    private static String truncate(String s) {
        // by code points, so that a preview never ends in half a surrogate pair
        return s.codePointCount(0, s.length()) <= PREVIEW ? s : s.substring(0, s.offsetByCodePoints(0, PREVIEW)) + "…";
    }
}
