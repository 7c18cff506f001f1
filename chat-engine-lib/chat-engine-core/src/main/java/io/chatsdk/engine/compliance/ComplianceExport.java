package io.chatsdk.engine.compliance;

import io.chatsdk.engine.audit.AuditEntry;
import io.chatsdk.engine.export.ExportConversation;
import io.chatsdk.engine.export.ExportFormat;
import io.chatsdk.engine.export.ExportHeader;
import io.chatsdk.engine.export.ExportMembership;
import io.chatsdk.engine.export.ExportMessage;
import io.chatsdk.engine.export.ExportRevision;
import io.chatsdk.engine.export.ExportWriter;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.internal.MessageContent;
import io.chatsdk.engine.internal.MessageRevisions;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.Validate;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Streams an app's conversations to a compliance export (JSONL, CSV, EML or Actiance-style XML): per channel, the
 * membership changes and the messages in the date range, oldest first, each message with its edit history, its
 * deletion (soft, hard, or kept by a legal hold) and the channel's members at the time it was sent. Reads page by page
 * (500 messages per query), so the export's size is bounded by the output stream, not by memory. Thread-safe.
 */
public final class ComplianceExport {
    private static final int PAGE = 500;
    private final EngineContext ctx;
    private final AppId app;

    /**
     * What to export: messages created in {@code [from, to)} (open ends when null), by {@code userIds} (any author
     * when empty), in {@code channelCids} (every channel when empty). {@code requestedBy} names who asked, for the audit log.
     */
    public record Request(ExportFormat format, Instant from, Instant to, List<String> userIds, List<String> channelCids, String requestedBy) {
        public Request {
            if (format == null) {
                throw ChatException.invalid("format", "is required: jsonl, csv, eml or xml");
            }
            userIds = userIds == null ? List.of() : List.copyOf(userIds);
            channelCids = channelCids == null ? List.of() : List.copyOf(channelCids);
            for (int i = 0; i < userIds.size(); i++) {
                Validate.userId("user_ids[" + i + "]", userIds.get(i));
            }
            for (int i = 0; i < channelCids.size(); i++) {
                Cid.parse("channel_cids[" + i + "]", channelCids.get(i));
            }
            if (from != null && to != null && !to.isAfter(from)) {
                throw ChatException.invalid("to", "must be after from");
            }
        }
    }

    private record Conversation(UUID pk, String type, String id, String name, Instant createdAt) {
        String cid() {
            return type + ":" + id;
        }
    }

    private record Row(String id, long seq, String userId, String userName, String type, String parentId, Instant createdAt, Instant editedAt,
                       Instant deletedAt, byte[] content, Integer keyVersion, String text, String attachments, String custom) {
    }

    ComplianceExport(EngineContext ctx, AppId app) {
        this.ctx = ctx;
        this.app = app;
    }

    /** Told the number of messages written so far, after each page of them (an export job's progress). */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = written -> { };

