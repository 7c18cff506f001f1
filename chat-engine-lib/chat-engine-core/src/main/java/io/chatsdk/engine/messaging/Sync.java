package io.chatsdk.engine.messaging;

import io.chatsdk.engine.internal.ChannelGate;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.internal.MessageLoader;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.Permission;
import io.chatsdk.engine.model.SyncEvents;
import io.chatsdk.engine.model.SyncResult;
import io.chatsdk.engine.persistence.Rows;
import io.chatsdk.engine.types.Actor;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;
import io.chatsdk.engine.types.Validate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Offline sync: given the last seq a client saw in each channel (and when it last synced), returns what it missed, in
 * seq order, plus changed messages, channels joined and left meanwhile, and fresh unread counts. Changes to messages
 * the client already has come back as the changed messages themselves (not as events). User actors only. Thread-safe.
 */
public final class Sync {
    public static final int MAX_CHANNELS = 100;
    public static final int MAX_PAGE = 300;

    private final EngineContext ctx;
    private final AppId app;
    private final Actor actor;
    private final int reloadThreshold;

    public Sync(EngineContext ctx, AppId app, Actor actor, int reloadThreshold) {
        this.ctx = ctx;
        this.app = app;
        this.actor = actor;
        this.reloadThreshold = reloadThreshold;
    }

    /**
     * @param lastSeqs   the client's last seq per channel ({@code messaging:general} → 41); at most {@value #MAX_CHANNELS}
     * @param lastSyncAt when the client last synced (from the previous {@link SyncResult#syncedAt()}), or null for never
     * @param pageLimit  most messages returned per channel, 1..{@value #MAX_PAGE}
     */
    public SyncResult since(Map<String, Long> lastSeqs, Instant lastSyncAt, int pageLimit) {
        if (!(actor instanceof Actor.User u)) {
            throw ChatException.forbidden("sync is for users: act as the user whose devices are syncing");
        }
        Validate.range("limit", pageLimit, 1, MAX_PAGE);
        if (lastSeqs == null || lastSeqs.size() > MAX_CHANNELS) {
            throw ChatException.invalid("channels", "must map at most " + MAX_CHANNELS + " channel ids to their last seq");
        }
        Instant now = ctx.now();
        Map<Cid, Long> wanted = new LinkedHashMap<>();
        lastSeqs.forEach((cid, seq) -> {
            if (seq == null || seq < 0) {
                throw ChatException.invalid("channels." + cid, "must be a seq of 0 or more");
            }
            wanted.put(Cid.parse(cid), seq);
        });
        return ctx.db().read(tx -> {
            Map<String, SyncResult.ChannelSync> channels = new LinkedHashMap<>();
            List<String> left = new ArrayList<>();
            Messages messages = new Messages(ctx, app, actor);
            for (Map.Entry<Cid, Long> w : wanted.entrySet()) {
                ChannelGate.Loaded l;
                try {
                    l = ChannelGate.load(tx, app, actor, w.getKey(), u.userId(), now);
                    l.require(Permission.READ_CHANNEL);
                } catch (ChatException e) {
                    if (e.code() == ErrorCode.CHANNEL_NOT_FOUND || e.code() == ErrorCode.FORBIDDEN) {
                        left.add(w.getKey().toString());
                        continue;
                    }
                    throw e;
                }
                long from = Math.max(w.getValue(), l.channel().truncatedSeq());
                long gap = l.channel().lastSeq() - from;
                if (gap > reloadThreshold) {
                    channels.put(w.getKey().toString(), new SyncResult.ChannelSync(List.of(), List.of(), false, true, l.channel().lastSeq()));
                    continue;
                }
                List<Message> missed = MessageLoader.list(tx, app, "select " + Rows.MESSAGE_COLUMNS + MessageLoader.FROM
                        + "where msg.channel_pk = ? and msg.seq > ? and " + MessageLoader.VISIBLE + " order by msg.seq limit " + (pageLimit + 1),
                        u.userId(), l.pk(), from, u.userId(), u.userId());
                boolean more = missed.size() > pageLimit;
                if (more) {
                    missed = missed.subList(0, pageLimit);
                }
                List<Message> changed = lastSyncAt == null ? List.of() : MessageLoader.list(tx, app, "select " + Rows.MESSAGE_COLUMNS
                        + MessageLoader.FROM + "where msg.channel_pk = ? and msg.seq <= ? and msg.seq > ? and msg.updated_at > ? and "
                        + MessageLoader.VISIBLE + " order by msg.seq limit " + MAX_PAGE,
                        u.userId(), l.pk(), w.getValue(), l.channel().truncatedSeq(), lastSyncAt, u.userId(), u.userId());
                channels.put(w.getKey().toString(), new SyncResult.ChannelSync(missed, changed, more, false, l.channel().lastSeq()));
            }
            Set<String> asked = new TreeSet<>(lastSeqs.keySet());
            List<String> joined = lastSyncAt == null ? List.of() : tx.query("select c.type || ':' || c.id from channel_member m "
                            + "join channel c on c.pk = m.channel_pk where m.app_id = ? and m.user_id = ? and m.created_at > ? order by m.created_at",
                    rs -> rs.getString(1), app.value(), u.userId(), lastSyncAt).stream().filter(c -> !asked.contains(c)).toList();
            return new SyncResult(channels, joined, left, new ReadState(ctx, app, actor).unreadCounts(null), now);
        });
    }

