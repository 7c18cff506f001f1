package io.chatsdk.engine.internal;

import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.AppId;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The encrypted part of a message: its text, attachments and custom data, sealed together as one JSON document
 * ({@code {"text":..,"attachments":[..],"custom":{..}}}) under the app's data key. Ids, seq, authors, times and
 * flags stay in clear columns: the engine orders, filters and counts by them.
 */
public record MessageContent(String text, List<Map<String, Object>> attachments, Map<String, Object> custom) {
    public static final String PURPOSE = "message";
    public static final String REVISION_PURPOSE = "revision";
    public static final MessageContent EMPTY = new MessageContent("", List.of(), Map.of());

    public MessageContent {
        text = text == null ? "" : text;
        attachments = attachments == null ? List.of() : attachments;
        custom = custom == null ? Map.of() : custom;
    }

    /** Seals this content for message {@code messageId}. */
    public ContentKeys.Sealed seal(Tx tx, AppId app, String messageId) {
        return sealAs(tx, app, PURPOSE, messageId);
    }

    public ContentKeys.Sealed sealAs(Tx tx, AppId app, String purpose, String rowId) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("text", text);
        doc.put("attachments", attachments);
        doc.put("custom", custom);
        return tx.keys().seal(tx, app, purpose, rowId, Json.write(doc).getBytes(StandardCharsets.UTF_8));
    }

    /** Opens content sealed by {@link #seal}. */
    public static MessageContent open(Tx tx, AppId app, String purpose, String rowId, int version, byte[] sealed) {
        Map<String, Object> doc = Json.readMap(new String(tx.keys().open(tx, app, purpose, rowId, version, sealed), StandardCharsets.UTF_8));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> atts = (List<Map<String, Object>>) doc.get("attachments");
        @SuppressWarnings("unchecked")
        Map<String, Object> custom = (Map<String, Object>) doc.get("custom");
        return new MessageContent((String) doc.get("text"), atts, custom);
    }

    /**
     * The content of a row read with {@code content}, {@code key_version} and the legacy clear columns: sealed rows
     * are opened; rows written before encryption (or erased tombstones) come from the clear columns.
     */
    public static MessageContent ofRow(Tx tx, AppId app, String messageId, byte[] sealed, Integer version, String text,
                                       String attachmentsJson, String customJson) {
        if (sealed != null && version != null) {
            return open(tx, app, PURPOSE, messageId, version, sealed);
        }
        return new MessageContent(text, Json.readListOfMaps(attachmentsJson), Json.readMap(customJson));
    }
}
