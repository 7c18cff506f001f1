package io.chatsdk.engine.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The EML export: a ZIP, streamed, holding one {@code .eml} file (RFC 5322, see {@link EmlComposer}) per
 * chat message and per membership change, and a {@code manifest.json} written last with the export's
 * header and counts. Entries are named {@code <cid>/<n>-message-<message id>.eml} and
 * {@code <cid>/<n>-member-joined|left-<user id>.eml}, where {@code n} is an 8-digit running number that
 * keeps the export's order and every id is made safe by {@link SafeNames#zipSegment}.
 *
 * <p>The ZIP format keeps each entry's name and offset for its central directory until {@link #close()}
 * (inside {@link ZipOutputStream}); nothing else is kept per message. Not thread-safe.
 */
final class EmlExportWriter implements ExportWriter {
    static final String MANIFEST = "manifest.json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ZipOutputStream zip;
    private final ExportHeader header;
    private final EmlComposer composer;
    private final CallOrder order = new CallOrder();
    private ExportConversation conversation;
    private long entries;
    private long conversations;
    private long messages;
    private long memberships;

    EmlExportWriter(OutputStream out, ExportHeader header) {
        this.zip = new ZipOutputStream(new KeepOpenOutputStream(out));
        this.header = header;
        this.composer = new EmlComposer(Session.getInstance(new Properties()), header.appId());
    }

    @Override
    public void beginConversation(ExportConversation conversation) {
        order.begin(conversation);
        this.conversation = conversation;
        conversations++;
    }

    @Override
    public void membership(ExportMembership membership) throws IOException {
        order.event("membership", membership.cid());
        memberships++;
        String kind = membership.joined() ? "joined" : "left";
        String name = entryName("member-" + kind + "-" + SafeNames.zipSegment(membership.userId()));
        try {
            write(name, membership.at(), composer.membership(conversation, membership));
        } catch (MessagingException e) {
            throw new IOException("membership of user " + membership.userId() + " in " + membership.cid()
                    + ": could not be written as an e-mail", e);
        }
    }

    @Override
    public void message(ExportMessage message) throws IOException {
        order.event("message", message.cid());
        messages++;
        String name = entryName("message-" + SafeNames.zipSegment(message.messageId()));
        try {
            write(name, message.createdAt(), composer.message(conversation, message));
        } catch (MessagingException e) {
            throw new IOException("message " + message.messageId() + ": could not be written as an e-mail", e);
        }
    }

    @Override
    public void endConversation() {
        order.end();
        conversation = null;
    }

    @Override
    public void close() throws IOException {
        boolean finish;
        try {
            finish = order.close();
        } catch (IllegalStateException e) {
            zip.flush();
            throw e;
        }
        if (!finish) {
            return;
        }
        ZipEntry entry = new ZipEntry(MANIFEST);
        entry.setTimeLocal(LocalDateTime.ofInstant(header.exportedAt(), ZoneOffset.UTC));
        zip.putNextEntry(entry);
        zip.write(MAPPER.writeValueAsBytes(manifest()));
        zip.closeEntry();
        // finish() writes the central directory; close() would also close the caller's stream
        zip.finish();
        zip.flush();
    }

    private Map<String, Object> manifest() {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("format", "eml");
        manifest.put("format_version", JsonlExportWriter.FORMAT_VERSION);
        manifest.put("app_id", header.appId());
        manifest.put("from", header.from() == null ? null : header.from().toString());
        manifest.put("to", header.to() == null ? null : header.to().toString());
        manifest.put("exported_at", header.exportedAt().toString());
        manifest.put("filters", header.filters());
        manifest.put("conversations", conversations);
        manifest.put("messages", messages);
        manifest.put("memberships", memberships);
        return manifest;
    }

    private String entryName(String suffix) {
        entries++;
        return SafeNames.zipSegment(conversation.cid()) + '/' + String.format("%08d", entries) + '-' + suffix + ".eml";
    }

    private void write(String name, Instant time, MimeMessage mime) throws IOException, MessagingException {
        ZipEntry entry = new ZipEntry(name);
        // DOS time without a zone: UTC, so the archive does not depend on the server's time zone
        entry.setTimeLocal(LocalDateTime.ofInstant(time, ZoneOffset.UTC));
        zip.putNextEntry(entry);
        mime.writeTo(zip);
        zip.closeEntry();
    }
}
