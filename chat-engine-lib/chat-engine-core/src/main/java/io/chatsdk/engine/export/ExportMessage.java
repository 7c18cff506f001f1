package io.chatsdk.engine.export;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One chat message as a compliance export records it, with its edit history and who could read it.
 * The text is given by the caller already decrypted or redacted; writers copy it into the export and
 * never log it. Immutable apart from the attachment maps, which are not copied.
 *
 * @param messageId     the message id
 * @param cid           the channel, {@code type:id}
 * @param seq           the message's position in the channel
 * @param userId        the sender
 * @param userName      the sender's display name, or {@code null}
 * @param type          {@code regular}, {@code reply} or {@code system}
 * @param text          the current text; {@code null} is read as empty (a hard-deleted message has none)
 * @param attachments   the attachments as JSON-like maps; URLs are listed, never downloaded
 * @param custom        custom data as JSON-like values
 * @param parentId      the thread's parent message for a reply, else {@code null}
 * @param createdAt     when it was sent
 * @param editedAt      the last edit, or {@code null}
 * @param deletedAt     when it was deleted, or {@code null}
 * @param hardDeleted   whether the content was erased (not only hidden)
 * @param revisions     earlier versions of the text, oldest first
 * @param membersAtTime the channel's members when the message was sent
 */
public record ExportMessage(
        String messageId,
        String cid,
        long seq,
        String userId,
        String userName,
        String type,
        String text,
        List<Map<String, Object>> attachments,
        Map<String, Object> custom,
        String parentId,
        Instant createdAt,
        Instant editedAt,
        Instant deletedAt,
        boolean hardDeleted,
        List<ExportRevision> revisions,
        List<String> membersAtTime) {

    public ExportMessage {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(cid, "cid");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(createdAt, "createdAt");
        text = text == null ? "" : text;
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
        custom = custom == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(custom));
        revisions = revisions == null ? List.of() : List.copyOf(revisions);
        membersAtTime = membersAtTime == null ? List.of() : List.copyOf(membersAtTime);
    }

    /** Whether the text was ever changed after sending. */
    public boolean edited() {
        return editedAt != null || !revisions.isEmpty();
    }

    /** Whether the message was deleted, softly or for good. */
    public boolean deleted() {
        return deletedAt != null || hardDeleted;
    }

    /** Whether the message answers another in a thread. */
    public boolean threadReply() {
        return parentId != null;
    }
}
