package io.chatsdk.engine.export;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;

/**
 * The JSON Lines export: one object per line, its kind in {@code type} ({@code header},
 * {@code conversation}, {@code membership}, {@code message}, {@code end}). Lossless: every field of the
 * export records is written. Times are ISO-8601 UTC. Keeps only counters. Not thread-safe.
 */
final class JsonlExportWriter implements ExportWriter {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final int FORMAT_VERSION = 1;

    private final JsonGenerator json;
    private final CallOrder order = new CallOrder();
    private long conversations;
    private long messages;
    private long memberships;
    private long conversationMessages;
    private long conversationMemberships;

    JsonlExportWriter(OutputStream out, ExportHeader header) throws IOException {
        json = MAPPER.getFactory().createGenerator(new KeepOpenOutputStream(out), JsonEncoding.UTF8);
        // one object per line: no separator between root values, a newline after each instead
        json.setPrettyPrinter(new MinimalPrettyPrinter(""));
        json.writeStartObject();
        json.writeStringField("type", "header");
        json.writeNumberField("format_version", FORMAT_VERSION);
        json.writeStringField("app_id", header.appId());
        time("from", header.from());
        time("to", header.to());
        time("exported_at", header.exportedAt());
        json.writeFieldName("filters");
        json.writeObject(header.filters());
        endLine();
    }

    @Override
    public void beginConversation(ExportConversation conversation) throws IOException {
        order.begin(conversation);
        conversations++;
        conversationMessages = 0;
        conversationMemberships = 0;
        json.writeStartObject();
        json.writeStringField("type", "conversation");
        json.writeStringField("app_id", conversation.appId());
        json.writeStringField("cid", conversation.cid());
        json.writeStringField("channel_type", conversation.channelType());
        json.writeStringField("channel_name", conversation.channelName());
        time("created_at", conversation.createdAt());
        endLine();
    }

    @Override
    public void membership(ExportMembership membership) throws IOException {
        order.event("membership", membership.cid());
        memberships++;
        conversationMemberships++;
        json.writeStartObject();
        json.writeStringField("type", "membership");
        json.writeStringField("cid", membership.cid());
        json.writeStringField("user_id", membership.userId());
        json.writeStringField("kind", membership.kind());
        time("at", membership.at());
        endLine();
    }

    @Override
    public void message(ExportMessage message) throws IOException {
        order.event("message", message.cid());
        messages++;
        conversationMessages++;
        json.writeStartObject();
        json.writeStringField("type", "message");
        json.writeStringField("message_id", message.messageId());
        json.writeStringField("cid", message.cid());
        json.writeNumberField("seq", message.seq());
        json.writeStringField("user_id", message.userId());
        json.writeStringField("user_name", message.userName());
        json.writeStringField("message_type", message.type());
        json.writeStringField("parent_id", message.parentId());
        json.writeStringField("text", message.text());
        time("created_at", message.createdAt());
        time("edited_at", message.editedAt());
        time("deleted_at", message.deletedAt());
        json.writeBooleanField("edited", message.edited());
        json.writeBooleanField("deleted", message.deleted());
        json.writeBooleanField("hard_deleted", message.hardDeleted());
        json.writeFieldName("attachments");
        json.writeObject(message.attachments());
        json.writeFieldName("custom");
        json.writeObject(message.custom());
        json.writeArrayFieldStart("revisions");
        for (ExportRevision revision : message.revisions()) {
            json.writeStartObject();
            json.writeStringField("text", revision.text());
            time("replaced_at", revision.replacedAt());
            json.writeEndObject();
        }
        json.writeEndArray();
        strings("members_at_time", message.membersAtTime());
        endLine();
    }

    @Override
    public void endConversation() throws IOException {
        String cid = order.cid();
        order.end();
        json.writeStartObject();
        json.writeStringField("type", "end");
        json.writeStringField("scope", "conversation");
        json.writeStringField("cid", cid);
        json.writeNumberField("messages", conversationMessages);
        json.writeNumberField("memberships", conversationMemberships);
        endLine();
    }

    @Override
    public void close() throws IOException {
        if (!closeOrder()) {
            return;
        }
        // the closing totals let a reader tell a complete file from a truncated one
        json.writeStartObject();
        json.writeStringField("type", "end");
        json.writeStringField("scope", "export");
        json.writeNumberField("conversations", conversations);
        json.writeNumberField("messages", messages);
        json.writeNumberField("memberships", memberships);
        endLine();
        json.close();
    }

    private boolean closeOrder() throws IOException {
        try {
            return order.close();
        } catch (IllegalStateException e) {
            json.close();
            throw e;
        }
    }

    private void endLine() throws IOException {
        json.writeEndObject();
        json.writeRaw('\n');
    }

    private void time(String field, Instant value) throws IOException {
        json.writeStringField(field, value == null ? null : value.toString());
    }

    private void strings(String field, List<String> values) throws IOException {
        json.writeArrayFieldStart(field);
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }
}
