package io.chatsdk.engine.internal;

import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.Reaction;
import io.chatsdk.engine.persistence.Rows;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.AppId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/** Reads messages with their reaction counts, scores and the reader's own reactions, in a fixed number of queries. */
public final class MessageLoader {
    public static final String FROM = " from message msg join channel mc on mc.pk = msg.channel_pk ";
    /**
     * What a user may see, with the user id bound twice: their own messages, and others' unless shadowed or written by
     * someone they block. Server reads (no reader) see everything.
     */
    public static final String VISIBLE = "(msg.user_id = ? or (not msg.shadowed and not exists (select 1 from user_block vb "
            + "where vb.app_id = msg.app_id and vb.user_id = ? and vb.blocked_id = msg.user_id)))";

    private MessageLoader() {
    }

    /** A message and the key of its channel. */
    public record Located(Message message, UUID channelPk) {
    }

    public static Optional<Located> byId(Tx tx, AppId app, String id, String reader) {
        String sql = "select " + Rows.MESSAGE_COLUMNS + ", msg.channel_pk" + FROM + "where msg.app_id = ? and msg.id = ?";
        Object[] params = reader == null ? new Object[] {app.value(), id} : new Object[] {app.value(), id, reader, reader};
        return tx.one(reader == null ? sql : sql + " and " + VISIBLE,
                        rs -> new Located(Rows.message(rs, tx, app), rs.getObject("channel_pk", UUID.class)), params)
                .map(l -> new Located(withReactions(tx, app, List.of(l.message()), reader).get(0), l.channelPk()));
    }

    /** Runs a message query ({@code sql} must select {@link Rows#MESSAGE_COLUMNS} using {@link #FROM}) and adds reactions. */
    public static List<Message> list(Tx tx, AppId app, String sql, String reader, Object... params) {
        return withReactions(tx, app, tx.query(sql, rs -> Rows.message(rs, tx, app), params), reader);
    }

    public static List<Message> withReactions(Tx tx, AppId app, List<Message> messages, String reader) {
        if (messages.isEmpty()) {
            return messages;
        }
        List<String> ids = messages.stream().map(Message::id).toList();
        Map<String, Map<String, Integer>> counts = new HashMap<>();
        Map<String, Map<String, Integer>> scores = new HashMap<>();
        tx.query("select message_id, type, count(*), sum(score) from reaction where app_id = ? and message_id = any(?) group by message_id, type",
                rs -> {
                    counts.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2), rs.getInt(3));
                    scores.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2), rs.getInt(4));
                    return null;
                }, app.value(), ids);
        Map<String, List<Reaction>> own = new LinkedHashMap<>();
        if (reader != null) {
            tx.query("select message_id, user_id, type, score, custom::text as custom, created_at from reaction "
                            + "where app_id = ? and message_id = any(?) and user_id = ? order by created_at",
                    rs -> own.computeIfAbsent(rs.getString("message_id"), k -> new ArrayList<>()).add(Rows.reaction(rs)), app.value(), ids, reader);
        }
        List<Message> out = new ArrayList<>(messages.size());
        for (Message m : messages) {
            out.add(present(m, counts.getOrDefault(m.id(), Map.of()), scores.getOrDefault(m.id(), Map.of()), own.getOrDefault(m.id(), List.of())));
        }
        return out;
    }

    /** Deleted messages are served without their content. */
    private static Message present(Message m, Map<String, Integer> counts, Map<String, Integer> scores, List<Reaction> own) {
        boolean deleted = m.deletedAt() != null;
        return new Message(m.id(), m.cid(), m.seq(), m.userId(), deleted ? "deleted" : m.type(), deleted ? "" : m.text(),
                deleted ? List.of() : m.attachments(), deleted ? List.of() : m.mentionedUsers(), m.parentId(), m.showInChannel(),
                m.replyCount(), m.quotedMessageId(), m.pinnedAt(), m.pinnedBy(), m.pinExpiresAt(), m.silent(),
                deleted ? Map.of() : m.custom(), counts, scores, own, m.createdAt(), m.updatedAt(), m.editedAt(), m.deletedAt(), m.shadowed());
    }
}
