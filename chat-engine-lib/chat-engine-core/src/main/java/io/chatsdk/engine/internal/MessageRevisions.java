package io.chatsdk.engine.internal;

import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;

import java.time.Instant;

/** Earlier versions of edited messages, sealed like the message itself, kept for compliance exports. */
public final class MessageRevisions {
    private MessageRevisions() {
    }

    /** Locks a message row for an edit and returns its current content. */
    public static MessageContent lockContent(Tx tx, AppId app, String messageId) {
        return tx.one("select content, key_version, text, attachments::text, custom::text from message where app_id = ? and id = ? for update",
                        rs -> MessageContent.ofRow(tx, app, messageId, rs.getBytes(1), (Integer) rs.getObject(2), rs.getString(3),
                                rs.getString(4), rs.getString(5)), app.value(), messageId)
                .orElseThrow(() -> ChatException.notFound(ErrorCode.MESSAGE_NOT_FOUND, "message '" + messageId + "'"));
    }

    /** Stores {@code previous} as the message's next revision, replaced at {@code at}. */
    public static void keep(Tx tx, AppId app, String messageId, MessageContent previous, Instant at) {
        int revision = tx.one("select coalesce(max(revision), 0) + 1 from message_revision where app_id = ? and message_id = ?",
                rs -> rs.getInt(1), app.value(), messageId).orElse(1);
        ContentKeys.Sealed sealed = previous.sealAs(tx, app, MessageContent.REVISION_PURPOSE, messageId + "#" + revision);
        tx.update("insert into message_revision (app_id, message_id, revision, content, key_version, replaced_at) values (?, ?, ?, ?, ?, ?)",
                app.value(), messageId, revision, sealed.bytes(), sealed.version(), at);
    }

    /** Opens one stored revision. */
    public static MessageContent open(Tx tx, AppId app, String messageId, int revision, int version, byte[] sealed) {
        return MessageContent.open(tx, app, MessageContent.REVISION_PURPOSE, messageId + "#" + revision, version, sealed);
    }
}
