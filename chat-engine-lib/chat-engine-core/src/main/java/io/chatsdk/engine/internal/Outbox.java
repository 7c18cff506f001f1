package io.chatsdk.engine.internal;

import io.chatsdk.engine.AppId;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Writes events to the transactional outbox, inside the transaction of the change they announce. */
public final class Outbox {
    private Outbox() {
    }

    /**
     * Appends one event. The payload gets {@code type}, {@code cid}, {@code seq} (when given) and
     * {@code created_at} added in GetStream's shape.
     */
    public static void write(Tx tx, AppId app, String type, String cid, UUID channelPk, Long seq, Instant at,
                             Map<String, Object> body) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("type", type);
        if (cid != null) {
            payload.put("cid", cid);
            int colon = cid.indexOf(':');
            payload.put("channel_type", cid.substring(0, colon));
            payload.put("channel_id", cid.substring(colon + 1));
        }
        if (seq != null) {
            payload.put("seq", seq);
        }
        payload.put("created_at", at.toString());
        payload.putAll(body);
        tx.update("insert into outbox_event (app_id, type, cid, channel_pk, seq, payload, created_at) values (?, ?, ?, ?, ?, ?::jsonb, ?)",
                app.value(), type, cid, channelPk, seq, Json.write(payload), at);
        tx.markEventsWritten();
    }
}