        void messages(long written);
    }

    /** Writes the export to {@code out} (not closed); returns {@code conversations} and {@code messages} counts. */
    public Map<String, Long> write(Request request, OutputStream out) throws IOException {
        return write(request, out, Progress.NONE);
    }

    /** {@link #write(Request, OutputStream)}, telling {@code progress} after each page of messages. */
    public Map<String, Long> write(Request request, OutputStream out, Progress progress) throws IOException {
        Map<String, Object> filters = new LinkedHashMap<>();
        filters.put("user_ids", request.userIds());
        filters.put("channel_cids", request.channelCids());
        long conversations = 0;
        long messages = 0;
        try (ExportWriter w = request.format().open(out, new ExportHeader(app.toString(), request.from(), request.to(), ctx.now(), filters))) {
            long[] written = {0};
            Progress counting = page -> progress.messages(written[0] += page);
            for (Conversation c : conversations(request)) {
                long n = conversation(w, c, request, counting);
                if (n >= 0) {
                    conversations++;
                    messages += n;
                }
            }
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("conversations", conversations);
        counts.put("messages", messages);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("format", request.format().wire());
        counts.forEach((k, v) -> details.put(k, Long.toString(v)));
        ctx.audit().record(new AuditEntry(app, "compliance", request.requestedBy(), null, "export.completed", "app", app.toString(),
                null, null, true, null, details));
        return counts;
    }

    /** How many messages {@link #write} will write for {@code request} (as of now: sends meanwhile may add some). */
    public long count(Request request) {
        List<Object> params = new ArrayList<>(List.of(app.value()));
        StringBuilder sql = new StringBuilder("select count(*) from message m join channel c on c.pk = m.channel_pk where c.app_id = ?");
        if (!request.channelCids().isEmpty()) {
            sql.append(" and (c.type || ':' || c.id) = any(?)");
            params.add(request.channelCids());
        }
        if (request.from() != null) {
            sql.append(" and m.created_at >= ?");
            params.add(request.from());
        }
        if (request.to() != null) {
            sql.append(" and m.created_at < ?");
            params.add(request.to());
        }
        if (!request.userIds().isEmpty()) {
            sql.append(" and m.user_id = any(?)");
            params.add(request.userIds());
        }
        return ctx.db().read(tx -> tx.one(sql.toString(), rs -> rs.getLong(1), params.toArray()).orElse(0L));
    }

    private List<Conversation> conversations(Request r) {
        return ctx.db().read(tx -> tx.query("select pk, type, id, name, created_at from channel where app_id = ? "
                        + (r.channelCids().isEmpty() ? "and ?::text[] is not null " : "and (type || ':' || id) = any(?) ") + "order by created_at, pk",
                rs -> new Conversation(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4), Tx.instant(rs, "created_at")),
                app.value(), r.channelCids()));
    }

    /** Writes one channel; returns the messages written, or -1 when nothing of it was in scope (no conversation written). */
    private long conversation(ExportWriter w, Conversation c, Request r, Progress pageWritten) throws IOException {
        List<ExportMembership> changes = ctx.db().read(tx -> tx.query("select user_id, kind, at from membership_event where channel_pk = ? order by at, id",
                rs -> new ExportMembership(c.cid(), rs.getString(1), rs.getString(2), Tx.instant(rs, "at")), c.pk()));
        TreeSet<String> members = new TreeSet<>();
        int nextChange = 0;
        boolean begun = false;
        long written = 0;
        long afterSeq = 0;
        while (true) {
            long after = afterSeq;
            List<ExportMessage> page = ctx.db().read(tx -> page(tx, c, r, after));
            for (ExportMessage m : page) {
                while (nextChange < changes.size() && !changes.get(nextChange).at().isAfter(m.createdAt())) {
                    ExportMembership ch = changes.get(nextChange++);
                    if (inRange(ch.at(), r)) {
                        begun = begin(w, c, begun, members, r);
                        w.membership(ch);
                    }
                    apply(members, ch);
                }
                begun = begin(w, c, begun, members, r);
                w.message(withMembers(m, List.copyOf(members)));
                written++;
                afterSeq = m.seq();
            }
            if (!page.isEmpty()) {
                pageWritten.messages(page.size());
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        for (; nextChange < changes.size(); nextChange++) {
            ExportMembership ch = changes.get(nextChange);
            if (inRange(ch.at(), r) && (begun || r.userIds().isEmpty() || r.userIds().contains(ch.userId()))) {
                begun = begin(w, c, begun, members, r);
                w.membership(ch);
            }
            apply(members, ch);
        }
        if (begun) {
            w.endConversation();
        }
        return begun ? written : -1;
    }

    /**
     * Opens the conversation once. A date-range export starts with a {@code joined} at the range's start for everyone
     * who was a member then, so each conversation's participants are complete (Actiance needs that).
     */
    private boolean begin(ExportWriter w, Conversation c, boolean begun, TreeSet<String> members, Request r) throws IOException {
        if (!begun) {
            w.beginConversation(new ExportConversation(app.toString(), c.cid(), c.type(), c.name(), c.createdAt()));
            if (r.from() != null) {
                for (String m : members) {
                    w.membership(new ExportMembership(c.cid(), m, "joined", r.from()));
                }
            }
        }
        return true;
    }

    private static void apply(TreeSet<String> members, ExportMembership change) {
        if (change.kind().equals("joined")) {
            members.add(change.userId());
        } else {
            members.remove(change.userId());
        }
    }

    private static boolean inRange(Instant at, Request r) {
        return (r.from() == null || !at.isBefore(r.from())) && (r.to() == null || at.isBefore(r.to()));
    }

    private List<ExportMessage> page(Tx tx, Conversation c, Request r, long afterSeq) {
        List<Object> params = new ArrayList<>(List.of(c.pk(), afterSeq));
        StringBuilder sql = new StringBuilder("select m.id, m.seq, m.user_id, u.name as user_name, m.type, m.parent_id, m.created_at, m.edited_at, "
                + "m.deleted_at, m.content, m.key_version, m.text, m.attachments::text as attachments, m.custom::text as custom from message m "
                + "left join app_user u on u.app_id = m.app_id and u.id = m.user_id where m.channel_pk = ? and m.seq > ?");
        if (r.from() != null) {
            sql.append(" and m.created_at >= ?");
            params.add(r.from());
        }
        if (r.to() != null) {
            sql.append(" and m.created_at < ?");
            params.add(r.to());
        }
        if (!r.userIds().isEmpty()) {
            sql.append(" and m.user_id = any(?)");
            params.add(r.userIds());
        }
        sql.append(" order by m.seq limit ").append(PAGE);
        List<Row> rows = tx.query(sql.toString(), rs -> new Row(rs.getString("id"), rs.getLong("seq"), rs.getString("user_id"), rs.getString("user_name"),
                rs.getString("type"), rs.getString("parent_id"), Tx.instant(rs, "created_at"), Tx.instant(rs, "edited_at"), Tx.instant(rs, "deleted_at"),
                rs.getBytes("content"), (Integer) rs.getObject("key_version"), rs.getString("text"), rs.getString("attachments"),
                rs.getString("custom")), params.toArray());
        Map<String, List<ExportRevision>> revisions = revisions(tx, rows);
        List<ExportMessage> out = new ArrayList<>(rows.size());
        for (Row row : rows) {
            MessageContent content = MessageContent.ofRow(tx, app, row.id(), row.content(), row.keyVersion(), row.text(), row.attachments(), row.custom());
            boolean hard = row.deletedAt() != null && row.content() == null && content.text().isEmpty() && content.attachments().isEmpty();
            out.add(new ExportMessage(row.id(), c.cid(), row.seq(), row.userId(), row.userName(), row.type(), content.text(), content.attachments(),
                    content.custom(), row.parentId(), row.createdAt(), row.editedAt(), row.deletedAt(), hard, revisions.getOrDefault(row.id(), List.of()),
                    List.of()));
        }
        return out;
    }

    private Map<String, List<ExportRevision>> revisions(Tx tx, List<Row> rows) {
        Map<String, List<ExportRevision>> out = new HashMap<>();
        List<String> edited = rows.stream().filter(r -> r.editedAt() != null || r.deletedAt() != null).map(Row::id).toList();
        if (edited.isEmpty()) {
            return out;
        }
        tx.query("select message_id, revision, key_version, content, replaced_at from message_revision where app_id = ? and message_id = any(?) "
                + "order by message_id, revision", rs -> {
            MessageContent c = MessageRevisions.open(tx, app, rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getBytes(4));
            out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new ExportRevision(c.text(), Tx.instant(rs, "replaced_at")));
            return null;
        }, app.value(), edited);
        return out;
    }

    private static ExportMessage withMembers(ExportMessage m, List<String> members) {
        return new ExportMessage(m.messageId(), m.cid(), m.seq(), m.userId(), m.userName(), m.type(), m.text(), m.attachments(), m.custom(),
                m.parentId(), m.createdAt(), m.editedAt(), m.deletedAt(), m.hardDeleted(), m.revisions(), members);
    }

    /** Runs {@link #write} for callers that cannot throw {@link IOException}. */
    public Map<String, Long> writeUnchecked(Request request, OutputStream out) {
        try {
            return write(request, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
