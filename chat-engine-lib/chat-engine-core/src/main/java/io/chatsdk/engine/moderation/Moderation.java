package io.chatsdk.engine.moderation;

import io.chatsdk.engine.audit.AuditEntry;
import io.chatsdk.engine.event.Event;
import io.chatsdk.engine.event.EventType;
import io.chatsdk.engine.internal.ChannelGate;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.model.Permission;
import io.chatsdk.engine.persistence.Outbox;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.Actor;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;
import io.chatsdk.engine.types.Validate;
import io.chatsdk.engine.users.Users;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Moderation by one actor: bans (app-wide or in a channel, plain or shadow, with a timeout), mutes of users and
 * channels, blocks, and slow mode. App-wide actions need the server or a user whose role is {@code admin} or
 * {@code moderator}; channel bans need {@code ban-channel-member} on the channel; mutes and blocks are a user's own.
 * Flags and their review are in {@link Flags}. Thread-safe.
 */
public final class Moderation {
    static final Duration MAX_TIMEOUT = Duration.ofDays(3650);
    private final EngineContext ctx;
    private final AppId app;
    private final Actor actor;

    /** A ban as listed by {@link #bans}: app-wide when {@code cid} is null. */
    public record Ban(String userId, String cid, boolean shadow, String reason, String bannedBy, Instant expiresAt, Instant createdAt) {
    }

    /** A mute of a user ({@code cid} null) or of a channel, by the acting user. */
    public record Mute(String targetUserId, String cid, Instant expiresAt, Instant createdAt) {
    }

    public Moderation(EngineContext ctx, AppId app, Actor actor) {
        this.ctx = ctx;
        this.app = app;
        this.actor = actor;
    }

    /**
     * Bans {@code userId} app-wide ({@code cid} null) or in one channel, for {@code timeout} (null: until lifted).
     * A banned user cannot send, react or join, and their connections get {@code user.banned}. A shadow ban lets
     * them send, but their new messages are seen by nobody else; the user is not told.
     */
    public Ban ban(String userId, Cid cid, Duration timeout, String reason, boolean shadow) {
        return ban(userId, cid, timeout, reason, shadow, null);
    }

    /**
     * As {@link #ban(String, Cid, Duration, String, boolean)}, recorded as placed by {@code bannedById} (GetStream's
     * {@code banned_by_id}): on the server side any existing user of the app; a user acting for themselves may only
     * name themselves. Null records the acting user (nobody, on the server side).
     */
    public Ban ban(String userId, Cid cid, Duration timeout, String reason, boolean shadow, String bannedById) {
        Validate.userId("user_id", userId);
        if (bannedById != null) {
            Validate.userId("banned_by_id", bannedById);
            if (actor instanceof Actor.User u && !u.userId().equals(bannedById)) {
                throw new ChatException(ErrorCode.FORBIDDEN, "banned_by_id: a user can only ban as themselves", "banned_by_id", null);
            }
        }
        Validate.text("reason", reason, 500);
        if (timeout != null && (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0)) {
            throw ChatException.invalid("timeout", "must be between 1 minute and 10 years");
        }
        Instant now = ctx.now();
        Instant expires = timeout == null ? null : now.plus(timeout);
        String acting = ChannelGate.actingUser(actor, null);
        String by = bannedById != null ? bannedById : acting;
        Ban ban = ctx.db().inTransaction(tx -> {
            Users.requireExist(tx, app, "user_id", List.of(userId));
            if (bannedById != null) {
                Users.requireExist(tx, app, "banned_by_id", List.of(bannedById));
            }
            if (cid == null) {
                Moderators.require(tx, app, actor, "ban-user");
                tx.update("update app_user set " + (shadow ? "shadow_banned = true, shadow_ban_expires_at = ?" : "banned = true, ban_expires_at = ?")
                        + (shadow ? "" : ", ban_reason = ?") + ", banned_by = ?, updated_at = ? where app_id = ? and id = ?",
                        shadow ? new Object[] {expires, by, now, app.value(), userId} : new Object[] {expires, reason, by, now, app.value(), userId});
            } else {
                ChannelGate.Loaded l = ChannelGate.load(tx, app, actor, cid, acting, now);
                l.require(Permission.BAN_CHANNEL_MEMBER);
                tx.update("insert into channel_ban (channel_pk, app_id, user_id, shadow, reason, banned_by, expires_at, created_at) "
                        + "values (?, ?, ?, ?, ?, ?, ?, ?) on conflict (channel_pk, user_id) do update set shadow = excluded.shadow, "
                        + "reason = excluded.reason, banned_by = excluded.banned_by, expires_at = excluded.expires_at, created_at = excluded.created_at",
                        l.pk(), app.value(), userId, shadow, reason, by, expires, now);
            }
            if (!shadow) {
                Outbox.write(tx, app, null, now, new Event.BanEvent(cid, userId, reason, expires == null ? null : expires.toString(), by));
            }
            return new Ban(userId, cid == null ? null : cid.toString(), shadow, reason, by, expires, now);
        });
        audit(shadow ? "moderation.shadow_ban" : "moderation.ban", userId, cid);
        return ban;
    }

