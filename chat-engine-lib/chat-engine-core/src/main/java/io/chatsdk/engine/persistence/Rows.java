package io.chatsdk.engine.persistence;

import io.chatsdk.engine.internal.Json;
import io.chatsdk.engine.internal.MessageContent;
import io.chatsdk.engine.model.Attachment;
import io.chatsdk.engine.model.Channel;
import io.chatsdk.engine.model.ChannelConfig;
import io.chatsdk.engine.model.Member;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.Reaction;
import io.chatsdk.engine.model.User;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.wire.Wire;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import static io.chatsdk.engine.persistence.Tx.instant;

/** Row mappers shared by the services; column lists below match them. */
public final class Rows {
    public static final String USER_COLUMNS = "u.id, u.name, u.image, u.role, u.custom::text as custom, u.banned, u.ban_expires_at, "
            + "u.deactivated_at, u.last_active_at, u.revoke_tokens_issued_before, u.created_at, u.updated_at";

    public static final String CHANNEL_COLUMNS = "c.pk, c.type, c.id, c.name, c.image, c.custom::text as custom, c.e2ee, c.created_by, c.frozen, "
            + "c.config_overrides, c.last_seq, c.truncated_seq, c.last_message_at, c.member_count, c.created_at, c.updated_at, "
            + "t.config as type_config";

    public static final String MEMBER_COLUMNS = "m.user_id, m.role, m.last_read_seq, m.last_read_at, m.hidden_seq, m.created_at, m.updated_at";

    public static final String MESSAGE_COLUMNS = "msg.id, msg.seq, msg.user_id, msg.type, msg.text, msg.attachments::text as attachments, "
            + "msg.mentioned_users, msg.parent_id, msg.show_in_channel, msg.reply_count, msg.quoted_message_id, msg.pinned_at, "
            + "msg.pinned_by, msg.pin_expires_at, msg.silent, msg.custom::text as custom, msg.created_at, msg.updated_at, "
            + "msg.edited_at, msg.deleted_at, msg.content, msg.key_version, msg.shadowed, mc.type as channel_type, mc.id as channel_id, "
            + "mc.pk as message_channel_pk";

    private Rows() {
    }

    public static User user(ResultSet rs) throws SQLException {
        return new User(rs.getString("id"), rs.getString("name"), rs.getString("image"), rs.getString("role"),
                Json.readMap(rs.getString("custom")), rs.getBoolean("banned"), instant(rs, "ban_expires_at"),
                instant(rs, "deactivated_at"), instant(rs, "last_active_at"), instant(rs, "revoke_tokens_issued_before"),
                instant(rs, "created_at"), instant(rs, "updated_at"));
    }

    public static Channel channel(ResultSet rs) throws SQLException {
        ChannelConfig config = ChannelConfig.fromMap(Json.readMap(rs.getString("type_config")))
                .with(Json.readMap(rs.getString("config_overrides")));
        // the e2ee field is the column's (a custom key of that name, from before the column, is not shown)
        java.util.Map<String, Object> custom = new java.util.LinkedHashMap<>(Json.readMap(rs.getString("custom")));
        custom.remove("e2ee");
        if (rs.getBoolean("e2ee")) {
            custom.put("e2ee", true);
        }
        return new Channel(new Cid(rs.getString("type"), rs.getString("id")), rs.getString("name"), rs.getString("image"),
                custom, rs.getString("created_by"), rs.getBoolean("frozen"), config,
                rs.getLong("last_seq"), rs.getLong("truncated_seq"), instant(rs, "last_message_at"), rs.getInt("member_count"),
                instant(rs, "created_at"), instant(rs, "updated_at"));
    }

    /** Needs {@code c.last_seq} selected too, to decide {@code hidden}. */
    public static Member member(ResultSet rs, long channelLastSeq) throws SQLException {
        Long hiddenSeq = Tx.nullableLong(rs, "hidden_seq");
        return new Member(rs.getString("user_id"), rs.getString("role"), rs.getLong("last_read_seq"), instant(rs, "last_read_at"),
                hiddenSeq != null && channelLastSeq <= hiddenSeq, instant(rs, "created_at"), instant(rs, "updated_at"));
    }

    /** A message without reactions, its content opened in {@code tx}; {@code MessageLoader} adds the reactions. */
    public static Message message(ResultSet rs, Tx tx, AppId app) throws SQLException {
        Integer version = (Integer) rs.getObject("key_version");
        MessageContent content = MessageContent.ofRow(tx, app, rs.getString("id"), rs.getBytes("content"), version,
                rs.getString("text"), rs.getString("attachments"), rs.getString("custom"));
        List<Map<String, Object>> linked = content.attachments().isEmpty() ? content.attachments()
                : io.chatsdk.engine.internal.FileRows.resigned(tx, app, rs.getObject("message_channel_pk", java.util.UUID.class), java.time.Instant.now(),
                content.attachments());
        List<Attachment> attachments = linked.stream().map(Wire::attachmentFrom).toList();
        return new Message(rs.getString("id"), new Cid(rs.getString("channel_type"), rs.getString("channel_id")), rs.getLong("seq"),
                rs.getString("user_id"), rs.getString("type"), content.text(), attachments, Tx.textArray(rs, "mentioned_users"),
                rs.getString("parent_id"), rs.getBoolean("show_in_channel"), rs.getInt("reply_count"), rs.getString("quoted_message_id"),
                instant(rs, "pinned_at"), rs.getString("pinned_by"), instant(rs, "pin_expires_at"), rs.getBoolean("silent"),
                content.custom(), Map.of(), Map.of(), List.of(), instant(rs, "created_at"),
                instant(rs, "updated_at"), instant(rs, "edited_at"), instant(rs, "deleted_at"), rs.getBoolean("shadowed"));
    }

    public static Reaction reaction(ResultSet rs) throws SQLException {
        return new Reaction(rs.getString("message_id"), rs.getString("user_id"), rs.getString("type"), rs.getInt("score"),
                Json.readMap(rs.getString("custom")), instant(rs, "created_at"));
    }
}
