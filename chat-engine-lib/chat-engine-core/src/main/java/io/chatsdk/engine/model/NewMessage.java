package io.chatsdk.engine.model;

import java.util.List;
import java.util.Map;

/**
 * A message to send.
 *
 * @param id              optional client-chosen id; resending the same id returns the stored message
 * @param userId          the author; required for server-side sends, and must equal the acting user otherwise
 * @param type            {@code regular} (default) or {@code system}
 * @param parentId        makes this a thread reply
 * @param showInChannel   a reply also shown in the channel
 * @param quotedMessageId a quoted reply
 * @param silent          does not count as unread and triggers no push
 */
public record NewMessage(
        String id,
        String userId,
        String text,
        String type,
        List<Attachment> attachments,
        List<String> mentionedUsers,
        String parentId,
        boolean showInChannel,
        String quotedMessageId,
        boolean silent,
        Map<String, Object> custom) {

    public static NewMessage text(String text) {
        return new NewMessage(null, null, text, null, List.of(), List.of(), null, false, null, false, null);
    }

    public NewMessage withId(String id) {
        return new NewMessage(id, userId, text, type, attachments, mentionedUsers, parentId, showInChannel, quotedMessageId, silent, custom);
    }

    public NewMessage from(String userId) {
        return new NewMessage(id, userId, text, type, attachments, mentionedUsers, parentId, showInChannel, quotedMessageId, silent, custom);
    }

    public NewMessage withType(String type) {
        return new NewMessage(id, userId, text, type, attachments, mentionedUsers, parentId, showInChannel, quotedMessageId, silent, custom);
    }

    public NewMessage withAttachments(List<Attachment> attachments) {
        return new NewMessage(id, userId, text, type, attachments, mentionedUsers, parentId, showInChannel, quotedMessageId, silent, custom);
    }

    public NewMessage mentioning(List<String> userIds) {
        return new NewMessage(id, userId, text, type, attachments, userIds, parentId, showInChannel, quotedMessageId, silent, custom);
    }

    public NewMessage replyTo(String parentId, boolean showInChannel) {
        return new NewMessage(id, userId, text, type, attachments, mentionedUsers, parentId, showInChannel, quotedMessageId, silent, custom);
    }

    public NewMessage quoting(String quotedMessageId) {
        return new NewMessage(id, userId, text, type, attachments, mentionedUsers, parentId, showInChannel, quotedMessageId, silent, custom);
    }

    public NewMessage asSilent() {
        return new NewMessage(id, userId, text, type, attachments, mentionedUsers, parentId, showInChannel, quotedMessageId, true, custom);
    }

    public NewMessage withCustom(Map<String, Object> custom) {
        return new NewMessage(id, userId, text, type, attachments, mentionedUsers, parentId, showInChannel, quotedMessageId, silent, custom);
    }
}
