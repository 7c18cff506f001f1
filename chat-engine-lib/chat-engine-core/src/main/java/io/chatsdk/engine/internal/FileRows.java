package io.chatsdk.engine.internal;

import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.AppId;

import io.chatsdk.engine.wire.FileLinks;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * How messages and uploads meet: a message attaches the files its attachments link to (in its own channel), and
 * deleting, erasing or purging messages marks their files for the sweeper ({@code Files.sweep}), which removes them
 * unless a legal hold keeps them.
 */
public final class FileRows {
    private FileRows() {
    }

    /** Attaches the channel's unattached uploads that the message's attachments link to. */
    public static void attach(Tx tx, AppId app, UUID channelPk, String messageId, List<Map<String, Object>> attachments) {
        List<UUID> ids = FileLinks.linked(attachments);
        if (!ids.isEmpty()) {
            tx.update("update file_object set message_id = ? where app_id = ? and channel_pk = ? and id = any(?) and message_id is null",
                    messageId, app.value(), channelPk, ids.toArray(UUID[]::new));
        }
    }

    /** Marks the files of these messages deleted. */
    public static int forMessages(Tx tx, AppId app, Collection<String> messageIds) {
        if (messageIds.isEmpty()) {
            return 0;
        }
        return tx.update("update file_object set state = 'deleted' where app_id = ? and message_id = any(?) and state <> 'deleted'",
                app.value(), messageIds.toArray(String[]::new));
    }
}
