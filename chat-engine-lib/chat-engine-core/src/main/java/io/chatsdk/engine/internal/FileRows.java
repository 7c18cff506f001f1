package io.chatsdk.engine.internal;

import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.AppId;

import io.chatsdk.engine.wire.FileLinks;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * How messages and uploads meet: a message attaches the files its attachments link to (in its own channel), and
 * deleting, erasing or purging messages marks their files for the sweeper ({@code Files.sweep}), which removes them
 * unless a legal hold keeps them.
 */
public final class FileRows {
    private FileRows() {
    }

    /** File links are signed for this long, rounded up to the hour so that every read within an hour gives the same URL. */
    public static final java.time.Duration LINK_TTL = java.time.Duration.ofHours(24);

    /** A signed link's query parameters: the data-key version, the expiry (epoch seconds) and the signature. */
    public record Signature(int version, long exp, String sig) {
        public String query() {
            return "v=" + version + "&exp=" + exp + "&sig=" + sig;
        }
    }

    /** Signs a link to {@code fileId} under the app's current data key, valid until the hour after {@code now + ttl}. */
    public static Signature sign(Tx tx, AppId app, UUID fileId, java.time.Instant now, java.time.Duration ttl) {
        int version = tx.keys().currentVersion(tx, app);
        long exp = (now.plus(ttl).getEpochSecond() / 3600 + 1) * 3600;
        return new Signature(version, exp, hmac(tx.keys().linkKey(tx, app, version), app, fileId, exp));
    }

    /** Whether a link's signature is the app's for this file and expiry (its time is checked by the caller). */
    public static boolean verifies(Tx tx, AppId app, UUID fileId, int version, long exp, String sig) {
        if (sig == null || version < 1) {
            return false;
        }
        byte[] key;
        try {
            key = tx.keys().linkKey(tx, app, version);
        } catch (io.chatsdk.engine.types.ChatException e) {
            return false;   // a version that does not exist (any more)
        }
        return java.security.MessageDigest.isEqual(hmac(key, app, fileId, exp).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                sig.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private static String hmac(byte[] key, AppId app, UUID fileId, long exp) {
        return Outbound.hmacHex(key, (app.value() + ":" + fileId + ":" + exp).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * The attachments as readers get them: each link to one of the engine's files signed afresh (the link a message
     * was sent with expires a day later; the one a reader gets is good for a day from the read). Other query
     * parameters, the API key among them, are kept.
     */
    public static List<Map<String, Object>> resigned(Tx tx, AppId app, UUID channelPk, java.time.Instant now, List<Map<String, Object>> attachments) {
        List<UUID> linked = FileLinks.linked(attachments);
        if (linked.isEmpty()) {
            return attachments;
        }
        // only the channel's own, readable files: a link to another channel's file is left as the client wrote it
        java.util.Set<UUID> ours = new java.util.HashSet<>(tx.query("select id from file_object where app_id = ? and channel_pk = ? and id = any(?) "
                + "and state = 'ready'", rs -> rs.getObject(1, UUID.class), app.value(), channelPk, linked.toArray(UUID[]::new)));
        List<Map<String, Object>> out = null;
        for (int i = 0; i < attachments.size(); i++) {
            Map<String, Object> a = attachments.get(i);
            Map<String, Object> copy = null;
            for (String f : FileLinks.URL_FIELDS) {
                if (a.get(f) instanceof String url) {
                    java.util.Optional<UUID> id = FileLinks.fileId(url).filter(ours::contains);
                    if (id.isPresent()) {
                        if (copy == null) {
                            copy = new java.util.LinkedHashMap<>(a);
                        }
                        copy.put(f, FileLinks.withQuery(url, sign(tx, app, id.get(), now, LINK_TTL).query()));
                    }
                }
            }
            if (copy != null) {
                if (out == null) {
                    out = new java.util.ArrayList<>(attachments);
                }
                out.set(i, copy);
            }
        }
        return out == null ? attachments : out;
    }

    /**
     * The attachments with what the engine knows about the files they link to (in this channel) in place of what the
     * client says: {@code file_size}, {@code mime_type}, and for audio it measured, {@code duration} and
     * {@code waveform_data}. A client's numbers for other files stay, within the limits the input checks set.
     */
    public static List<Map<String, Object>> trusted(Tx tx, AppId app, UUID channelPk, List<Map<String, Object>> attachments) {
        List<UUID> ids = FileLinks.linked(attachments);
        if (ids.isEmpty()) {
            return attachments;
        }
        Map<UUID, Map<String, Object>> known = new java.util.HashMap<>();
        tx.query("select id, content_type, size_bytes, key_version, meta from file_object where app_id = ? and channel_pk = ? and id = any(?) "
                + "and state = 'ready'", rs -> {
                    UUID id = rs.getObject("id", UUID.class);
                    Map<String, Object> meta = Json.readMap(new String(tx.keys().open(tx, app, "file.meta", id.toString(), rs.getInt("key_version"),
                            rs.getBytes("meta")), java.nio.charset.StandardCharsets.UTF_8));
                    Map<String, Object> facts = new java.util.LinkedHashMap<>();
                    facts.put("mime_type", rs.getString("content_type"));
                    facts.put("file_size", rs.getLong("size_bytes"));
                    if (meta.get("duration") != null) {
                        facts.put("duration", meta.get("duration"));
                    }
                    if (meta.get("waveform") != null) {
                        facts.put("waveform_data", meta.get("waveform"));
                    }
                    known.put(id, facts);
                    return id;
                }, app.value(), channelPk, ids.toArray(UUID[]::new));
        List<Map<String, Object>> out = new java.util.ArrayList<>(attachments.size());
        for (Map<String, Object> a : attachments) {
            Map<String, Object> copy = new java.util.LinkedHashMap<>(a);
            for (String f : FileLinks.URL_FIELDS) {
                if (a.get(f) instanceof String url) {
                    FileLinks.fileId(url).map(known::get).ifPresent(copy::putAll);
                }
            }
            out.add(copy);
        }
        return out;
    }

    /**
     * Attaches the channel's unattached uploads that the message's attachments link to: the author's own, or the
     * server's (a user cannot claim, and so delete with their message, another user's upload).
     */
    public static void attach(Tx tx, AppId app, UUID channelPk, String messageId, String author, List<Map<String, Object>> attachments) {
        List<UUID> ids = FileLinks.linked(attachments);
        if (!ids.isEmpty()) {
            tx.update("update file_object set message_id = ? where app_id = ? and channel_pk = ? and id = any(?) and message_id is null "
                    + "and (uploaded_by is null or uploaded_by is not distinct from ?)", messageId, app.value(), channelPk, ids.toArray(UUID[]::new), author);
        }
    }

    /** Marks the files of a channel about to be deleted. */
    public static int forChannel(Tx tx, AppId app, UUID channelPk) {
        return tx.update("update file_object set state = 'deleted' where app_id = ? and channel_pk = ? and state <> 'deleted'", app.value(), channelPk);
    }

    /** Marks the files of these messages deleted. */
    public static int forMessages(Tx tx, AppId app, Collection<String> messageIds) {
        if (messageIds.isEmpty()) {
            return 0;
        }
        return tx.update("update file_object set state = 'deleted' where app_id = ? and message_id = any(?) and state <> 'deleted'",
                app.value(), messageIds.toArray(String[]::new));
    }
}
