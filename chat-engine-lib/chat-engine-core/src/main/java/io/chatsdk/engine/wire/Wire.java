package io.chatsdk.engine.wire;

import io.chatsdk.engine.model.Attachment;
import io.chatsdk.engine.model.Channel;
import io.chatsdk.engine.model.Member;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.Reaction;
import io.chatsdk.engine.model.User;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GetStream-shaped maps of the engine's records, for event payloads and the REST layer. Custom fields are
 * flattened into the object, as GetStream does.
 */
public final class Wire {
    private Wire() {
    }

    public static Map<String, Object> user(User u) {
        Map<String, Object> m = new LinkedHashMap<>(u.custom());
        m.put("id", u.id());
        putIfNotNull(m, "name", u.name());
        putIfNotNull(m, "image", u.image());
        m.put("role", u.role());
        m.put("banned", u.banned());
        putIfNotNull(m, "ban_expires", ts(u.banExpiresAt()));
        m.put("deactivated", u.deactivated());
        putIfNotNull(m, "deactivated_at", ts(u.deactivatedAt()));
        putIfNotNull(m, "last_active", ts(u.lastActiveAt()));
        m.put("created_at", ts(u.createdAt()));
        m.put("updated_at", ts(u.updatedAt()));
        return m;
    }

    public static Map<String, Object> channel(Channel c) {
        Map<String, Object> m = new LinkedHashMap<>(c.custom());
        m.put("cid", c.cid().toString());
        m.put("type", c.cid().type());
        m.put("id", c.cid().id());
        putIfNotNull(m, "name", c.name());
        putIfNotNull(m, "image", c.image());
        putIfNotNull(m, "created_by_id", c.createdBy());
        m.put("frozen", c.frozen());
        m.put("config", c.config().toMap());
        m.put("last_seq", c.lastSeq());
        putIfNotNull(m, "last_message_at", ts(c.lastMessageAt()));
        m.put("member_count", c.memberCount());
        m.put("created_at", ts(c.createdAt()));
        m.put("updated_at", ts(c.updatedAt()));
        return m;
    }

    public static Map<String, Object> member(Member mem) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user_id", mem.userId());
        m.put("channel_role", mem.role());
        m.put("last_read_seq", mem.lastReadSeq());
        putIfNotNull(m, "last_read", ts(mem.lastReadAt()));
        m.put("hidden", mem.hidden());
        m.put("created_at", ts(mem.createdAt()));
        m.put("updated_at", ts(mem.updatedAt()));
        return m;
    }

    public static Map<String, Object> message(Message msg) {
        Map<String, Object> m = new LinkedHashMap<>(msg.custom());
        m.put("id", msg.id());
        m.put("cid", msg.cid().toString());
        m.put("seq", msg.seq());
        m.put("user_id", msg.userId());
        m.put("type", msg.type());
        m.put("text", msg.text());
        List<Object> atts = new ArrayList<>();
        for (Attachment a : msg.attachments()) {
            atts.add(attachment(a));
        }
        m.put("attachments", atts);
        m.put("mentioned_users", msg.mentionedUsers());
        putIfNotNull(m, "parent_id", msg.parentId());
        if (msg.parentId() != null) {
            m.put("show_in_channel", msg.showInChannel());
        }
        m.put("reply_count", msg.replyCount());
        putIfNotNull(m, "quoted_message_id", msg.quotedMessageId());
        m.put("pinned", msg.pinned());
        putIfNotNull(m, "pinned_at", ts(msg.pinnedAt()));
        putIfNotNull(m, "pinned_by_id", msg.pinnedBy());
        putIfNotNull(m, "pin_expires", ts(msg.pinExpiresAt()));
        m.put("silent", msg.silent());
        if (msg.shadowed()) {
            m.put("shadowed", true);   // only its author (and the server) ever sees a shadowed message
        }
        m.put("reaction_counts", msg.reactionCounts());
        m.put("reaction_scores", msg.reactionScores());
        List<Object> own = new ArrayList<>();
        for (Reaction r : msg.ownReactions()) {
            own.add(reaction(r));
        }
        m.put("own_reactions", own);
        m.put("created_at", ts(msg.createdAt()));
        m.put("updated_at", ts(msg.updatedAt()));
        putIfNotNull(m, "message_text_updated_at", ts(msg.editedAt()));
        putIfNotNull(m, "deleted_at", ts(msg.deletedAt()));
        return m;
    }

    public static Map<String, Object> attachment(Attachment a) {
        Map<String, Object> m = new LinkedHashMap<>(a.custom() == null ? Map.of() : a.custom());
        m.put("type", a.type());
        putIfNotNull(m, "asset_url", a.assetUrl());
        if ("image".equals(a.type())) {
            putIfNotNull(m, "image_url", a.assetUrl());   // GetStream clients read an image's URL from image_url
        }
        putIfNotNull(m, "mime_type", a.mimeType());
        putIfNotNull(m, "file_size", a.fileSize());
        putIfNotNull(m, "title", a.title());
        putIfNotNull(m, "thumb_url", a.thumbUrl());
        putIfNotNull(m, "duration", a.duration());
        putIfNotNull(m, "waveform_data", a.waveformData());
        return m;
    }

    @SuppressWarnings("unchecked")
    public static Attachment attachmentFrom(Map<String, Object> m) {
        Map<String, Object> custom = new LinkedHashMap<>(m);
        for (String k : List.of("type", "asset_url", "image_url", "mime_type", "file_size", "title", "thumb_url", "duration", "waveform_data")) {
            custom.remove(k);
        }
        Number size = (Number) m.get("file_size");
        Number duration = (Number) m.get("duration");
        List<Number> wave = (List<Number>) m.get("waveform_data");
        return new Attachment((String) m.get("type"), (String) m.get("asset_url"), (String) m.get("mime_type"),
                size == null ? null : size.longValue(), (String) m.get("title"), (String) m.get("thumb_url"),
                duration == null ? null : duration.doubleValue(),
                wave == null ? null : wave.stream().map(Number::doubleValue).toList(), custom.isEmpty() ? Map.of() : custom);
    }

    public static Map<String, Object> reaction(Reaction r) {
        Map<String, Object> m = new LinkedHashMap<>(r.custom());
        m.put("message_id", r.messageId());
        m.put("user_id", r.userId());
        m.put("type", r.type());
        m.put("score", r.score());
        m.put("created_at", ts(r.createdAt()));
        return m;
    }

    private static String ts(Instant i) {
        return i == null ? null : i.toString();
    }

    private static void putIfNotNull(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
