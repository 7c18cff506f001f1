package io.chatsdk.engine.model;

import io.chatsdk.engine.types.ChatException;

import java.util.Locale;

/**
 * Actions the central permission model grants per role and channel type. Their wire names
 * ({@link #wireName()}) follow GetStream's permission ids.
 */
public enum Permission {
    CREATE_CHANNEL,
    READ_CHANNEL,
    UPDATE_CHANNEL,
    DELETE_CHANNEL,
    TRUNCATE_CHANNEL,
    FREEZE_CHANNEL,
    ADD_MEMBERS,
    REMOVE_MEMBERS,
    UPDATE_MEMBER_ROLES,
    JOIN_CHANNEL,
    LEAVE_CHANNEL,
    SEND_MESSAGE,
    SEND_REPLY,
    SEND_SYSTEM_MESSAGE,
    UPDATE_OWN_MESSAGE,
    UPDATE_ANY_MESSAGE,
    DELETE_OWN_MESSAGE,
    DELETE_ANY_MESSAGE,
    PIN_MESSAGE,
    SEND_REACTION,
    DELETE_OWN_REACTION,
    UPLOAD_ATTACHMENT,
    READ_MESSAGES_AS_NON_MEMBER,
    /** Flag a message of the channel for moderators to review. */
    FLAG_MESSAGE,
    /** Ban (or shadow-ban) a user in the channel, and lift such bans. */
    BAN_CHANNEL_MEMBER,
    /** Send without waiting for the channel's slow-mode cooldown. */
    SKIP_SLOW_MODE;

    /** For example {@code "send-message"}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Permission fromWireName(String field, String name) {
        if (name != null) {
            for (Permission p : values()) {
                if (p.wireName().equals(name)) {
                    return p;
                }
            }
        }
        throw ChatException.invalid(field, "unknown permission '" + name + "'");
    }
}
