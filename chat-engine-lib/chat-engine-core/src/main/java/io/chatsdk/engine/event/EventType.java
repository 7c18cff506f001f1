package io.chatsdk.engine.event;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every built-in event, by its GetStream wire name. Clients' custom events have types of their own, which may not
 * start with any of {@link #RESERVED_PREFIXES}. The list is part of the API contract: the OpenAPI document describes
 * each type's payload, and the SDKs generate their event types from it.
 */
public enum EventType {
    MESSAGE_NEW("message.new"),
    MESSAGE_UPDATED("message.updated"),
    MESSAGE_DELETED("message.deleted"),
    MESSAGE_READ("message.read"),
    MESSAGE_FLAGGED("message.flagged"),
    REACTION_NEW("reaction.new"),
    REACTION_DELETED("reaction.deleted"),
    MEMBER_ADDED("member.added"),
    MEMBER_UPDATED("member.updated"),
    MEMBER_REMOVED("member.removed"),
    CHANNEL_CREATED("channel.created"),
    CHANNEL_UPDATED("channel.updated"),
    CHANNEL_TRUNCATED("channel.truncated"),
    CHANNEL_DELETED("channel.deleted"),
    CHANNEL_FROZEN("channel.frozen"),
    CHANNEL_UNFROZEN("channel.unfrozen"),
    CHANNEL_HIDDEN("channel.hidden"),
    CHANNEL_VISIBLE("channel.visible"),
    NOTIFICATION_MARK_UNREAD("notification.mark_unread"),
    /** {@code message.new} as a connection that does not watch the channel receives it. */
    NOTIFICATION_MESSAGE_NEW("notification.message_new"),
    /** {@code member.added}, told to the member added. */
    NOTIFICATION_ADDED_TO_CHANNEL("notification.added_to_channel"),
    /** {@code member.removed}, told to the member removed. */
    NOTIFICATION_REMOVED_FROM_CHANNEL("notification.removed_from_channel"),
    USER_BANNED("user.banned"),
    USER_UNBANNED("user.unbanned"),
    USER_DEACTIVATED("user.deactivated"),
    USER_REACTIVATED("user.reactivated"),
    /** The user's tokens issued before a time were revoked; told to that user, whose connections are re-checked. */
    USER_UPDATED("user.updated"),
    /** A user's end-to-end encryption device was added, got a new identity key, or was removed; told to the user and their peers. */
    USER_KEYS_CHANGED("user.keys_changed"),
    TYPING_START("typing.start"),
    TYPING_STOP("typing.stop"),
    USER_PRESENCE_CHANGED("user.presence.changed");

    /** Prefixes of the server's own event names; a custom event type may not start with one. */
    public static final java.util.List<String> RESERVED_PREFIXES = java.util.List.of("message.", "reaction.", "typing.", "member.", "channel.",
            "notification.", "user.", "health.", "connection.", "error");

    private static final Map<String, EventType> BY_NAME = Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(EventType::wireName, Function.identity()));

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    /** The name clients see in {@code type}, for example {@code message.new}. */
    public String wireName() {
        return wireName;
    }

    /** The built-in type of this wire name; empty for custom events. */
    public static Optional<EventType> of(String wireName) {
        return Optional.ofNullable(BY_NAME.get(wireName));
    }

    /** True when {@code type} may name a client's custom event: not a built-in name or prefix, 1-64 of a-z 0-9 _ . -. */
    public static boolean isCustom(String type) {
        return type != null && type.matches("[a-z0-9_.\\-]{1,64}") && RESERVED_PREFIXES.stream().noneMatch(type::startsWith);
    }
}
