package io.chatsdk.engine.messaging;

import io.chatsdk.engine.event.Event;
import io.chatsdk.engine.event.EventType;
import io.chatsdk.engine.internal.ChannelGate;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.model.Permission;
import io.chatsdk.engine.model.UnreadCounts;
import io.chatsdk.engine.persistence.Outbox;
import io.chatsdk.engine.types.Actor;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;
import io.chatsdk.engine.types.Validate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Read markers and unread counts. A member's unread count is {@code channel.last_seq - max(last_read_seq,
 * truncated_seq)}: O(1) per channel, with no row per message per user. Unread mentions count the sparse
 * mention-flag rows above the read marker, through a partial index. Thread-safe.
 */
public final class ReadState {
    private final EngineContext ctx;
    private final AppId app;
    private final Actor actor;

    public ReadState(EngineContext ctx, AppId app, Actor actor) {
        this.ctx = ctx;
        this.app = app;
        this.actor = actor;
    }

    /**
     * Marks the channel read up to {@code messageId}, or to its newest message when null. Read markers only move
     * forward here; use {@link #markUnread} to move one back.
     */
    public long markRead(Cid cid, String messageId, String serverSideUserId) {
        String userId = requireUser(serverSideUserId);
        Instant now = ctx.now();
        return ctx.db().inTransaction(tx -> {
            ChannelGate.Loaded l = ChannelGate.load(tx, app, actor, cid, userId, now);
            requireMember(l, userId);
            long seq = messageId == null ? l.channel().lastSeq() : seqOf(tx, l, "message_id", messageId);
            long newSeq = tx.one("update channel_member set last_read_seq = greatest(last_read_seq, ?), last_read_at = ?, updated_at = ? "
                    + "where channel_pk = ? and user_id = ? returning last_read_seq", rs -> rs.getLong(1), seq, now, now, l.pk(), userId).orElseThrow();
            if (l.channel().config().readEvents()) {
                Outbox.write(tx, app, l.pk(), now, new Event.ReadEvent(EventType.MESSAGE_READ, cid, userId, newSeq));
            }
            return newSeq;
        });
    }

    /** Marks {@code messageId} and everything after it unread. */
    public long markUnread(Cid cid, String messageId, String serverSideUserId) {
        String userId = requireUser(serverSideUserId);
        Validate.messageId("message_id", messageId);
        Instant now = ctx.now();
        return ctx.db().inTransaction(tx -> {
            ChannelGate.Loaded l = ChannelGate.load(tx, app, actor, cid, userId, now);
            requireMember(l, userId);
            long seq = seqOf(tx, l, "message_id", messageId) - 1;
            tx.update("update channel_member set last_read_seq = ?, updated_at = ? where channel_pk = ? and user_id = ?", seq, now, l.pk(), userId);
            Outbox.write(tx, app, l.pk(), now, new Event.ReadEvent(EventType.NOTIFICATION_MARK_UNREAD, cid, userId, seq));
            return seq;
        });
    }

    /** Unread totals and per-channel counts for the acting user (or {@code serverSideUserId} for server calls). */
    public UnreadCounts unreadCounts(String serverSideUserId) {
        String userId = requireUser(serverSideUserId);
        java.util.Set<String> muted = new java.util.HashSet<>();
        return ctx.db().read(tx -> {
            boolean blocks = tx.one("select 1 from user_block where app_id = ? and user_id = ? limit 1", rs -> true, app.value(), userId).isPresent();
            // messages this user cannot see (shadowed, or by someone they block) are not unread for them; shadowed ones
            // are rare and partially indexed, blocked authors are only looked for when the user blocks anyone
            String hidden = "(select count(*) from message h where h.channel_pk = m.channel_pk and h.seq > greatest(m.last_read_seq, c.truncated_seq) "
                    + "and h.user_id <> m.user_id and (h.shadowed" + (blocks ? " or exists (select 1 from user_block b where b.app_id = m.app_id "
                    + "and b.user_id = m.user_id and b.blocked_id = h.user_id)" : "") + "))";
            List<UnreadCounts.ChannelUnread> channels = tx.query(
                    "select c.type || ':' || c.id as cid, c.last_seq, m.last_read_seq, m.muted and (m.mute_expires_at is null or m.mute_expires_at > now()) as muted, "
                            + "greatest(0, c.last_seq - greatest(m.last_read_seq, c.truncated_seq) - " + hidden + ") as unread, "
                            + "(select count(*) from user_message_flag f where f.app_id = m.app_id and f.user_id = m.user_id "
                            + "and f.channel_pk = m.channel_pk and (f.flags & 1) <> 0 and f.seq > greatest(m.last_read_seq, c.truncated_seq)) as mentions "
                            + "from channel_member m join channel c on c.pk = m.channel_pk where m.app_id = ? and m.user_id = ? "
                            + "and c.last_seq > greatest(m.last_read_seq, c.truncated_seq) order by c.last_message_at desc nulls last",
                    rs -> {
                        if (rs.getBoolean("muted")) {
                            muted.add(rs.getString("cid"));
                        }
                        return new UnreadCounts.ChannelUnread(rs.getString("cid"), rs.getLong("unread"), rs.getLong("mentions"),
                                rs.getLong("last_read_seq"), rs.getLong("last_seq"));
                    }, app.value(), userId);
            long total = 0;
            long mentions = 0;
            List<UnreadCounts.ChannelUnread> unread = new ArrayList<>();
            for (UnreadCounts.ChannelUnread c : channels) {
                if (c.unreadCount() == 0) {
                    continue;   // everything above the marker is hidden from this user
                }
                if (!muted.contains(c.cid())) {
                    total += c.unreadCount();   // muted channels are listed but not counted in the total
                    mentions += c.unreadMentions();
                }
                unread.add(c);
            }
            return new UnreadCounts(total, mentions, unread.size(), unread);
        });
    }

    private long seqOf(io.chatsdk.engine.persistence.Tx tx, ChannelGate.Loaded l, String field, String messageId) {
        Validate.messageId(field, messageId);
        return tx.one("select seq from message where app_id = ? and id = ? and channel_pk = ?", rs -> rs.getLong(1), app.value(), messageId, l.pk())
                .orElseThrow(() -> new ChatException(ErrorCode.MESSAGE_NOT_FOUND, field + ": message '" + messageId + "' is not in channel " + l.cid(), field, null));
    }

    private void requireMember(ChannelGate.Loaded l, String userId) {
        l.require(Permission.READ_CHANNEL);
        if (!l.access().isMember()) {
            throw ChatException.forbidden("user '" + userId + "' is not a member of channel " + l.cid());
        }
    }

    private String requireUser(String serverSideUserId) {
        String userId = ChannelGate.actingUser(actor, serverSideUserId);
        if (userId == null) {
            throw ChatException.invalid("user_id", "is required for server-side read state");
        }
        return Validate.userId("user_id", userId);
    }
}
