package io.chatsdk.engine.compliance;

import io.chatsdk.engine.audit.AuditEntry;
import io.chatsdk.engine.export.ExportFormat;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.internal.Json;
import io.chatsdk.engine.messaging.Messages;
import io.chatsdk.engine.persistence.HoldSql;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;
import io.chatsdk.engine.types.Validate;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Data subject requests for one user of an app (GDPR articles 15 and 17, HIPAA right of access): export everything
 * stored about the user, or erase the user. Erasure respects legal holds: held messages are hidden from everyone but
 * kept (and erased later, once no hold keeps them). Thread-safe.
 */
public final class DataSubjects {
    private final EngineContext ctx;
    private final AppId app;

    /** How a user's messages are erased: deleted (tombstones keep the channels' seq gap-free) or kept without the author. */
    public enum ErasureMode {
        DELETE, ANONYMIZE;

        public static ErasureMode fromWire(String field, String value) {
            if ("delete".equals(value)) {
                return DELETE;
            }
            if ("anonymize".equals(value)) {
                return ANONYMIZE;
            }
            throw ChatException.invalid(field, "must be delete or anonymize");
        }
    }

    /** Run after an erasure with the user's id: deletes their data subject exports (null when the engine keeps none). */
    private final java.util.function.ToLongFunction<String> forgetExports;

    DataSubjects(EngineContext ctx, AppId app) {
        this(ctx, app, null);
    }

    DataSubjects(EngineContext ctx, AppId app, java.util.function.ToLongFunction<String> forgetExports) {
        this.ctx = ctx;
        this.app = app;
        this.forgetExports = forgetExports;
    }

    /**
     * Writes one JSON document: the user's profile, memberships and reactions, then every message they wrote (with
     * history, deletions and members at the time) as a JSON Lines compliance export under {@code "messages_jsonl"}.
     */
    public void export(String userId, OutputStream out, String requestedBy) throws IOException {
        export(userId, out, requestedBy, ComplianceExport.Progress.NONE);
    }

