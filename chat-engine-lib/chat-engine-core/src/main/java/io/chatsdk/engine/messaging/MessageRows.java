package io.chatsdk.engine.messaging;

import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.AppId;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * A send's writes under its channel's row lock: the next {@code seq}, the message row and the sender's read marker.
 *
 * <p>Written at once, in one statement, as a rule. In a group commit's first run ({@link Tx#holdsRows}), once the
 * transaction knows its channel's last seq (from its first send's statement), a plain send (one that writes nothing
 * else referring to its row: no attachments, mentions, parent or quote) takes the next seq without a round trip and its
 * row is held back. The held rows are written before the commit in one statement a channel, which also sets the
 * channel's last seq, checking that it is still the seq just before the held rows, and the senders' read markers. A
 * send that is not plain, and a read of message rows ({@link #flush}), first writes the rows held so far, so that seqs
 * are written in order. Until then the channel's {@code last_seq}, {@code last_message_at} and {@code updated_at},
 * and the senders' {@code last_read_seq} and {@code last_read_at}, are stale in the database too: whatever reads them
 * inside a send must call {@link #flush} first (nothing does today).
 *
 * <p>A held row whose client id is taken fails the batch's first run as a whole, at the write; the run with savepoints
 * then writes each row at once and the repeated send gets its own answer, as {@link Messages#send} gives it alone.
 */
final class MessageRows {
    private MessageRows() {
    }

    /** A message row to write: everything but its seq; {@code files}: the send attaches files, whose rows refer to it. */
    record Draft(AppId app, String id, UUID channelPk, String author, String type, List<String> mentions, String parentId,
                 boolean showInChannel, String quotedMessageId, boolean silent, byte[] content, int keyVersion, boolean shadowed,
                 boolean inMainStream, Instant at, boolean files) {
        /** Whether the send writes nothing else that refers to its row, so that the row may be held back. */
        boolean plain() {
            return mentions.isEmpty() && parentId == null && quotedMessageId == null && !files;
        }
    }

    private record Held(Draft draft, long seq) {
    }

    /** The channel's last seq as this transaction's sends leave it, held rows included; kept only while rows are held. */
    private record LastSeq(UUID channelPk) {
    }

    private static final Tx.RowWriter<Held> HELD = MessageRows::writeAll;

    /**
     * Writes the message (or holds it back, see above) and returns its seq. Empty when its client id is taken: the channel's
     * seq and the sender's read marker have moved all the same, so the caller must roll the transaction back (a held row
     * whose id is taken is found only when the held rows are written, which then fails).
     */
    static OptionalLong write(Tx tx, Draft d) {
        LastSeq key = new LastSeq(d.channelPk());
        Long last = tx.holdsRows() ? tx.kept(key) : null;
        if (last != null && d.plain()) {
            long seq = last + 1;
            tx.hold(HELD, new Held(d, seq));
            tx.keep(key, seq);
            return OptionalLong.of(seq);
        }
        flush(tx);   // the rows held so far take their seqs before this one
        // One round trip while the channel row is locked: next seq, the sender's read marker, the message row.
        OptionalLong seq = tx.one("with s as (update channel set last_seq = last_seq + 1, "
                        + "last_message_at = case when ? then ?::timestamptz else last_message_at end, updated_at = ? where pk = ? returning last_seq), "
                        + "r as (update channel_member set last_read_seq = (select last_seq from s), last_read_at = ? where channel_pk = ? and user_id = ?) "
                        + "insert into message (app_id, id, channel_pk, seq, user_id, type, text, attachments, mentioned_users, "
                        + "parent_id, show_in_channel, quoted_message_id, silent, content, key_version, shadowed, created_at, updated_at) "
                        + "select ?, ?, ?, s.last_seq, ?, ?, '', '[]', ?, ?, ?, ?, ?, ?, ?, ?, ?, ? from s "
                        + "on conflict (app_id, id) do nothing returning seq",
                rs -> rs.getLong(1), d.inMainStream() && !d.shadowed(), d.at(), d.at(), d.channelPk(), d.at(), d.channelPk(), d.author(),
                d.app().value(), d.id(), d.channelPk(), d.author(), d.type(), d.mentions(),
                d.parentId(), d.showInChannel(), d.quotedMessageId(), d.silent(), d.content(), d.keyVersion(), d.shadowed(), d.at(), d.at())
                .map(OptionalLong::of).orElse(OptionalLong.empty());
        if (tx.holdsRows() && seq.isPresent()) {
            tx.keep(key, seq.getAsLong());
        }
        return seq;
    }

    /** Writes the message rows held so far, so that a read of message rows in this transaction sees them. */
    static void flush(Tx tx) {
        if (tx.holdsRows()) {
            tx.writeHeld(HELD);
        }
    }

    /** One statement a channel: its last seq (checked against the seq just before the held rows), read markers, rows. */
    private static void writeAll(Tx tx, List<Held> rows) {
        Map<UUID, List<Held>> byChannel = new LinkedHashMap<>();
        rows.forEach(h -> byChannel.computeIfAbsent(h.draft().channelPk(), c -> new ArrayList<>()).add(h));
        byChannel.forEach((channelPk, held) -> writeChannel(tx, channelPk, held));
    }

    private static void writeChannel(Tx tx, UUID channelPk, List<Held> rows) {
        int n = rows.size();
        String[] ids = new String[n];
        Long[] seqs = new Long[n];
        String[] authors = new String[n];
        String[] types = new String[n];
        Boolean[] silent = new Boolean[n];
        byte[][] content = new byte[n][];
        Integer[] versions = new Integer[n];
        Boolean[] shadowed = new Boolean[n];
        Instant[] ats = new Instant[n];
        Instant lastMessageAt = null;
        for (int i = 0; i < n; i++) {
            Held h = rows.get(i);
            Draft d = h.draft();
            if (h.seq() != rows.get(0).seq() + i) {
                throw new IllegalStateException("held messages' seqs are not consecutive");
            }
            ids[i] = d.id();
            seqs[i] = h.seq();
            authors[i] = d.author();
            types[i] = d.type();
            silent[i] = d.silent();
            content[i] = d.content();
            versions[i] = d.keyVersion();
            shadowed[i] = d.shadowed();
            ats[i] = d.at();
            if (d.inMainStream() && !d.shadowed()) {
                lastMessageAt = d.at();
            }
        }
        // the read marker of a sender with several messages is its last one's (as their statements one after the other leave it)
        int written = tx.query("with c as (update channel set last_seq = ?, last_message_at = coalesce(?::timestamptz, last_message_at), updated_at = ? "
                        + "where pk = ? and last_seq = ? returning pk), "
                        + "r as (update channel_member m set last_read_seq = x.seq, last_read_at = x.at from (select distinct on (u.user_id) u.user_id, u.seq, u.at "
                        + "from unnest(?::text[], ?::bigint[], ?::timestamptz[]) as u(user_id, seq, at) order by u.user_id, u.seq desc) x "
                        + "where m.channel_pk = (select pk from c) and m.user_id = x.user_id) "
                        + "insert into message (app_id, id, channel_pk, seq, user_id, type, text, attachments, mentioned_users, "
                        + "parent_id, show_in_channel, quoted_message_id, silent, content, key_version, shadowed, created_at, updated_at) "
                        + "select ?, r.id, c.pk, r.seq, r.user_id, r.type, '', '[]', '{}', null, false, null, r.silent, r.content, r.version, r.shadowed, r.at, r.at "
                        + "from c, unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::boolean[], ?::bytea[], ?::int[], ?::boolean[], ?::timestamptz[]) "
                        + "as r(id, seq, user_id, type, silent, content, version, shadowed, at) "
                        + "on conflict (app_id, id) do nothing returning seq",
                rs -> rs.getLong(1), seqs[n - 1], lastMessageAt, ats[n - 1], channelPk, seqs[0] - 1,
                authors, seqs, ats,
                rows.get(0).draft().app().value(), ids, seqs, authors, types, silent, content, versions, shadowed, ats).size();
        if (written != n) {
            // a client id taken (or the channel's seq moved, which its row lock forbids): the batch runs again, row by row
            throw new IllegalStateException(n - written + " of " + n + " held messages were not written");
        }
    }
}
