package io.chatsdk.engine.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CSV export (RFC 4180, UTF-8 without BOM, CRLF records, through Apache Commons CSV): a header row,
 * then one row per message and one per membership change ({@code member.joined} / {@code member.left} in
 * the {@code type} column). Conversations have no row of their own; every row names its app, cid and
 * channel. CSV has no place for the {@link ExportHeader}: the request that produced the file is known to
 * whoever stored it, and the JSONL, EML and XML exports carry it.
 *
 * <p>Spreadsheets run a cell that starts with {@code = + - @}, a tab or a carriage return as a formula
 * (CSV injection, OWASP). Every text cell that starts so gets a leading {@code '}, which spreadsheets
 * show as text; the JSONL export keeps the exact text. Not thread-safe.
 */
final class CsvExportWriter implements ExportWriter {
    static final List<String> COLUMNS = List.of(
            "app_id", "cid", "channel_name", "message_id", "seq", "parent_id", "user_id", "user_name",
            "type", "created_at", "edited_at", "deleted_at", "hard_deleted", "text", "attachments",
            "revisions", "members_at_time");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final CSVPrinter csv;
    private final CallOrder order = new CallOrder();
    private ExportConversation conversation;

    CsvExportWriter(OutputStream out, ExportHeader header) throws IOException {
        CSVFormat format = CSVFormat.RFC4180.builder()
                .setHeader(COLUMNS.toArray(String[]::new))
                .get();
        csv = new CSVPrinter(new BufferedWriter(new OutputStreamWriter(
                new KeepOpenOutputStream(out), StandardCharsets.UTF_8)), format);
    }

    @Override
    public void beginConversation(ExportConversation conversation) {
        order.begin(conversation);
        this.conversation = conversation;
    }

    @Override
    public void membership(ExportMembership membership) throws IOException {
        order.event("membership", membership.cid());
        csv.printRecord(
                text(conversation.appId()), text(membership.cid()), text(conversation.channelName()),
                null, null, null, text(membership.userId()), null,
                membership.joined() ? "member.joined" : "member.left", time(membership.at()),
                null, null, null, null, null, null, null);
    }

    @Override
    public void message(ExportMessage message) throws IOException {
        order.event("message", message.cid());
        csv.printRecord(
                text(conversation.appId()), text(message.cid()), text(conversation.channelName()),
                text(message.messageId()), message.seq(), text(message.parentId()), text(message.userId()),
                text(message.userName()), text(message.type()), time(message.createdAt()),
                time(message.editedAt()), time(message.deletedAt()), message.hardDeleted(),
                text(message.text()), json(message.attachments()), json(revisions(message.revisions())),
                text(String.join(" ", message.membersAtTime())));
    }

    @Override
    public void endConversation() {
        order.end();
        conversation = null;
    }

    @Override
    public void close() throws IOException {
        try {
            order.close();
        } finally {
            // flushes what was written even when the order check fails; the caller's stream stays open
            csv.close();
        }
    }

    /**
     * Neutralises a cell a spreadsheet would run as a formula by prefixing {@code '}; {@code null} stays
     * an empty cell.
     */
    static String text(String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        char first = value.charAt(0);
        boolean formula = first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r';
        return formula ? "'" + value : value;
    }

    private static String time(Instant value) {
        return value == null ? null : value.toString();
    }

    private static List<Map<String, Object>> revisions(List<ExportRevision> revisions) {
        List<Map<String, Object>> list = new ArrayList<>(revisions.size());
        for (ExportRevision revision : revisions) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("text", revision.text());
            entry.put("replaced_at", revision.replacedAt().toString());
            list.add(entry);
        }
        return list;
    }

    private static String json(List<?> value) {
        if (value.isEmpty()) {
            return null;
        }
        try {
            // JSON arrays start with '[', so they never need the formula guard
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("attachments or revisions could not be written as JSON", e);
        }
    }
}
