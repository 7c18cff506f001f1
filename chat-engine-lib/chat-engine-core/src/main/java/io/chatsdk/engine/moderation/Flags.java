package io.chatsdk.engine.moderation;

import io.chatsdk.engine.audit.AuditEntry;
import io.chatsdk.engine.internal.ChannelGate;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.internal.FlagRows;
import io.chatsdk.engine.messaging.Messages;
import io.chatsdk.engine.model.Permission;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.Actor;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;
import io.chatsdk.engine.types.Validate;
import io.chatsdk.engine.users.Users;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Flags on messages and users, and their review. Users flag what they can see ({@code flag-message} on the message's
 * channel; any user but a guest may flag a user); app moderators ({@code admin} or {@code moderator} role, or the
 * server) list open flags and review them: dismiss, delete the message, ban the user, or shadow the message. A review
 * settles every open flag on the same target and is audited. Thread-safe.
 */
public final class Flags {
    /** The flagger recorded when a blocklist with behaviour {@code flag} matched. */
    public static final String BLOCKLIST_FLAGGER = FlagRows.BLOCKLIST_FLAGGER;
    private final EngineContext ctx;
    private final AppId app;
    private final Actor actor;

    /** What a review does. */
    public enum Review {
        DISMISS("dismiss"), DELETE_MESSAGE("delete_message"), BAN_USER("ban_user"), SHADOW_MESSAGE("shadow_message");

        private final String wire;

        Review(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        public static Review fromWire(String field, String value) {
            for (Review r : values()) {
                if (r.wire.equals(value)) {
                    return r;
                }
            }
            throw ChatException.invalid(field, "must be dismiss, delete_message, ban_user or shadow_message");
        }
    }

    /** A flag. {@code messageId} and {@code cid} are null for a flag on a user. */
    public record Flag(UUID id, String targetType, String messageId, String targetUserId, String cid, String flaggedBy, String reason,
                       Instant createdAt, Instant reviewedAt, String reviewedBy, String reviewAction) {
    }

    public Flags(EngineContext ctx, AppId app, Actor actor) {
        this.ctx = ctx;
        this.app = app;
        this.actor = actor;
    }

    /** Flags a message the acting user can see. Flagging the same message twice returns the first flag. */
    public Flag flagMessage(String messageId, String reason, String serverSideUserId) {
        Validate.messageId("message_id", messageId);
        Validate.text("reason", reason, 500);
        String flagger = flagger(serverSideUserId);
        Instant now = ctx.now();
        UUID id = ctx.db().inTransaction(tx -> {
            Messages.Target t = new Messages(ctx, app, actor).target(tx, messageId, ChannelGate.actingUser(actor, serverSideUserId), Permission.FLAG_MESSAGE);
            if (t.loc().message().userId().equals(flagger)) {
                throw ChatException.invalid("message_id", "users cannot flag their own messages");
            }
            return FlagRows.raise(tx, ctx, app, "message", messageId, t.loc().message().userId(), t.loc().message().cid().toString(), flagger, reason, now);
        });
        return get(id);
    }

    /** Flags a user. Guests may not flag. */
    public Flag flagUser(String userId, String reason, String serverSideUserId) {
        Validate.userId("user_id", userId);
        Validate.text("reason", reason, 500);
        String flagger = flagger(serverSideUserId);
        if (flagger.equals(userId)) {
            throw ChatException.invalid("user_id", "users cannot flag themselves");
        }
        Instant now = ctx.now();
        UUID id = ctx.db().inTransaction(tx -> {
            Users.requireExist(tx, app, "user_id", List.of(userId));
            String role = tx.one("select role from app_user where app_id = ? and id = ?", rs -> rs.getString(1), app.value(), flagger).orElse("guest");
            if (role.equals("guest")) {
                throw ChatException.forbidden("user '" + flagger + "' lacks permission 'flag-user' (app role: guest)");
            }
            return FlagRows.raise(tx, ctx, app, "user", null, userId, null, flagger, reason, now);
        });
        return get(id);
    }

    /** Flags, newest first: open ones ({@code reviewed} false) or reviewed ones. Needs app moderator rights. */
    public List<Flag> query(boolean reviewed, String targetType, int limit, int offset) {
        Validate.range("limit", limit, 1, 100);
        Validate.range("offset", offset, 0, 10_000);
        if (targetType != null && !targetType.equals("message") && !targetType.equals("user")) {
            throw ChatException.invalid("target_type", "must be message or user");
        }
        return ctx.db().read(tx -> {
            Moderators.require(tx, app, actor, "review-flags");
            List<Object> params = new ArrayList<>(List.of(app.value()));
            String sql = "select * from flag where app_id = ? and reviewed_at is " + (reviewed ? "not null" : "null");
            if (targetType != null) {
                sql += " and target_type = ?";
                params.add(targetType);
            }
            return tx.query(sql + " order by created_at desc, id limit " + limit + " offset " + offset, Flags::row, params.toArray());
        });
    }

