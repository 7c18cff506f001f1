package io.chatsdk.engine.export;

import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;

import java.io.UnsupportedEncodingException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the RFC 5322 message that stands for one chat message or membership change in the EML export,
 * Global Relay style: the sender in {@code From}, the channel's members at the time in {@code To}, the
 * channel in {@code Subject}, thread replies linked by {@code In-Reply-To}, and ChatSDK's own facts in
 * {@code X-ChatSDK-*} headers. Every tenant-supplied value that reaches a header is either an encoded
 * address or MIME-encoded, so no id or name can inject a header. Thread-safe: holds only the session.
 */
final class EmlComposer {
    private static final DateTimeFormatter RFC_5322_DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss '+0000'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final Session session;
    private final String appId;

    EmlComposer(Session session, String appId) {
        this.session = session;
        this.appId = appId;
    }

    MimeMessage message(ExportConversation conversation, ExportMessage message)
            throws MessagingException, UnsupportedEncodingException {
        MimeMessage mime = new FixedIdMessage(session, SafeNames.messageId(appId, message.messageId()));
        mime.setFrom(address(message.userId(), message.userName()));
        if (message.membersAtTime().isEmpty()) {
            mime.setHeader("To", "undisclosed-recipients:;");
        } else {
            InternetAddress[] to = new InternetAddress[message.membersAtTime().size()];
            for (int i = 0; i < to.length; i++) {
                to[i] = address(message.membersAtTime().get(i), null);
            }
            mime.setRecipients(RecipientType.TO, to);
        }
        mime.setHeader("Date", RFC_5322_DATE.format(message.createdAt()));
        header(mime, "Subject", conversation.displayName());
        if (message.parentId() != null) {
            String parent = SafeNames.messageId(appId, message.parentId());
            mime.setHeader("In-Reply-To", parent);
            mime.setHeader("References", parent);
        }
        header(mime, "X-ChatSDK-Event", "message");
        header(mime, "X-ChatSDK-App", appId);
        header(mime, "X-ChatSDK-Cid", message.cid());
        header(mime, "X-ChatSDK-Seq", Long.toString(message.seq()));
        header(mime, "X-ChatSDK-Message-Id", message.messageId());
        header(mime, "X-ChatSDK-User-Id", message.userId());
        header(mime, "X-ChatSDK-Message-Type", message.type());
        if (message.parentId() != null) {
            header(mime, "X-ChatSDK-Parent-Id", message.parentId());
        }
        header(mime, "X-ChatSDK-Edited", Boolean.toString(message.edited()));
        if (message.editedAt() != null) {
            header(mime, "X-ChatSDK-Edited-At", message.editedAt().toString());
        }
        header(mime, "X-ChatSDK-Deleted", Boolean.toString(message.deleted()));
        header(mime, "X-ChatSDK-Hard-Deleted", Boolean.toString(message.hardDeleted()));
        if (message.deletedAt() != null) {
            header(mime, "X-ChatSDK-Deleted-At", message.deletedAt().toString());
        }
        mime.setText(body(message), "UTF-8");
        return mime;
    }

    MimeMessage membership(ExportConversation conversation, ExportMembership membership)
            throws MessagingException, UnsupportedEncodingException {
        String event = membership.joined() ? "member.joined" : "member.left";
        String id = event + ' ' + membership.cid() + ' ' + membership.userId() + ' ' + membership.at().toEpochMilli();
        MimeMessage mime = new FixedIdMessage(session, SafeNames.messageId(appId, id));
        InternetAddress member = address(membership.userId(), null);
        mime.setFrom(member);
        mime.setRecipients(RecipientType.TO, new InternetAddress[] {member});
        mime.setHeader("Date", RFC_5322_DATE.format(membership.at()));
        header(mime, "Subject", conversation.displayName());
        header(mime, "X-ChatSDK-Event", event);
        header(mime, "X-ChatSDK-App", appId);
        header(mime, "X-ChatSDK-Cid", membership.cid());
        header(mime, "X-ChatSDK-User-Id", membership.userId());
        String verb = membership.joined() ? "joined" : "left";
        mime.setText("[" + membership.userId() + " " + verb + " " + membership.cid() + " at " + membership.at()
                + "]\n", "UTF-8");
        return mime;
    }

    /**
     * The plain-text body: status markers first (so a reviewer sees them before the text), the current
     * text, the earlier versions oldest first, then the attachments' links.
     */
    static String body(ExportMessage message) {
        StringBuilder body = new StringBuilder(message.text().length() + 64);
        if (message.edited()) {
            body.append("[Edited").append(message.editedAt() == null ? "" : " " + message.editedAt()).append("]\n");
        }
        if (message.hardDeleted()) {
            body.append("[Deleted permanently").append(at(message.deletedAt())).append(": the content was erased]\n");
        } else if (message.deletedAt() != null) {
            body.append("[Deleted").append(at(message.deletedAt())).append(": hidden from the channel]\n");
        }
        if (body.length() > 0) {
            body.append('\n');
        }
        body.append(message.text()).append('\n');
        List<ExportRevision> revisions = message.revisions();
        if (!revisions.isEmpty()) {
            body.append("\nEarlier versions, oldest first:\n");
            for (int i = 0; i < revisions.size(); i++) {
                ExportRevision revision = revisions.get(i);
                body.append("--- version ").append(i + 1).append(", replaced ").append(revision.replacedAt())
                        .append(" ---\n").append(revision.text()).append('\n');
            }
        }
        if (!message.attachments().isEmpty()) {
            body.append("\nAttachments (links only, files not included):\n");
            for (Map<String, Object> attachment : message.attachments()) {
                body.append("- ").append(AttachmentLinks.label(attachment)).append('\n');
                for (String url : AttachmentLinks.urls(attachment)) {
                    body.append("  ").append(url).append('\n');
                }
            }
        }
        return body.toString();
    }

    private static String at(Instant time) {
        return time == null ? "" : " " + time;
    }

    private InternetAddress address(String userId, String name) throws UnsupportedEncodingException {
        String personal = name == null || name.isBlank() ? null : withoutControls(name);
        // the 3-argument constructor encodes a non-ASCII name (RFC 2047) and quotes the rest
        return new InternetAddress(SafeNames.mailbox(appId, userId), personal, "UTF-8");
    }

    /**
     * Sets a header whose value is safe as is (printable ASCII) or else sent as an RFC 2047 encoded word,
     * which also covers line breaks that would otherwise start a new header.
     */
    private static void header(MimeMessage mime, String name, String value)
            throws MessagingException, UnsupportedEncodingException {
        // "=?" would let a plain value pose as an encoded word, so such values are encoded too
        boolean plain = value.chars().allMatch(c -> c >= 0x20 && c < 0x7f) && !value.contains("=?");
        String encoded = plain ? value : MimeUtility.encodeWord(value, "UTF-8", "B");
        mime.setHeader(name, MimeUtility.fold(name.length() + 2, encoded));
    }

    /** Display names are cosmetic: a control character there becomes a space. */
    private static String withoutControls(String name) {
        StringBuilder clean = new StringBuilder(name.length());
        name.codePoints().forEach(c -> clean.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
        return clean.toString();
    }

    /** Keeps the Message-ID derived from the chat message; MimeMessage would otherwise invent one. */
    private static final class FixedIdMessage extends MimeMessage {
        private final String messageId;

        FixedIdMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
