package io.chatsdk.engine.persistence;

import io.chatsdk.engine.event.Event;
import io.chatsdk.engine.event.EventJson;
import io.chatsdk.engine.internal.ContentKeys;
import io.chatsdk.engine.internal.Json;
import io.chatsdk.engine.spi.ChatEvent;
import io.chatsdk.engine.types.AppId;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
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
        Row row = new Row(app, type, cid, channelPk, seq, sealed.bytes(), sealed.version(), sealId, at, json);
        tx.markEventsWritten();
        if (tx.holdsRows()) {
            tx.hold(ROWS, row);   // written with the others by writeAll, before the commit
            return;
        }
        String insert = "insert into outbox_event (app_id, type, cid, channel_pk, seq, sealed_payload, key_version, seal_id, created_at) "
                + "values (?, ?, ?, ?, ?, ?, ?, ?, ?)";
        Object[] values = {app.value(), type, cid, channelPk, seq, row.sealed(), row.keyVersion(), sealId, at};
        if (tx.collectsEvents()) {
            long id = tx.one(insert + " returning id", rs -> rs.getLong(1), values).orElseThrow();
            tx.eventWritten(row.event(id));
        } else {
            tx.update(insert, values);
        }
    }

    /** Writes outbox rows held back ({@link Tx#holdRows}). */
    private static final Tx.RowWriter<Row> ROWS = Outbox::writeAll;

    /** One outbox row, as written or held back for {@link #writeAll}. */
    record Row(AppId app, String type, String cid, UUID channelPk, Long seq, byte[] sealed, int keyVersion, UUID sealId, Instant at, String json) {
        /** The event as the relay will read it back from the row, so both paths deliver the same event. */
        ChatEvent event(long id) {
            return new ChatEvent(id, app, type, cid, seq, at.truncatedTo(java.time.temporal.ChronoUnit.MICROS), Json.readMap(json));
        }
    }

    /**
     * Writes outbox rows in one statement: one round trip for a group commit's events instead of one each. Their ids
     * ascend in the order given, as if each had been inserted then, so the relay publishes them in that order.
     */
    private static void writeAll(Tx tx, List<Row> rows) {
        int n = rows.size();
        UUID[] apps = new UUID[n];
        String[] types = new String[n];
        String[] cids = new String[n];
        UUID[] channels = new UUID[n];
        Long[] seqs = new Long[n];
        byte[][] sealed = new byte[n][];
        Integer[] versions = new Integer[n];
        UUID[] sealIds = new UUID[n];
        Instant[] ats = new Instant[n];
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            apps[i] = r.app().value();
            types[i] = r.type();
            cids[i] = r.cid();
            channels[i] = r.channelPk();
            seqs[i] = r.seq();
            sealed[i] = r.sealed();
            versions[i] = r.keyVersion();
            sealIds[i] = r.sealId();
            ats[i] = r.at();
        }
        // ordered by position: the ids' default (nextval) is taken after the sort, row by row
        String insert = "insert into outbox_event (app_id, type, cid, channel_pk, seq, sealed_payload, key_version, seal_id, created_at) "
                + "select r.app_id, r.type, r.cid, r.channel_pk, r.seq, r.sealed, r.version, r.seal_id, r.at "
                + "from unnest(?::uuid[], ?::text[], ?::text[], ?::uuid[], ?::bigint[], ?::bytea[], ?::int[], ?::uuid[], ?::timestamptz[]) "
                + "with ordinality as r(app_id, type, cid, channel_pk, seq, sealed, version, seal_id, at, n) order by r.n";
        Object[] values = {apps, types, cids, channels, seqs, sealed, versions, sealIds, ats};
        if (!tx.collectsEvents()) {
            tx.update(insert, values);
            return;
        }
        Map<UUID, Long> ids = new HashMap<>();
        tx.query(insert + " returning id, seal_id", rs -> ids.put(rs.getObject(2, UUID.class), rs.getLong(1)), values);
        for (Row r : rows) {
            Long id = ids.get(r.sealId());
            if (id == null) {
                throw new IllegalStateException("an outbox row was not written");
            }
            tx.eventWritten(r.event(id));
        }
    }
}