    /** Lifts a ban (plain and shadow) app-wide or in one channel. */
    public void unban(String userId, Cid cid) {
        Validate.userId("user_id", userId);
        Instant now = ctx.now();
        String by = ChannelGate.actingUser(actor, null);
        ctx.db().inTransaction(tx -> {
            Users.requireExist(tx, app, "user_id", List.of(userId));
            if (cid == null) {
                Moderators.require(tx, app, actor, "ban-user");
                tx.update("update app_user set banned = false, ban_expires_at = null, ban_reason = null, banned_by = null, shadow_banned = false, "
                        + "shadow_ban_expires_at = null, updated_at = ? where app_id = ? and id = ?", now, app.value(), userId);
            } else {
                ChannelGate.Loaded l = ChannelGate.load(tx, app, actor, cid, by, now);
                l.require(Permission.BAN_CHANNEL_MEMBER);
                tx.update("delete from channel_ban where channel_pk = ? and user_id = ?", l.pk(), userId);
            }
            Outbox.write(tx, app, null, now, new Event.UserEvent(EventType.USER_UNBANNED, cid, Map.of("id", userId)));
            return null;
        });
        audit("moderation.unban", userId, cid);
    }

    /** Active bans, app-wide ({@code cid} null, shadow bans included) or of one channel, newest first. */
    public List<Ban> bans(Cid cid, int limit, int offset) {
        Validate.range("limit", limit, 1, 100);
        Validate.range("offset", offset, 0, 10_000);
        Instant now = ctx.now();
        return ctx.db().read(tx -> {
            if (cid == null) {
                Moderators.require(tx, app, actor, "ban-user");
                return tx.query("select id, banned and (ban_expires_at is null or ban_expires_at > ?) as b, shadow_banned and "
                                + "(shadow_ban_expires_at is null or shadow_ban_expires_at > ?) as s, ban_reason, ban_expires_at, shadow_ban_expires_at, "
                                + "banned_by, updated_at from app_user where app_id = ? and ((banned and (ban_expires_at is null or ban_expires_at > ?)) "
                                + "or (shadow_banned and (shadow_ban_expires_at is null or shadow_ban_expires_at > ?))) order by updated_at desc, id "
                                + "limit " + limit + " offset " + offset,
                        rs -> new Ban(rs.getString("id"), null, !rs.getBoolean("b"), rs.getString("ban_reason"), rs.getString("banned_by"),
                                Tx.instant(rs, rs.getBoolean("b") ? "ban_expires_at" : "shadow_ban_expires_at"), Tx.instant(rs, "updated_at")),
                        now, now, app.value(), now, now);
            }
            ChannelGate.Loaded l = ChannelGate.load(tx, app, actor, cid, ChannelGate.actingUser(actor, null), now);
            l.require(Permission.BAN_CHANNEL_MEMBER);
            return tx.query("select user_id, shadow, reason, banned_by, expires_at, created_at from channel_ban where channel_pk = ? "
                            + "and (expires_at is null or expires_at > ?) order by created_at desc, user_id limit " + limit + " offset " + offset,
                    rs -> new Ban(rs.getString(1), cid.toString(), rs.getBoolean(2), rs.getString(3), rs.getString(4), Tx.instant(rs, "expires_at"),
                            Tx.instant(rs, "created_at")), l.pk(), now);
        });
    }

