package io.chatsdk.engine.internal;

import io.chatsdk.engine.event.Event;
import io.chatsdk.engine.persistence.Outbox;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.Cid;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The flag row both moderation (a user's flag) and the send path (a blocklist's flag) write. */
public final class FlagRows {
    /** The flagger recorded when a blocklist with behaviour {@code flag} matched. */
    public static final String BLOCKLIST_FLAGGER = "system:blocklist";

    private FlagRows() {
    }

    /**
     * Records a flag (once per flagger and target) and, for a message, a {@code message.flagged} event for the
     * channel's moderators and owners. Returns the flag's id.
     */
    public static UUID raise(Tx tx, EngineContext ctx, AppId app, String type, String messageId, String targetUser, String cid, String flaggedBy,
                      String reason, Instant now) {
        UUID id = ctx.ids().next();
        boolean inserted = tx.update("insert into flag (id, app_id, target_type, message_id, target_user_id, channel_cid, flagged_by, reason, created_at) "
                + "values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing", id, app.value(), type, messageId, targetUser, cid, flaggedBy, reason, now) == 1;
        if (!inserted) {
            return tx.one("select id from flag where app_id = ? and target_type = ? and coalesce(message_id, '') = coalesce(?, '') "
                    + "and target_user_id = ? and flagged_by = ?", rs -> rs.getObject(1, UUID.class), app.value(), type, messageId, targetUser, flaggedBy).orElseThrow();
        }
        if (messageId != null) {
            Cid c = Cid.parse(cid);
            List<String> moderators = tx.query("select m.user_id from channel_member m join channel ch on ch.pk = m.channel_pk where ch.app_id = ? "
                    + "and ch.type = ? and ch.id = ? and m.role in ('moderator', 'owner') order by m.user_id limit 1000", rs -> rs.getString(1),
                    app.value(), c.type(), c.id());
            Outbox.write(tx, app, null, now, new Event.FlagEvent(c, messageId, targetUser, id.toString(), reason, moderators));
        }
        return id;
    }
}
