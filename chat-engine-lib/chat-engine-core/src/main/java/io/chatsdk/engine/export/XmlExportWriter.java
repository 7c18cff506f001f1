package io.chatsdk.engine.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Actiance (Smarsh) style XML export, streamed through StAX with the element names and the time
 * format (Unix epoch milliseconds, UTC) of Mattermost's Actiance export:
 * {@code FileDump > Conversation[@Perspective] > RoomID, StartTimeUTC, ParticipantEntered / Message /
 * FileTransferStarted / FileTransferEnded / ParticipantLeft in time order, EndTimeUTC}. The layout is in
 * {@code docs/compliance.md}.
 *
 * <p>Actiance wants every participant still present at the end of a conversation to leave: the writer
 * remembers who is present (one set of user ids per conversation, never messages) and writes their
 * {@code ParticipantLeft} at {@code EndTimeUTC}.
 *
 * <p>XML 1.0 cannot carry most control characters nor lone surrogates: they become U+FFFD. A carriage
 * return is written as {@code &#13;} so parsers do not turn it into a line feed. Not thread-safe.
 */
final class XmlExportWriter implements ExportWriter {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final char REPLACEMENT = '\uFFFD';

    private final XMLStreamWriter xml;
    private final ExportHeader header;
    private final CallOrder order = new CallOrder();
    private final Set<String> present = new LinkedHashSet<>();

    XmlExportWriter(OutputStream out, ExportHeader header) throws IOException {
        this.header = header;
        try {
            // the JDK's own StAX writer, whatever else is on the class path
            xml = XMLOutputFactory.newDefaultFactory().createXMLStreamWriter(new KeepOpenOutputStream(out), "UTF-8");
            xml.writeStartDocument("UTF-8", "1.0");
            newline(0);
            xml.writeStartElement("FileDump");
            xml.writeNamespace("xsi", "http://www.w3.org/2001/XMLSchema-instance");
            newline(1);
            xml.writeComment(comment(headerSummary(header)));
        } catch (XMLStreamException e) {
            throw new IOException("the XML export could not be started", e);
        }
    }

    @Override
    public void beginConversation(ExportConversation conversation) throws IOException {
        order.begin(conversation);
        present.clear();
        Instant start = header.from() != null && header.from().isAfter(conversation.createdAt())
                ? header.from() : conversation.createdAt();
        try {
            newline(1);
            xml.writeStartElement("Conversation");
            xml.writeAttribute("Perspective", attribute(conversation.displayName()));
            element(2, "RoomID", conversation.cid());
            element(2, "StartTimeUTC", millis(start));
        } catch (XMLStreamException e) {
            throw failed("conversation " + conversation.cid(), e);
        }
    }

    @Override
    public void membership(ExportMembership membership) throws IOException {
        order.event("membership", membership.cid());
        if (membership.joined()) {
            present.add(membership.userId());
        } else {
            present.remove(membership.userId());
        }
        try {
            participant(membership.joined() ? "ParticipantEntered" : "ParticipantLeft", membership.userId(),
                    membership.at());
        } catch (XMLStreamException e) {
            throw failed("membership of user " + membership.userId(), e);
        }
    }

    @Override
    public void message(ExportMessage message) throws IOException {
        order.event("message", message.cid());
        try {
            List<ExportRevision> revisions = message.revisions();
            for (int i = 0; i < revisions.size(); i++) {
                ExportRevision revision = revisions.get(i);
                // Mattermost's shape for a text an edit replaced: its own id pointing at the edited message
                messageElement(message, message.messageId() + "#" + (i + 1), "EditedOriginalMsg",
                        revision.replacedAt(), message.messageId(), revision.text());
            }
            if (message.deleted()) {
                messageElement(message, message.messageId(), "Deleted", message.deletedAt(), null, message.text());
            } else if (message.edited()) {
                messageElement(message, message.messageId(), "EditedNewMsg", message.editedAt(), null, message.text());
            } else {
                messageElement(message, message.messageId(), null, null, null, message.text());
            }
            for (Map<String, Object> attachment : message.attachments()) {
                fileTransfer(message, attachment);
            }
        } catch (XMLStreamException e) {
            throw failed("message " + message.messageId(), e);
        }
    }

    @Override
    public void endConversation() throws IOException {
        order.end();
        Instant end = header.to() != null ? header.to() : header.exportedAt();
        try {
            for (String userId : present) {
                participant("ParticipantLeft", userId, end);
            }
            present.clear();
            element(2, "EndTimeUTC", millis(end));
            newline(1);
            xml.writeEndElement();
        } catch (XMLStreamException e) {
            throw failed("the end of a conversation", e);
        }
    }

    @Override
    public void close() throws IOException {
        boolean finish;
        try {
            finish = order.close();
        } catch (IllegalStateException e) {
            flush();
            throw e;
        }
        if (!finish) {
            return;
        }
        try {
            newline(0);
            xml.writeEndElement();
            xml.writeEndDocument();
            newline(0);
            xml.flush();
            // frees the writer; the JDK's never closes the stream under it
            xml.close();
        } catch (XMLStreamException e) {
            throw failed("the end of the document", e);
        }
    }

    private void messageElement(ExportMessage message, String id, String updatedType, Instant updatedAt,
                                String editedNewMsgId, String content) throws XMLStreamException {
        newline(2);
        xml.writeStartElement("Message");
        element(3, "MessageId", id);
        element(3, "LoginName", message.userId());
        element(3, "DateTimeUTC", millis(message.createdAt()));
        if (updatedType != null) {
            element(3, "UpdatedType", updatedType);
            if (updatedAt != null) {
                element(3, "UpdatedDateTimeUTC", millis(updatedAt));
            }
        }
        if (editedNewMsgId != null) {
            element(3, "EditedNewMsgId", editedNewMsgId);
        }
        element(3, "Content", content);
        // ChatSDK additions, after the Actiance elements
        if (message.parentId() != null) {
            element(3, "ParentMessageId", message.parentId());
        }
        if (message.hardDeleted() && "Deleted".equals(updatedType)) {
            element(3, "HardDeleted", "true");
        }
        newline(2);
        xml.writeEndElement();
    }

    private void fileTransfer(ExportMessage message, Map<String, Object> attachment) throws XMLStreamException {
        List<String> urls = AttachmentLinks.urls(attachment);
        String fileName = urls.isEmpty() ? "" : urls.get(0);
        for (String element : List.of("FileTransferStarted", "FileTransferEnded")) {
            newline(2);
            xml.writeStartElement(element);
            element(3, "LoginName", message.userId());
            element(3, "DateTimeUTC", millis(message.createdAt()));
            element(3, "UserFileName", AttachmentLinks.label(attachment));
            element(3, "FileName", fileName);
            if (element.equals("FileTransferEnded")) {
                element(3, "Status", "Completed");
            }
            newline(2);
            xml.writeEndElement();
        }
    }

    private void participant(String element, String userId, Instant at) throws XMLStreamException {
        newline(2);
        xml.writeStartElement(element);
        element(3, "LoginName", userId);
        element(3, "DateTimeUTC", millis(at));
        element(3, "CorporateEmailID", SafeNames.mailbox(header.appId(), userId));
        newline(2);
        xml.writeEndElement();
    }

    private void element(int depth, String name, String text) throws XMLStreamException {
        newline(depth);
        xml.writeStartElement(name);
        characters(text);
        xml.writeEndElement();
    }

    /** Writes text with invalid characters replaced and carriage returns kept as character references. */
    private void characters(String text) throws XMLStreamException {
        String clean = clean(text);
        int from = 0;
        for (int cr = clean.indexOf('\r'); cr >= 0; cr = clean.indexOf('\r', from)) {
            xml.writeCharacters(clean.substring(from, cr));
            xml.writeEntityRef("#13");
            from = cr + 1;
        }
        xml.writeCharacters(clean.substring(from));
    }

    private void newline(int depth) throws XMLStreamException {
        xml.writeCharacters("\n" + "  ".repeat(depth));
    }

    private void flush() throws IOException {
        try {
            xml.flush();
        } catch (XMLStreamException e) {
            throw failed("flushing", e);
        }
    }

    /** Replaces what XML 1.0 cannot carry (most C0 controls, lone surrogates, U+FFFE/FFFF) with U+FFFD. */
    static String clean(String text) {
        StringBuilder out = null;
        int i = 0;
        while (i < text.length()) {
            int c = text.codePointAt(i);
            int width = Character.charCount(c);
            boolean valid = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
                    || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
            if (!valid && out == null) {
                out = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (out != null) {
                if (valid) {
                    out.appendCodePoint(c);
                } else {
                    out.append(REPLACEMENT);
                }
            }
            i += width;
        }
        return out == null ? text : out.toString();
    }

    /** Attribute values lose tabs and line breaks to normalisation anyway: write spaces. */
    private static String attribute(String text) {
        return clean(text).replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }

    /** A comment may not contain "--" nor end with "-". */
    private static String comment(String text) {
        return " " + clean(text).replace("--", "- -") + " ";
    }

    private static String headerSummary(ExportHeader header) {
        StringBuilder summary = new StringBuilder("ChatSDK compliance export; app ").append(header.appId())
                .append("; from ").append(header.from() == null ? "the beginning" : header.from())
                .append("; to ").append(header.to() == null ? "the export time" : header.to())
                .append("; exported at ").append(header.exportedAt());
        if (!header.filters().isEmpty()) {
            try {
                summary.append("; filters ").append(MAPPER.writeValueAsString(header.filters()));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("filters: cannot be written as JSON", e);
            }
        }
        return summary.toString();
    }

    private static String millis(Instant time) {
        return Long.toString(time.toEpochMilli());
    }

    private static IOException failed(String what, XMLStreamException e) {
        return new IOException(what + ": could not be written as XML", e);
    }
}