    /** The acting user mutes another user, for {@code timeout} (null: until unmuted). */
    public Mute muteUser(String targetUserId, Duration timeout) {
        String me = requireUser();
        Validate.userId("target_id", targetUserId);
        if (me.equals(targetUserId)) {
            throw ChatException.invalid("target_id", "a user cannot mute themselves");
        }
        Instant now = ctx.now();
        Instant expires = expiry(timeout, now);
        ctx.db().inTransaction(tx -> {
            Users.requireExist(tx, app, "target_id", List.of(targetUserId));
            return tx.update("insert into user_mute (app_id, user_id, target_id, expires_at, created_at) values (?, ?, ?, ?, ?) "
                    + "on conflict (app_id, user_id, target_id) do update set expires_at = excluded.expires_at", app.value(), me, targetUserId, expires, now);
        });
        return new Mute(targetUserId, null, expires, now);
    }

    public void unmuteUser(String targetUserId) {
        String me = requireUser();
        Validate.userId("target_id", targetUserId);
        ctx.db().inTransaction(tx -> tx.update("delete from user_mute where app_id = ? and user_id = ? and target_id = ?", app.value(), me, targetUserId));
    }

    /**
     * The acting member mutes a channel: it sends no push and does not count in their total unread count; events
     * still arrive.
     */
    public Mute muteChannel(Cid cid, Duration timeout) {
        String me = requireUser();
        Instant now = ctx.now();
        Instant expires = expiry(timeout, now);
        setChannelMute(cid, me, true, expires);
        return new Mute(null, cid.toString(), expires, now);
    }

    public void unmuteChannel(Cid cid) {
        setChannelMute(cid, requireUser(), false, null);
    }

    private void setChannelMute(Cid cid, String me, boolean muted, Instant expires) {
        ctx.db().inTransaction(tx -> {
            ChannelGate.Loaded l = ChannelGate.load(tx, app, actor, cid, me, ctx.now());
            if (!l.access().isMember()) {
                throw ChatException.forbidden("user '" + me + "' is not a member of channel " + cid);
            }
            return tx.update("update channel_member set muted = ?, mute_expires_at = ?, updated_at = ? where channel_pk = ? and user_id = ?",
                    muted, expires, ctx.now(), l.pk(), me);
        });
    }

    /** The acting user's active mutes of users and channels. */
    public List<Mute> mutes() {
        String me = requireUser();
        Instant now = ctx.now();
        return ctx.db().read(tx -> {
            List<Mute> out = new ArrayList<>(tx.query("select target_id, expires_at, created_at from user_mute where app_id = ? and user_id = ? "
                            + "and (expires_at is null or expires_at > ?) order by created_at",
                    rs -> new Mute(rs.getString(1), null, Tx.instant(rs, "expires_at"), Tx.instant(rs, "created_at")), app.value(), me, now));
            out.addAll(tx.query("select c.type || ':' || c.id as cid, m.mute_expires_at, m.updated_at from channel_member m join channel c "
                            + "on c.pk = m.channel_pk where m.app_id = ? and m.user_id = ? and m.muted and (m.mute_expires_at is null or m.mute_expires_at > ?)",
                    rs -> new Mute(null, rs.getString(1), Tx.instant(rs, "mute_expires_at"), Tx.instant(rs, "updated_at")), app.value(), me, now));
            return out;
        });
    }

