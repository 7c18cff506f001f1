package io.chatsdk.engine.persistence;

import io.chatsdk.engine.event.Event;
import io.chatsdk.engine.event.EventJson;
import io.chatsdk.engine.internal.ContentKeys;
import io.chatsdk.engine.internal.Json;
import io.chatsdk.engine.spi.ChatEvent;
import io.chatsdk.engine.types.AppId;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Writes events to the transactional outbox, inside the transaction of the change they announce. */
public final class Outbox {
    static final String PURPOSE = "event";

    private Outbox() {
    }

    /** The associated data of a sealed payload: the event's type, channel, seq and the row's random seal id. */
    static String rowId(String type, String cid, Long seq, UUID sealId) {
        return type + "|" + cid + "|" + seq + "|" + sealId;
    }

    /** The payload of an outbox row: sealed rows are opened, rows from before sealing read as they are. */
    public static Map<String, Object> payload(Tx tx, AppId app, String type, String cid, Long seq, UUID sealId, byte[] sealed, Integer version,
                                       String plain) {
        if (sealed == null) {
            return Json.readMap(plain);
        }
        return Json.readMap(new String(tx.keys().open(tx, app, PURPOSE, rowId(type, cid, seq, sealId), version, sealed), StandardCharsets.UTF_8));
    }

    /** Appends one event, in the payload shape {@link EventJson} gives it; {@code channelPk} null for events of no channel. */
    public static void write(Tx tx, AppId app, UUID channelPk, Instant at, Event event) {
        String type = event.typeName();
        String cid = event.cid() == null ? null : event.cid().toString();
        Long seq = event.seq();
        Map<String, Object> payload = EventJson.payload(event, at);
        // payloads carry message content, so they are sealed like it
        UUID sealId = UUID.randomUUID();
        String json = Json.write(payload);
        ContentKeys.Sealed sealed = tx.keys().seal(tx, app, PURPOSE, rowId(type, cid, seq, sealId), json.getBytes(StandardCharsets.UTF_8));
        String insert = "insert into outbox_event (app_id, type, cid, channel_pk, seq, sealed_payload, key_version, seal_id, created_at) "
                + "values (?, ?, ?, ?, ?, ?, ?, ?, ?)";
        Object[] values = {app.value(), type, cid, channelPk, seq, sealed.bytes(), sealed.version(), sealId, at};
        if (tx.collectsEvents()) {
            long id = tx.one(insert + " returning id", rs -> rs.getLong(1), values).orElseThrow();   // wrote(): markEventsWritten below
            // the payload as the relay will read it back from the row, so both paths deliver the same event
            tx.eventWritten(new ChatEvent(id, app, type, cid, seq, at.truncatedTo(java.time.temporal.ChronoUnit.MICROS), Json.readMap(json)));
        } else {
            tx.update(insert, values);
        }
        tx.markEventsWritten();
    }
}