    /** {@link #export(String, OutputStream, String)}, telling {@code progress} the messages written after each page. */
    public void export(String userId, OutputStream out, String requestedBy, ComplianceExport.Progress progress) throws IOException {
        Validate.userId("user_id", userId);
        Map<String, Object> profile = ctx.db().read(tx -> tx.one("select id, name, image, role, custom::text as custom, created_at, updated_at, "
                + "deactivated_at, banned, last_active_at from app_user where app_id = ? and id = ?", rs -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", rs.getString("id"));
            m.put("name", rs.getString("name"));
            m.put("image", rs.getString("image"));
            m.put("role", rs.getString("role"));
            m.put("custom", Json.readMap(rs.getString("custom")));
            m.put("created_at", iso(Tx.instant(rs, "created_at")));
            m.put("deactivated_at", iso(Tx.instant(rs, "deactivated_at")));
            m.put("banned", rs.getBoolean("banned"));
            m.put("last_active_at", iso(Tx.instant(rs, "last_active_at")));
            return m;
        }, app.value(), userId)).orElseThrow(() -> ChatException.notFound(ErrorCode.USER_NOT_FOUND, "user '" + userId + "'"));
        List<Map<String, Object>> memberships = ctx.db().read(tx -> tx.query("select c.type || ':' || c.id as cid, m.role, m.created_at, m.last_read_seq "
                + "from channel_member m join channel c on c.pk = m.channel_pk where m.app_id = ? and m.user_id = ? order by m.created_at", rs -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("cid", rs.getString("cid"));
            m.put("role", rs.getString("role"));
            m.put("joined_at", iso(Tx.instant(rs, "created_at")));
            m.put("last_read_seq", rs.getLong("last_read_seq"));
            return m;
        }, app.value(), userId));
        List<Map<String, Object>> reactions = ctx.db().read(tx -> tx.query("select message_id, type, score, created_at from reaction "
                + "where app_id = ? and user_id = ? order by created_at", rs -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("message_id", rs.getString(1));
            m.put("type", rs.getString(2));
            m.put("score", rs.getInt(3));
            m.put("created_at", iso(Tx.instant(rs, "created_at")));
            return m;
        }, app.value(), userId));
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            g.writeStartObject();
            g.writeObjectField("user", profile);
            g.writeObjectField("memberships", memberships);
            g.writeObjectField("reactions", reactions);
            // the files they uploaded, as a manifest: an officer fetches each one's bytes through the compliance API
            g.writeObjectField("files", io.chatsdk.engine.files.Files.manifest(ctx, app, List.of(userId), List.of(), null, null).stream()
                    .map(DataSubjects::fileEntry).toList());
            g.writeFieldName("messages");
            g.writeStartArray();
            // the messages come from the compliance export, one JSON line each, passed through as they are written:
            // only one line is held at a time, however many messages the user wrote
            try (MessageLines lines = new MessageLines(g)) {
                new ComplianceExport(ctx, app).write(new ComplianceExport.Request(ExportFormat.JSONL, null, null, List.of(userId), List.of(),
                        requestedBy), lines, progress);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /** A file of the manifest: what it is, where it was, and its SHA-256 to verify a copy. */
    public static Map<String, Object> fileEntry(io.chatsdk.engine.files.StoredFile f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", f.id().toString());
        m.put("cid", f.cid().toString());
        m.put("kind", f.kind().wire());
        m.put("name", f.name());
        m.put("content_type", f.contentType());
        m.put("size", f.size());
        m.put("sha256", f.sha256());
        m.put("uploaded_by", f.uploadedBy());
        m.put("message_id", f.messageId());
        m.put("created_at", iso(f.createdAt()));
        return m;
    }

    /** Receives a JSONL export and writes its message lines into an open JSON array. */
    private static final class MessageLines extends java.io.OutputStream {
        private final JsonGenerator g;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

        MessageLines(JsonGenerator g) {
            this.g = g;
        }

        @Override
        public void write(int b) throws IOException {
            if (b == '\n') {
                String l = line.toString(java.nio.charset.StandardCharsets.UTF_8);
                line.reset();
                if (l.contains("\"type\":\"message\"")) {
                    g.writeRawValue(l);
                }
            } else {
                line.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }
    }

    /**
     * Deletes the user's memberships and lowers their channels' member counts. Each round locks the channels' rows first
     * (in key order), as adding members and sending do: deleting a member row writes its channel's row (V18's
     * triggers), and the other order could wait on a send that waits on this. A membership added meanwhile is taken by
     * the next round. Returns how many there were.
     */
    private long leaveChannels(Tx tx, String userId) {
        long left = 0;
        for (int round = 0; round < 10; round++) {
            UUID[] channels = tx.query("select pk from channel where pk in (select channel_pk from channel_member where app_id = ? and user_id = ?) "
                    + "order by pk for no key update", rs -> rs.getObject(1, UUID.class), app.value(), userId).toArray(UUID[]::new);
            if (channels.length == 0) {
                return left;
            }
            UUID[] deleted = tx.query("delete from channel_member where app_id = ? and user_id = ? and channel_pk = any(?) returning channel_pk",
                    rs -> rs.getObject(1, UUID.class), app.value(), userId, channels).toArray(UUID[]::new);
            tx.update("update channel set member_count = member_count - 1 where pk = any(?)", (Object) deleted);
            left += deleted.length;
        }
        throw new ChatException(ErrorCode.CONFLICT, "memberships of the user kept being added during the erasure; retry", null, null);
    }

    /**
     * Erases a user: their messages are deleted or anonymised per {@code mode} (anonymised messages get one random
     * stand-in author, {@code deleted-<uuid>}; held ones are hidden and kept), their
     * reactions, flags and memberships removed, their profile blanked and the account deactivated, announced by a
     * {@code user.deactivated} event with the blanked profile. Returns counts.
     */
    public Map<String, Long> erase(String userId, ErasureMode mode, String requestedBy) {
        Validate.userId("user_id", userId);
        Map<String, Long> counts = ctx.db().inTransaction(tx -> {
            if (tx.update("update app_user set name = null, image = null, custom = '{}', deactivated_at = coalesce(deactivated_at, ?), updated_at = ? "
                    + "where app_id = ? and id = ?", ctx.now(), ctx.now(), app.value(), userId) == 0) {
                throw ChatException.notFound(ErrorCode.USER_NOT_FOUND, "user '" + userId + "'");
            }
            HoldSql.lockForDelete(tx, app);
            Map<String, Long> c = new LinkedHashMap<>();
            c.put("held_messages", (long) tx.update("update message msg set deleted_at = coalesce(msg.deleted_at, ?), hold_deleted = true, updated_at = ? "
                    + "from channel mc where mc.pk = msg.channel_pk and msg.app_id = ? and msg.user_id = ? and " + HoldSql.HELD,
                    ctx.now(), ctx.now(), app.value(), userId));
            // the files of the messages a hold keeps are hidden with them (kept for the officers)
            tx.update("update file_object f set state = 'deleted' from message m where m.app_id = f.app_id and m.id = f.message_id "
                    + "and f.app_id = ? and m.user_id = ? and m.hold_deleted", app.value(), userId);
            List<String> free = tx.query("select msg.id from message msg join channel mc on mc.pk = msg.channel_pk where msg.app_id = ? "
                    + "and msg.user_id = ? and not " + HoldSql.HELD, rs -> rs.getString(1), app.value(), userId);
            if (mode == ErasureMode.DELETE) {
                tx.update("update message set deleted_at = coalesce(deleted_at, ?), updated_at = ? where app_id = ? and id = any(?)",
                        ctx.now(), ctx.now(), app.value(), free);
                free.forEach(id -> Messages.erase(tx, app, id));
                c.put("deleted_messages", (long) free.size());
            } else {
                c.put("anonymized_messages", (long) tx.update("update message set user_id = ?, updated_at = ? where app_id = ? and id = any(?)",
                        "deleted-" + ctx.ids().next(), ctx.now(), app.value(), free));
            }
            c.put("reactions", (long) tx.update("delete from reaction where app_id = ? and user_id = ?", app.value(), userId));
            if (mode == ErasureMode.DELETE) {
                // the files they uploaded, unless a legal hold keeps them (the sweeper removes the blobs)
                c.put("files", (long) tx.update("update file_object f set state = 'deleted' from channel fc where fc.pk = f.channel_pk and f.app_id = ? "
                        + "and f.uploaded_by = ? and f.state <> 'deleted' and not " + HoldSql.FILE_HELD, app.value(), userId));
            } else {
                tx.update("update file_object f set uploaded_by = null from channel fc where fc.pk = f.channel_pk and f.app_id = ? "
                        + "and f.uploaded_by = ? and not " + HoldSql.FILE_HELD, app.value(), userId);
            }
            // moderation records about or by the user (free-text reasons included)
            c.put("moderation_records", (long) (tx.update("delete from flag where app_id = ? and (flagged_by = ? or target_user_id = ?)", app.value(), userId, userId)
                    + tx.update("delete from user_block where app_id = ? and (user_id = ? or blocked_id = ?)", app.value(), userId, userId)
                    + tx.update("delete from user_mute where app_id = ? and (user_id = ? or target_id = ?)", app.value(), userId, userId)
                    + tx.update("delete from channel_ban where app_id = ? and user_id = ?", app.value(), userId)
                    + tx.update("delete from channel_cooldown where user_id = ? and channel_pk in (select pk from channel where app_id = ?)", userId, app.value())));
            io.chatsdk.engine.model.User erased = tx.one("update app_user u set ban_reason = null where u.app_id = ? and u.id = ? returning "
                    + io.chatsdk.engine.persistence.Rows.USER_COLUMNS, io.chatsdk.engine.persistence.Rows::user, app.value(), userId).orElseThrow();
            // bans this user placed on others stay, without naming who placed them
            tx.update("update app_user set banned_by = null where app_id = ? and banned_by = ?", app.value(), userId);
            tx.update("update channel_ban set banned_by = null where app_id = ? and banned_by = ?", app.value(), userId);
            c.put("flags", (long) tx.update("delete from user_message_flag where app_id = ? and user_id = ?", app.value(), userId));
            // published E2EE devices and their public keys (one-time keys go with them)
            List<Integer> devices = tx.query("delete from e2ee_device where app_id = ? and user_id = ? returning device_id", rs -> rs.getInt(1),
                    app.value(), userId);
            for (int device : devices) {
                io.chatsdk.engine.persistence.Outbox.write(tx, app, null, ctx.now(),
                        new io.chatsdk.engine.event.Event.KeysChangedEvent(userId, device, "removed"));
            }
            c.put("e2ee_devices", (long) devices.size());
            c.put("memberships", leaveChannels(tx, userId));
            // the account is deactivated: every node forgets what it remembers of the user's tokens and closes their
            // connections, as for any deactivation (the event carries the blanked profile)
            io.chatsdk.engine.persistence.Outbox.write(tx, app, null, ctx.now(), new io.chatsdk.engine.event.Event.UserEvent(
                    io.chatsdk.engine.event.EventType.USER_DEACTIVATED, null, io.chatsdk.engine.wire.Wire.user(erased)));
            return c;
        });
        if (forgetExports != null) {
            // an export of everything about the user would outlive the erasure by up to a day: it goes now
            counts.put("data_subject_exports", forgetExports.applyAsLong(userId));
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("mode", mode.name().toLowerCase());
        counts.forEach((k, v) -> details.put(k, Long.toString(v)));
        ctx.tokenStates().forget(app, userId);   // the account is deactivated: this node refuses its tokens from now on
        ctx.audit().record(new AuditEntry(app, "compliance", requestedBy, null, "user.erased", "user", userId, null, null, true, null, details));
        return counts;
    }

    private static String iso(java.time.Instant at) {
        return at == null ? null : at.toString();
    }
}