    /** The acting user blocks another: no distinct channel between them, and the blocked user's messages are hidden from them. */
    public void block(String targetUserId) {
        String me = requireUser();
        Validate.userId("blocked_user_id", targetUserId);
        if (me.equals(targetUserId)) {
            throw ChatException.invalid("blocked_user_id", "a user cannot block themselves");
        }
        ctx.db().inTransaction(tx -> {
            Users.requireExist(tx, app, "blocked_user_id", List.of(targetUserId));
            return tx.update("insert into user_block (app_id, user_id, blocked_id, created_at) values (?, ?, ?, ?) on conflict do nothing",
                    app.value(), me, targetUserId, ctx.now());
        });
    }

    public void unblock(String targetUserId) {
        String me = requireUser();
        Validate.userId("blocked_user_id", targetUserId);
        ctx.db().inTransaction(tx -> tx.update("delete from user_block where app_id = ? and user_id = ? and blocked_id = ?", app.value(), me, targetUserId));
    }

    /** The users the acting user blocks. */
    public List<String> blockedUsers() {
        String me = requireUser();
        return ctx.db().read(tx -> tx.query("select blocked_id from user_block where app_id = ? and user_id = ? order by created_at",
                rs -> rs.getString(1), app.value(), me));
    }

    /**
     * Of {@code candidates}, the users who block any of {@code authorIds}: deliveries of the authors' messages and
     * reactions skip them. One query, however many authors.
     */
    public java.util.Set<String> blockersOf(java.util.Collection<String> authorIds, java.util.Collection<String> candidates) {
        if (authorIds.isEmpty() || candidates.isEmpty()) {
            return java.util.Set.of();
        }
        return new java.util.HashSet<>(ctx.db().read(tx -> tx.query("select user_id from user_block where app_id = ? and blocked_id = any(?) "
                + "and user_id = any(?)", rs -> rs.getString(1), app.value(), new ArrayList<>(authorIds), new ArrayList<>(candidates))));
    }

    /**
     * Slow mode: members may send one message per {@code seconds} (1 to 120; 0 turns it off); moderators are exempt
     * ({@code skip-slow-mode}). Needs {@code update-channel}.
     */
    public void setSlowMode(Cid cid, int seconds) {
        Validate.range("cooldown", seconds, 0, 120);
        Instant now = ctx.now();
        ctx.db().inTransaction(tx -> {
            ChannelGate.Loaded l = ChannelGate.load(tx, app, actor, cid, ChannelGate.actingUser(actor, null), now);
            l.require(Permission.UPDATE_CHANNEL);
            tx.update("update channel set cooldown_secs = ?, updated_at = ? where pk = ?", seconds, now, l.pk());
            Outbox.write(tx, app, l.pk(), now, new Event.ChannelEvent(EventType.CHANNEL_UPDATED, cid, null, Map.of("cid", cid.toString(), "cooldown", seconds),
                    null, Map.of("cooldown", seconds)));
            return null;
        });
        String by = ChannelGate.actingUser(actor, null);
        ctx.audit().record(new AuditEntry(app, by == null ? "server" : "user", by, null, "moderation.slow_mode", "channel", cid.toString(),
                null, null, true, null, Map.of("cooldown", Integer.toString(seconds))));
    }

    private Instant expiry(Duration timeout, Instant now) {
        if (timeout == null) {
            return null;
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw ChatException.invalid("timeout", "must be positive and at most 10 years");
        }
        return now.plus(timeout);
    }

    private String requireUser() {
        if (actor instanceof Actor.User u) {
            return u.userId();
        }
        throw ChatException.invalid("user_id", "mutes and blocks are made by a user: act as the user (AppHandle.as)");
    }

    private void audit(String action, String userId, Cid cid) {
        String by = ChannelGate.actingUser(actor, null);
        Map<String, String> details = cid == null ? Map.of("scope", "app") : Map.of("scope", "channel", "cid", cid.toString());
        ctx.audit().record(new AuditEntry(app, by == null ? "server" : "user", by, null, action, "user", userId, null, null, true, null, details));
    }
}
