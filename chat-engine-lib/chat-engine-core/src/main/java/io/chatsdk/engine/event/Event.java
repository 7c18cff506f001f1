package io.chatsdk.engine.event;

import io.chatsdk.engine.types.Cid;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A change or signal that clients hear about, typed. Embedded resources (the message, channel, member, user) are in
 * their wire shape, as clients receive them; the fields that decide delivery are typed. {@link EventJson} is the one
 * serializer between these records and the JSON payloads on the bus, in the outbox and on the WebSocket.
 *
 * <p>Records are immutable and thread-safe.
 */
public sealed interface Event {

    /** The wire name, for example {@code message.new} (a custom event's own type). */
    String typeName();

    /** The channel the event is about, or null. */
    Cid cid();

    /** The channel seq the event concerns, or null. */
    default Long seq() {
        return null;
    }

    /**
     * {@code message.new}, {@code message.updated}, {@code message.deleted}: the message as it is now; {@code hardDelete}
     * for a deletion that erased the content.
     */
    record MessageEvent(EventType type, Cid cid, Map<String, Object> message, boolean hardDelete) implements Event {
        public MessageEvent {
            message = frozen(message);
        }

        public String typeName() {
            return type.wireName();
        }

        public Long seq() {
            return ((Number) message.get("seq")).longValue();
        }

        public String messageId() {
            return (String) message.get("id");
        }

        public String authorId() {
            return (String) message.get("user_id");
        }

        /** Seen by its author only. */
        public boolean shadowed() {
            return Boolean.TRUE.equals(message.get("shadowed"));
        }

        public boolean silent() {
            return Boolean.TRUE.equals(message.get("silent"));
        }

        public boolean system() {
            return "system".equals(message.get("type"));
        }
    }

    /** {@code reaction.new}, {@code reaction.deleted} by {@code userId} on {@code message}. */
    record ReactionEvent(EventType type, Cid cid, Map<String, Object> message, Map<String, Object> reaction, String userId) implements Event {
        public ReactionEvent {
            message = frozen(message);
            reaction = frozen(reaction);
        }

        public String typeName() {
            return type.wireName();
        }

        public Long seq() {
            return ((Number) message.get("seq")).longValue();
        }

        public String messageAuthorId() {
            return (String) message.get("user_id");
        }

        public boolean shadowed() {
            return Boolean.TRUE.equals(message.get("shadowed"));
        }
    }

    /** {@code member.added}, {@code member.updated} (with the member), {@code member.removed} (without). */
    record MemberEvent(EventType type, Cid cid, String userId, Map<String, Object> member) implements Event {
        public String typeName() {
            return type.wireName();
        }
    }

    /**
     * {@code channel.created}, {@code channel.updated}, {@code channel.truncated}, {@code channel.deleted}. A deleted
     * channel's members travel with the event, since the channel is gone when it is delivered. {@code extra} holds
     * further fields of the change (slow mode's {@code cooldown}).
     */
    record ChannelEvent(EventType type, Cid cid, Long seq, Map<String, Object> channel, List<String> memberIds, Map<String, Object> extra)
            implements Event {
        public ChannelEvent {
            memberIds = memberIds == null ? null : List.copyOf(memberIds);
            extra = extra == null ? Map.of() : frozen(extra);
        }

        public String typeName() {
            return type.wireName();
        }
    }

    /** {@code channel.hidden}, {@code channel.visible}: one member's own view of the channel. */
    record ChannelVisibilityEvent(EventType type, Cid cid, String userId) implements Event {
        public String typeName() {
            return type.wireName();
        }
    }

    /** {@code message.read}, {@code notification.mark_unread}: a member's read marker moved to {@code lastReadSeq}. */
    record ReadEvent(EventType type, Cid cid, String userId, long lastReadSeq) implements Event {
        public String typeName() {
            return type.wireName();
        }

        public Long seq() {
            return lastReadSeq;
        }
    }

    /**
     * {@code user.deactivated}, {@code user.reactivated}, {@code user.updated} (tokens revoked), {@code user.unbanned}
     * (app-wide, or in channel {@code cid}) and an engine-level {@code user.banned}: {@code user} in wire shape, told to
     * that user.
     */
    record UserEvent(EventType type, Cid cid, Map<String, Object> user) implements Event {
        public UserEvent {
            user = frozen(user);
        }

        public String typeName() {
            return type.wireName();
        }

        public String userId() {
            return (String) user.get("id");
        }
    }

    /**
     * {@code user.keys_changed}: {@code userId}'s E2EE device {@code deviceId} was {@code added}, {@code replaced} (a new
     * identity key) or {@code removed}; told to that user and to everyone who shares a channel with them.
     */
    record KeysChangedEvent(String userId, int deviceId, String change) implements Event {
        public String typeName() {
            return EventType.USER_KEYS_CHANGED.wireName();
        }

        public Cid cid() {
            return null;
        }
    }

    /**
     * A moderator's {@code user.banned}, app-wide ({@code cid} null) or in one channel, told to the banned user;
     * {@code createdBy} null for the server.
     */
    record BanEvent(Cid cid, String userId, String reason, String expiration, String createdBy) implements Event {
        public String typeName() {
            return EventType.USER_BANNED.wireName();
        }
    }

    /** {@code message.flagged}: told to the channel's moderators named in {@code moderatorIds}, never to the channel. */
    record FlagEvent(Cid cid, String messageId, String authorId, String flagId, String reason, List<String> moderatorIds) implements Event {
        public FlagEvent {
            moderatorIds = List.copyOf(moderatorIds);
        }

        public String typeName() {
            return EventType.MESSAGE_FLAGGED.wireName();
        }
    }

    /** {@code typing.start}, {@code typing.stop}; {@code parentId} names the thread, if any. Not stored. */
    record TypingEvent(EventType type, Cid cid, String userId, String parentId) implements Event {
        public String typeName() {
            return type.wireName();
        }
    }

    /** {@code user.presence.changed}, told to the user's peers that asked for presence. Not stored. */
    record PresenceEvent(String userId, boolean online) implements Event {
        public String typeName() {
            return EventType.USER_PRESENCE_CHANGED.wireName();
        }

        public Cid cid() {
            return null;
        }
    }

    /** A client's custom event in a channel: its own {@code type} and fields. Not stored. */
    record CustomEvent(String type, Cid cid, String userId, Map<String, Object> fields) implements Event {
        public CustomEvent {
            if (!EventType.isCustom(type)) {
                throw new IllegalArgumentException("not a custom event type: " + type);
            }
            fields = frozen(fields);
        }

        public String typeName() {
            return type;
        }
    }

    /** The user whose blockers must not receive the event: a message's author, a reaction's message author. */
    default Optional<String> author() {
        if (this instanceof MessageEvent m) {
            return Optional.ofNullable(m.authorId());
        }
        if (this instanceof ReactionEvent r) {
            return Optional.ofNullable(r.messageAuthorId());
        }
        return Optional.empty();
    }

    /** An unmodifiable copy that keeps the wire order of the keys. */
    private static Map<String, Object> frozen(Map<String, Object> m) {
        return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(m));
    }
}
