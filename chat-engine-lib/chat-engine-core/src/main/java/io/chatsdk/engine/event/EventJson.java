package io.chatsdk.engine.event;

import io.chatsdk.engine.event.Event.BanEvent;
import io.chatsdk.engine.event.Event.ChannelEvent;
import io.chatsdk.engine.event.Event.ChannelVisibilityEvent;
import io.chatsdk.engine.event.Event.CustomEvent;
import io.chatsdk.engine.event.Event.FlagEvent;
import io.chatsdk.engine.event.Event.MemberEvent;
import io.chatsdk.engine.event.Event.MessageEvent;
import io.chatsdk.engine.event.Event.PresenceEvent;
import io.chatsdk.engine.event.Event.ReactionEvent;
import io.chatsdk.engine.event.Event.ReadEvent;
import io.chatsdk.engine.event.Event.TypingEvent;
import io.chatsdk.engine.event.Event.UserEvent;
import io.chatsdk.engine.types.Cid;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one mapping between {@link Event} records and their JSON payloads, in GetStream's shape:
 * {@code {"type", "cid", "channel_type", "channel_id", "seq"?, "created_at", ...the event's own fields}}. Stateless.
 */
public final class EventJson {
    /** Envelope keys that {@link #payload} writes for every event. */
    public static final Set<String> ENVELOPE = Set.of("type", "cid", "channel_type", "channel_id", "seq", "created_at");

    private EventJson() {
    }

    /** The full payload of {@code e}, created at {@code at}. */
    public static Map<String, Object> payload(Event e, Instant at) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", e.typeName());
        Cid cid = e.cid();
        if (cid != null) {
            p.put("cid", cid.toString());
            p.put("channel_type", cid.type());
            p.put("channel_id", cid.id());
        }
        if (e.seq() != null) {
            p.put("seq", e.seq());
        }
        p.put("created_at", at.toString());
        p.putAll(body(e));
        return p;
    }

    /** The event's own fields, without the envelope. */
    public static Map<String, Object> body(Event e) {
        Map<String, Object> b = new LinkedHashMap<>();
        if (e instanceof MessageEvent m) {
            b.put("message", m.message());
            if (m.type() == EventType.MESSAGE_NEW) {
                b.put("user_id", m.authorId());
            } else if (m.type() == EventType.MESSAGE_DELETED) {
                b.put("hard_delete", m.hardDelete());
            }
        } else if (e instanceof ReactionEvent r) {
            b.put("reaction", r.reaction());
            b.put("message", r.message());
            b.put("user_id", r.userId());
        } else if (e instanceof MemberEvent m) {
            if (m.member() != null) {
                b.put("member", m.member());
            }
            b.put("user_id", m.userId());
        } else if (e instanceof ChannelEvent c) {
            b.putAll(c.extra());
            b.put("channel", c.channel());
            if (c.memberIds() != null) {
                b.put("member_ids", c.memberIds());
            }
        } else if (e instanceof ChannelVisibilityEvent v) {
            b.put("user_id", v.userId());
        } else if (e instanceof ReadEvent r) {
            b.put("user_id", r.userId());
            b.put("last_read_seq", r.lastReadSeq());
        } else if (e instanceof UserEvent u) {
            b.put("user", u.user());
        } else if (e instanceof BanEvent ban) {
            b.put("user", Map.of("id", ban.userId()));
            b.put("reason", ban.reason() == null ? "" : ban.reason());
            b.put("expiration", ban.expiration());
            b.put("created_by", Map.of("id", ban.createdBy() == null ? "server" : ban.createdBy()));
        } else if (e instanceof FlagEvent f) {
            b.put("message", Map.of("id", f.messageId(), "user_id", f.authorId()));
            b.put("flag", Map.of("id", f.flagId(), "reason", f.reason() == null ? "" : f.reason()));
            b.put("recipient_ids", f.moderatorIds());
        } else if (e instanceof TypingEvent t) {
            b.put("user_id", t.userId());
            b.put("user", Map.of("id", t.userId()));
            if (t.parentId() != null) {
                b.put("parent_id", t.parentId());
            }
        } else if (e instanceof Event.KeysChangedEvent k) {
            b.put("user_id", k.userId());
            b.put("user", Map.of("id", k.userId()));
            b.put("device_id", k.deviceId());
            b.put("change", k.change());
        } else if (e instanceof PresenceEvent p) {
            b.put("user_id", p.userId());
            b.put("user", Map.of("id", p.userId(), "online", p.online()));
        } else if (e instanceof CustomEvent c) {
            b.putAll(c.fields());
            b.put("user_id", c.userId());
            b.put("user", Map.of("id", c.userId()));
        }
        return b;
    }

    /**
     * Reads a payload back into its event. {@code type}, {@code cid} and {@code seq} come from the envelope as the
     * outbox stored it.
     *
     * @throws IllegalArgumentException when the payload does not have the shape of its type
     */
    @SuppressWarnings("unchecked")
    public static Event read(String type, String cid, Map<String, Object> p) {
        Cid c = cid == null ? null : Cid.parse(cid);
        EventType t = EventType.of(type).orElse(null);
        if (t == null) {
            Map<String, Object> fields = new LinkedHashMap<>(p);
            fields.keySet().removeAll(ENVELOPE);
            fields.keySet().removeAll(List.of("user_id", "user"));
            return new CustomEvent(type, c, (String) p.get("user_id"), fields);
        }
        try {
            return switch (t) {
                case MESSAGE_NEW, MESSAGE_UPDATED, MESSAGE_DELETED, NOTIFICATION_MESSAGE_NEW -> new MessageEvent(t, c, map(p, "message"), Boolean.TRUE.equals(p.get("hard_delete")));
                case REACTION_NEW, REACTION_DELETED -> new ReactionEvent(t, c, map(p, "message"), map(p, "reaction"), (String) p.get("user_id"));
                case MEMBER_ADDED, MEMBER_UPDATED, MEMBER_REMOVED, NOTIFICATION_ADDED_TO_CHANNEL, NOTIFICATION_REMOVED_FROM_CHANNEL -> new MemberEvent(t, c, (String) p.get("user_id"),
                        p.get("member") == null ? null : map(p, "member"));
                case CHANNEL_CREATED, CHANNEL_UPDATED, CHANNEL_TRUNCATED, CHANNEL_DELETED, CHANNEL_FROZEN, CHANNEL_UNFROZEN -> {
                    Map<String, Object> extra = new LinkedHashMap<>(p);
                    extra.keySet().removeAll(ENVELOPE);
                    extra.keySet().removeAll(List.of("channel", "member_ids"));
                    yield new ChannelEvent(t, c, p.get("seq") == null ? null : ((Number) p.get("seq")).longValue(), map(p, "channel"),
                            (List<String>) p.get("member_ids"), extra);
                }
                case CHANNEL_HIDDEN, CHANNEL_VISIBLE -> new ChannelVisibilityEvent(t, c, (String) p.get("user_id"));
                case MESSAGE_READ, NOTIFICATION_MARK_UNREAD -> new ReadEvent(t, c, (String) p.get("user_id"), ((Number) p.get("last_read_seq")).longValue());
                case USER_BANNED -> p.containsKey("created_by")
                        ? new BanEvent(c, (String) map(p, "user").get("id"), (String) p.get("reason"), (String) p.get("expiration"),
                        "server".equals(map(p, "created_by").get("id")) ? null : (String) map(p, "created_by").get("id"))
                        : new UserEvent(t, c, map(p, "user"));
                case USER_UNBANNED, USER_DEACTIVATED, USER_REACTIVATED, USER_UPDATED -> new UserEvent(t, c, map(p, "user"));
                case MESSAGE_FLAGGED -> new FlagEvent(c, (String) map(p, "message").get("id"), (String) map(p, "message").get("user_id"),
                        (String) map(p, "flag").get("id"), (String) map(p, "flag").get("reason"), (List<String>) p.get("recipient_ids"));
                case TYPING_START, TYPING_STOP -> new TypingEvent(t, c, (String) p.get("user_id"), (String) p.get("parent_id"));
                case USER_KEYS_CHANGED -> new Event.KeysChangedEvent((String) p.get("user_id"), ((Number) p.get("device_id")).intValue(), (String) p.get("change"));
                case USER_PRESENCE_CHANGED -> new PresenceEvent((String) p.get("user_id"), Boolean.TRUE.equals(map(p, "user").get("online")));
            };
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("a " + type + " payload without the fields of its type", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> p, String key) {
        Object v = p.get(key);
        if (!(v instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("'" + key + "' is not an object");
        }
        return (Map<String, Object>) v;
    }
}
