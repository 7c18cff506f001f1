package io.chatsdk.engine.messaging;

import io.chatsdk.engine.blocklist.BlocklistBehavior;
import io.chatsdk.engine.blocklist.BlocklistMatch;
import io.chatsdk.engine.internal.ChannelGate;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.model.Permission;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;
import io.chatsdk.engine.types.SlowModeException;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The moderation checks of a send that need the channel row: blocklists and slow mode. */
final class SendChecks {
    private SendChecks() {
    }

    /** What the blocklists decided for a message that may be sent: shadow it, flag it (naming the list), or neither. */
    record Verdict(boolean shadow, boolean flag, String list) {
        static final Verdict NONE = new Verdict(false, false, null);
    }

    /** Refuses the message ({@code blocklisted}) when a {@code block} list matches; server sends are not checked. */
    static Verdict blocklists(Tx tx, EngineContext ctx, AppId app, ChannelGate.Loaded l, String text) {
        if (l.access().isServer() || text.isEmpty()) {
            return Verdict.NONE;
        }
        Optional<BlocklistMatch> match = ctx.blocklists().matcher(tx, app, l.channel().cid().type()).match(text);
        if (match.isEmpty()) {
            return Verdict.NONE;
        }
        BlocklistMatch m = match.get();
        if (m.behavior() == BlocklistBehavior.BLOCK) {
            throw new ChatException(ErrorCode.BLOCKLISTED, "text: the message contains a word or pattern of blocklist '" + m.listName()
                    + "' and was not sent", "text", null);
        }
        return new Verdict(m.behavior() == BlocklistBehavior.SHADOW, m.behavior() == BlocklistBehavior.FLAG, m.listName());
    }

    /**
     * Slow mode: one message per user per cooldown. The conditional upsert takes the row lock, so of concurrent sends
     * by one user exactly one passes; the others see its time and are refused with the remaining wait.
     */
    static void slowMode(Tx tx, ChannelGate.Loaded l, String author, Instant now) {
        int cooldown = l.cooldownSecs();
        if (cooldown <= 0 || author == null || l.allows(Permission.SKIP_SLOW_MODE)) {
            return;
        }
        Instant earliest = now.minusSeconds(cooldown);
        boolean passed = tx.one("insert into channel_cooldown as cc (channel_pk, user_id, last_sent_at) values (?, ?, ?) "
                        + "on conflict (channel_pk, user_id) do update set last_sent_at = excluded.last_sent_at where cc.last_sent_at <= ? "
                        + "returning 1", rs -> true, l.pk(), author, now, earliest).isPresent();
        if (!passed) {
            Instant last = tx.one("select last_sent_at from channel_cooldown where channel_pk = ? and user_id = ?",
                    rs -> Tx.instant(rs, "last_sent_at"), l.pk(), author).orElse(now);
            long wait = Math.max(1, (long) Math.ceil(Duration.between(now, last.plusSeconds(cooldown)).toMillis() / 1000.0));
            throw new SlowModeException(l.cid(), (int) Math.min(wait, cooldown));
        }
    }
}