    /** Reviews a flag: applies {@code action} to its target and settles all open flags on that target. Audited. */
    public Flag review(UUID flagId, Review action, String note) {
        return review(flagId, action, note, null);
    }

    /**
     * As {@link #review(UUID, Review, String)}; a server-side review is recorded as {@code reviewedBy}'s (an admin console
     * moderator), else as the server's.
     */
    public Flag review(UUID flagId, Review action, String note, String reviewedBy) {
        Validate.text("note", note, 500);
        String reviewer = actor instanceof io.chatsdk.engine.types.Actor.Server && reviewedBy != null ? reviewedBy : ChannelGate.actingUser(actor, null);
        Flag flag = ctx.db().read(tx -> {
            Moderators.require(tx, app, actor, "review-flags");
            return tx.one("select * from flag where app_id = ? and id = ?", Flags::row, app.value(), flagId);
        }).orElseThrow(() -> ChatException.notFound(ErrorCode.NOT_FOUND, "flag " + flagId));
        if (action == Review.DELETE_MESSAGE || action == Review.SHADOW_MESSAGE) {
            requireMessage(flag, action);
        }
        Instant now = ctx.now();
        // claim the flag first: of two reviewers acting at once, one acts and the other gets a conflict
        boolean claimed = ctx.db().inTransaction(tx -> tx.update("update flag set reviewed_at = ?, reviewed_by = ?, review_action = ?, review_note = ? "
                + "where app_id = ? and id = ? and reviewed_at is null", now, reviewer == null ? "server" : reviewer, action.wire(), note,
                app.value(), flagId)) == 1;
        if (!claimed) {
            Flag current = get(flagId);
            throw new ChatException(ErrorCode.CONFLICT, "flag " + flagId + " was already reviewed (" + current.reviewAction() + ")", "id", null);
        }
        try {
            switch (action) {
                case DISMISS -> { }
                case DELETE_MESSAGE -> new Messages(ctx, app, Actor.SERVER).delete(flag.messageId(), false);
                case BAN_USER -> new Moderation(ctx, app, Actor.SERVER).ban(flag.targetUserId(), null, null, note, false);
                case SHADOW_MESSAGE -> shadow(flag.messageId());
            }
        } catch (RuntimeException e) {
            // the action did not happen: the flag is open again for another review
            ctx.db().inTransaction(tx -> tx.update("update flag set reviewed_at = null, reviewed_by = null, review_action = null, review_note = null "
                    + "where app_id = ? and id = ?", app.value(), flagId));
            throw e;
        }
        ctx.db().inTransaction(tx -> tx.update("update flag set reviewed_at = ?, reviewed_by = ?, review_action = ?, review_note = ? where app_id = ? "
                        + "and target_type = ? and coalesce(message_id, '') = coalesce(?, '') and target_user_id = ? and reviewed_at is null",
                now, reviewer == null ? "server" : reviewer, action.wire(), note, app.value(), flag.targetType(), flag.messageId(), flag.targetUserId()));
        Map<String, String> details = new LinkedHashMap<>();
        details.put("review", action.wire());
        details.put("target_type", flag.targetType());
        details.put("target_user_id", flag.targetUserId());
        if (flag.messageId() != null) {
            details.put("message_id", flag.messageId());
        }
        ctx.audit().record(new AuditEntry(app, reviewer == null ? "server" : "user", reviewer, null, "flag.review", "flag", flagId.toString(),
                null, null, true, null, details));
        return get(flagId);
    }

    private static String requireMessage(Flag flag, Review action) {
        if (flag.messageId() == null) {
            throw ChatException.invalid("action", action.wire() + " needs a flag on a message; this flag is on a user");
        }
        return flag.messageId();
    }

    /** Hides a message from everyone but its author; its unread count and mention flags stop counting for others. */
    private void shadow(String messageId) {
        ctx.db().inTransaction(tx -> {
            tx.update("update message set shadowed = true, updated_at = ? where app_id = ? and id = ?", ctx.now(), app.value(), messageId);
            tx.update("delete from user_message_flag where app_id = ? and message_id = ? and (flags & 1) <> 0", app.value(), messageId);
            return null;
        });
    }

    private Flag get(UUID id) {
        return ctx.db().read(tx -> tx.one("select * from flag where app_id = ? and id = ?", Flags::row, app.value(), id)).orElseThrow();
    }

    private String flagger(String serverSideUserId) {
        String u = ChannelGate.actingUser(actor, serverSideUserId);
        if (u == null) {
            throw ChatException.invalid("user_id", "is required when the server flags for a user");
        }
        return Validate.userId("user_id", u);
    }

    private static Flag row(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Flag(rs.getObject("id", UUID.class), rs.getString("target_type"), rs.getString("message_id"), rs.getString("target_user_id"),
                rs.getString("channel_cid"), rs.getString("flagged_by"), rs.getString("reason"), Tx.instant(rs, "created_at"),
                Tx.instant(rs, "reviewed_at"), rs.getString("reviewed_by"), rs.getString("review_action"));
    }
}
