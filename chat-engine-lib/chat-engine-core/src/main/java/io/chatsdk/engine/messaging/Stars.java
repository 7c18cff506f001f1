package io.chatsdk.engine.messaging;

import io.chatsdk.engine.internal.ChannelGate;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.internal.MessageLoader;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.Permission;
import io.chatsdk.engine.persistence.Rows;
import io.chatsdk.engine.types.Actor;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Validate;

import java.util.List;

/**
 * A user's starred (saved) messages, kept as the "starred" bit of the sparse per-user message flags: a row exists
 * only while some bit is set, and a partial index serves the list. Starring needs read access to the message's
 * channel. Thread-safe.
 */
public final class Stars {
    static final int STARRED = 2;

    private final EngineContext ctx;
    private final AppId app;
    private final Actor actor;
    private final Messages messages;

    public Stars(EngineContext ctx, AppId app, Actor actor, Messages messages) {
        this.ctx = ctx;
        this.app = app;
        this.actor = actor;
        this.messages = messages;
    }

    /** Stars a message for the acting user (or {@code serverSideUserId}); starring twice is harmless. */
    public void star(String messageId, String serverSideUserId) {
        String userId = user(serverSideUserId);
        Validate.messageId("id", messageId);
        ctx.db().inTransaction(tx -> {
            MessageLoader.Located loc = messages.locate(tx, messageId, Permission.READ_CHANNEL);
            return tx.update("insert into user_message_flag (app_id, user_id, message_id, channel_pk, seq, flags) values (?, ?, ?, ?, ?, ?) "
                            + "on conflict (app_id, user_id, message_id) do update set flags = user_message_flag.flags | excluded.flags",
                    app.value(), userId, messageId, loc.channelPk(), loc.message().seq(), STARRED);
        });
    }

    /** Removes the star; the flag row goes when no bit is left. */
    public void unstar(String messageId, String serverSideUserId) {
        String userId = user(serverSideUserId);
        Validate.messageId("id", messageId);
        ctx.db().inTransaction(tx -> {
            tx.update("update user_message_flag set flags = flags & ~? where app_id = ? and user_id = ? and message_id = ?",
                    STARRED, app.value(), userId, messageId);
            return tx.update("delete from user_message_flag where app_id = ? and user_id = ? and message_id = ? and flags = 0",
                    app.value(), userId, messageId);
        });
    }

    /** The user's starred messages that they can still read, newest star first by message seq; at most {@code limit}. */
    public List<Message> list(int limit, String serverSideUserId) {
        String userId = user(serverSideUserId);
        Validate.range("limit", limit, 1, 300);
        return ctx.db().read(tx -> MessageLoader.list(tx, app, "select " + Rows.MESSAGE_COLUMNS + MessageLoader.FROM
                        + "join user_message_flag f on f.app_id = msg.app_id and f.message_id = msg.id "
                        + "join channel_member m on m.channel_pk = msg.channel_pk and m.user_id = f.user_id "
                        + "where f.app_id = ? and f.user_id = ? and (f.flags & 2) <> 0 and msg.seq > mc.truncated_seq and " + MessageLoader.VISIBLE
                        + " order by msg.created_at desc, msg.id limit " + limit,
                userId, app.value(), userId, userId, userId));
    }

    private String user(String serverSideUserId) {
        String userId = ChannelGate.actingUser(actor, serverSideUserId);
        if (userId == null) {
            throw ChatException.invalid("user_id", "is required for server-side stars");
        }
        return Validate.userId("user_id", userId);
    }
}