    /**
     * GetStream's sync: what happened in {@code cids} since {@code lastSyncAt}, as message events in the order they
     * happened. A message created since then is a {@code message.new} (with its current content, so one that was also
     * deleted arrives deleted), one deleted since then a {@code message.deleted}, any other change a
     * {@code message.updated}. Channels the user cannot read (left, removed, deleted) are listed as inaccessible.
     *
     * @param cids       at most {@value #MAX_CHANNELS} channels
     * @param lastSyncAt when the client last heard from the server; required
     * @param limit      most events returned, 1..{@value #MAX_PAGE}; {@link SyncEvents#hasMore()} says when more remain,
     *                   to be fetched with the last event's time as {@code lastSyncAt}
     */
    public SyncEvents events(List<String> cids, Instant lastSyncAt, int limit) {
        if (!(actor instanceof Actor.User u)) {
            throw ChatException.forbidden("sync is for users: act as the user whose devices are syncing");
        }
        Validate.range("limit", limit, 1, MAX_PAGE);
        if (cids == null || cids.isEmpty() || cids.size() > MAX_CHANNELS) {
            throw ChatException.invalid("channel_cids", "must list 1 to " + MAX_CHANNELS + " channels");
        }
        if (lastSyncAt == null) {
            throw ChatException.invalid("last_sync_at", "is required");
        }
        Instant now = ctx.now();
        List<Cid> wanted = new ArrayList<>(new java.util.LinkedHashSet<>(cids.stream().map(Cid::parse).toList()));
        return ctx.db().read(tx -> {
            List<SyncEvents.Change> changes = new ArrayList<>();
            List<String> inaccessible = new ArrayList<>();
            for (Cid cid : wanted) {
                ChannelGate.Loaded l;
                try {
                    l = ChannelGate.load(tx, app, actor, cid, u.userId(), now);
                    l.require(Permission.READ_CHANNEL);
                } catch (ChatException e) {
                    if (e.code() == ErrorCode.CHANNEL_NOT_FOUND || e.code() == ErrorCode.FORBIDDEN) {
                        inaccessible.add(cid.toString());
                        continue;
                    }
                    throw e;
                }
                List<Message> changed = MessageLoader.list(tx, app, "select " + Rows.MESSAGE_COLUMNS + MessageLoader.FROM
                                + "where msg.channel_pk = ? and msg.seq > ? and (msg.created_at > ? or msg.updated_at > ?) and " + MessageLoader.VISIBLE
                                + " order by greatest(msg.created_at, msg.updated_at), msg.seq limit " + (limit + 1),
                        u.userId(), l.pk(), l.channel().truncatedSeq(), lastSyncAt, lastSyncAt, u.userId(), u.userId());
                for (Message m : changed) {
                    String type = m.createdAt().isAfter(lastSyncAt) ? "message.new"
                            : m.deletedAt() != null && m.deletedAt().isAfter(lastSyncAt) ? "message.deleted" : "message.updated";
                    Instant at = m.updatedAt().isAfter(m.createdAt()) ? m.updatedAt() : m.createdAt();
                    changes.add(new SyncEvents.Change(type, m, at));
                }
            }
            changes.sort(java.util.Comparator.comparing(SyncEvents.Change::at).thenComparing(c -> c.message().cid().toString())
                    .thenComparingLong(c -> c.message().seq()));
            boolean more = changes.size() > limit;
            return new SyncEvents(more ? List.copyOf(changes.subList(0, limit)) : List.copyOf(changes), List.copyOf(inaccessible), more);
        });
    }
}
