package io.chatsdk.engine.export;

import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;

import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
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
        PreparedMessage mime = new PreparedMessage(session, SafeNames.messageId(appId, message.messageId()));
        mime.setHeader("From", sender(message.userId(), message.userName()));
        if (message.membersAtTime().isEmpty()) {
            mime.setHeader("To", "undisclosed-recipients:;");
        } else {
            InternetAddress[] to = new InternetAddress[message.membersAtTime().size()];
            for (int i = 0; i < to.length; i++) {
                to[i] = mailbox(message.membersAtTime().get(i));
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
        mime.setBody(body(message));
        return mime;
    }

    MimeMessage membership(ExportConversation conversation, ExportMembership membership) throws MessagingException {
        String event = membership.joined() ? "member.joined" : "member.left";
        String id = event + ' ' + membership.cid() + ' ' + membership.userId() + ' ' + membership.at().toEpochMilli();
        PreparedMessage mime = new PreparedMessage(session, SafeNames.messageId(appId, id));
        InternetAddress member = mailbox(membership.userId());
        mime.setFrom(member);
        mime.setRecipients(RecipientType.TO, new InternetAddress[] {member});
        mime.setHeader("Date", RFC_5322_DATE.format(membership.at()));
        header(mime, "Subject", conversation.displayName());
        header(mime, "X-ChatSDK-Event", event);
        header(mime, "X-ChatSDK-App", appId);
        header(mime, "X-ChatSDK-Cid", membership.cid());
        header(mime, "X-ChatSDK-User-Id", membership.userId());
        String verb = membership.joined() ? "joined" : "left";
        mime.setBody(crlf("[" + membership.userId() + " " + verb + " " + membership.cid() + " at " + membership.at()
                + "]\n"));
        return mime;
    }

    /**
     * The plain-text body: status markers first (so a reviewer sees them before the text), the current
     * text, the earlier versions oldest first, then the attachments' links; CRLF line breaks.
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
        return crlf(body.toString());
    }

    /**
     * Text/plain's canonical line break is CRLF (RFC 2046); writing it everywhere keeps the body the same
     * whichever transfer encoding Jakarta Mail picks (quoted-printable would convert, 7bit would not).
     */
    static String crlf(String text) {
        return text.replace("\r\n", "\n").replace('\r', '\n').replace("\n", "\r\n");
    }

    private static String at(Instant time) {
        return time == null ? "" : " " + time;
    }

    /** The user's synthetic mailbox; set rather than parsed, as SafeNames makes it valid by construction. */
    private InternetAddress mailbox(String userId) {
        InternetAddress address = new InternetAddress();
        address.setAddress(SafeNames.mailbox(appId, userId));
        return address;
    }

    /**
     * The {@code From} value: the user's mailbox with the display name. An ASCII name is quoted by
     * InternetAddress; any other is written as encoded words here, because MimeUtility's encoder would
     * scan the class path for a stream provider on every call (jakartaee/mail-api#861).
     */
    private String sender(String userId, String name) throws UnsupportedEncodingException {
        String mailbox = SafeNames.mailbox(appId, userId);
        if (name == null || name.isBlank()) {
            return mailbox;
        }
        String personal = withoutControls(name);
        if (printableAscii(personal) && !personal.contains("=?")) {
            return new InternetAddress(mailbox, personal, "UTF-8").toString();
        }
        return encodedWords(personal) + "\r\n <" + mailbox + ">";
    }

    /**
     * Sets a header whose value is safe as is (printable ASCII) or else sent as RFC 2047 encoded words,
     * which also covers line breaks that would otherwise start a new header. (MimeUtility leaves ASCII
     * alone, control characters included, hence the own encoder.)
     */
    private static void header(MimeMessage mime, String name, String value) throws MessagingException {
        // "=?" would let a plain value pose as an encoded word, so such values are encoded too
        boolean plain = printableAscii(value) && !value.contains("=?");
        mime.setHeader(name, plain ? MimeUtility.fold(name.length() + 2, value) : encodedWords(value));
    }

    /**
     * {@code =?UTF-8?B?...?=} words of at most 45 bytes (60 Base64 characters, under the 75 RFC 2047
     * allows), split between code points and folded onto continuation lines.
     */
    static String encodedWords(String value) {
        StringBuilder words = new StringBuilder();
        int start = 0;
        while (start < value.length()) {
            int end = start;
            int bytes = 0;
            while (end < value.length()) {
                int c = value.codePointAt(end);
                int size = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
                if (bytes + size > 45) {
                    break;
                }
                bytes += size;
                end += Character.charCount(c);
            }
            if (words.length() > 0) {
                words.append("\r\n ");
            }
            byte[] chunk = value.substring(start, end).getBytes(StandardCharsets.UTF_8);
            words.append("=?UTF-8?B?").append(Base64.getEncoder().encodeToString(chunk)).append("?=");
            start = end;
        }
        return words.toString();
    }

    private static boolean printableAscii(String value) {
        return value.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
    }

    /** Display names are cosmetic: a control character there becomes a space. */
    private static String withoutControls(String name) {
        StringBuilder clean = new StringBuilder(name.length());
        name.codePoints().forEach(c -> clean.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
        return clean.toString();
    }

    /**
     * A message written as prepared here, through MimeMessage's documented subclass contract ({@code content}
     * holds the encoded body, {@code modified} false, {@code saved} true). Why: {@code saveChanges()} and the
     * modified-message path of {@code writeTo} look the Jakarta Mail stream provider up with a ServiceLoader
     * scan on every call (jakartaee/mail-api#861), which made 100,000 messages take over half a minute;
     * this path uses the session's cached provider. It also keeps the Message-ID derived from the chat
     * message, which {@code saveChanges()} would replace.
     */
    private static final class PreparedMessage extends MimeMessage {
        PreparedMessage(Session session, String messageId) throws MessagingException {
            super(session);
            setHeader("Message-ID", messageId);
        }

        /**
         * Sets a UTF-8 text/plain body: 7bit when it is plain ASCII in short CRLF lines, else Base64.
         * Call last: the message counts as saved from here on.
         */
        void setBody(String text) throws MessagingException {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            boolean sevenBit = sevenBit(text);
            setHeader("MIME-Version", "1.0");
            setHeader("Content-Type", "text/plain; charset=UTF-8");
            setHeader("Content-Transfer-Encoding", sevenBit ? "7bit" : "base64");
            content = sevenBit ? utf8 : (Base64.getMimeEncoder().encodeToString(utf8) + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            modified = false;
            saved = true;
        }

        /** RFC 2045 7bit: ASCII without controls other than tab and CRLF, lines of at most 998 octets. */
        private static boolean sevenBit(String text) {
            int lineLength = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                    lineLength = 0;
                    continue;
                }
                if ((c < 0x20 && c != '\t') || c >= 0x7f || ++lineLength > 998) {
                    return false;
                }
            }
            return true;
        }
    }
}
