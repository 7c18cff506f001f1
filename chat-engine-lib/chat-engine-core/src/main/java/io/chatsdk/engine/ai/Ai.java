package io.chatsdk.engine.ai;

import io.chatsdk.engine.audit.AuditEntry;
import io.chatsdk.engine.internal.AppSettings;
import io.chatsdk.engine.internal.ChannelGate;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.internal.MessageLoader;
import io.chatsdk.engine.messaging.Messages;
import io.chatsdk.engine.model.AiSettings;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.MessagePage;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.spi.Embedder;
import io.chatsdk.engine.types.Actor;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;
import io.chatsdk.engine.types.Validate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An app's opt-in AI (docs/search.md): its switches, smart replies and catch-up summaries. Everything runs in this
 * process, on the app's own history, and only with the app's switches on ({@link AiSettings}); semantic search is a
 * text condition of {@link io.chatsdk.engine.search.MessageSearch} ({@code $semantic}). Thread-safe.
 */
public final class Ai {
    /** The most unread messages a catch-up summary reads (the newest ones). */
    public static final int CATCH_UP_WINDOW = 500;

    private final EngineContext ctx;
    private final AppId app;
    private final Actor actor;
    private final Embedder embedder;

    public Ai(EngineContext ctx, AppId app, Actor actor) {
        this.ctx = ctx;
        this.app = app;
        this.actor = actor;
        this.embedder = ctx.embedder();   // null: the engine has no model, and embeddings cannot be switched on
    }

    /** The app's switches (readable by its users: a client shows only what is on). */
    public AiSettings settings() {
        return ctx.db().read(tx -> settings(tx, app));
    }

    /** The app's switches, read in {@code tx}. */
    public static AiSettings settings(Tx tx, AppId app) {
        return AiSettings.fromSettings(AppSettings.read(tx, app));
    }

    /** The model embeddings are made with, or null if the engine has none. */
    public String model() {
        return embedder == null ? null : embedder.model();
    }

    /**
     * Applies a partial change of the switches ({@code ai_enabled} and the rest, booleans) and writes an audit record of
     * it ({@code ai.settings}, with the values before and after and who changed it). Server side only. Embeddings cannot
     * be switched on without a model; switching them off (or the master off) deletes the app's stored embeddings right
     * after, so switching them on again embeds everything again. Messages sent before
     * embeddings were on are embedded by backfills (the re-encryption pass every 10 minutes takes {@value
     * io.chatsdk.engine.search.SearchIndex#EMBED_PER_PASS} at a time), or all at once by an index rebuild.
     */
    public AiSettings update(Map<String, Object> change, String changedBy) {
        if (!(actor instanceof Actor.Server)) {
            throw ChatException.forbidden("AI settings: server side only");
        }
        AiSettings[] before = new AiSettings[1];
        AiSettings after = ctx.db().inTransaction(tx -> {
            AiSettings[] out = new AiSettings[1];
            AppSettings.update(tx, app, all -> {
                before[0] = AiSettings.fromSettings(all);
                out[0] = before[0].with(change);
                if (out[0].embeddings() && embedder == null) {
                    throw new ChatException(ErrorCode.FEATURE_DISABLED, "ai_embeddings: this server has no embedding model", "ai_embeddings", null);
                }
                if (before[0].embeddingsOn() && !out[0].embeddingsOn() && io.chatsdk.engine.search.SearchSync.switches(all).get("qdrant")) {
                    throw ChatException.invalid(out[0].enabled() ? "ai_embeddings" : "ai_enabled",
                            "Qdrant is on for this app and holds its vectors: switch it off first (search-engines)");
                }
                all.put(AiSettings.KEY, out[0].toMap());
            });
            return out[0];
        });
        if (before[0].embeddingsOn() && !after.embeddingsOn()) {
            // switched off: the stored vectors go too, in batches after the switch committed (indexing jobs read the switch
            // under a share lock, so none started before it can store a vector after this)
            new io.chatsdk.engine.search.SearchIndex(ctx).clearEmbeddings(app);
        }
        Map<String, String> details = new LinkedHashMap<>();
        after.toMap().forEach((k, v) -> details.put(k, before[0].toMap().get(k) + "->" + v));
        ctx.audit().record(new AuditEntry(app, "operator", changedBy, null, "ai.settings", "app", app.toString(), null, null, true, null, details));
        return after;
    }

    /**
     * Three replies to the channel's last message, for the acting user to pick from; see {@link SmartReplies}. A server
     * call names the user with {@code serverSideUserId} and gets exactly that user's view.
     */
    public SmartReplies.Result smartReplies(Cid cid, String serverSideUserId) {
        String user = requireUser(serverSideUserId);
        AiSettings.require(settings().smartRepliesOn(), "ai_smart_replies");
        if (embedder == null) {
            throw new ChatException(ErrorCode.FEATURE_DISABLED, "ai_smart_replies: this server has no embedding model", "ai_smart_replies", null);
        }
        return new SmartReplies(ctx, app, Actor.user(user), user).suggest(cid);
    }

    /**
     * What the acting user missed in a channel since their last read; see {@link CatchUp}. A server call names the
     * user with {@code serverSideUserId} and gets exactly that user's view: the channel must be readable by them, and
     * messages they may not see (others' shadowed ones, from people they block) are left out, in the counts too.
     */
    public CatchUp.Summary catchUp(Cid cid, String serverSideUserId) {
        String user = requireUser(serverSideUserId);
        AiSettings.require(settings().catchUpOn(), "ai_catch_up_summaries");
        Actor reader = Actor.user(user);
        return ctx.db().read(tx -> {
            ChannelGate.Loaded l = ChannelGate.load(tx, app, reader, cid, user, ctx.now());
            l.require(io.chatsdk.engine.model.Permission.READ_CHANNEL);
            long lastRead = Math.max(l.channel().truncatedSeq(),
                    tx.one("select last_read_seq from channel_member where channel_pk = ? and user_id = ?", rs -> rs.getLong(1), l.pk(), user).orElse(0L));
            // the counts cover everything unread that the user may see; the summary reads the newest CATCH_UP_WINDOW
            String unread = "from message msg where msg.channel_pk = ? and msg.seq > ? and msg.user_id <> ? and msg.deleted_at is null "
                    + "and (msg.parent_id is null or msg.show_in_channel) and " + MessageLoader.VISIBLE;
            List<CatchUp.Participant> participants = tx.query("select msg.user_id, count(*) " + unread + " group by msg.user_id",
                    rs -> new CatchUp.Participant(rs.getString(1), rs.getInt(2)), l.pk(), lastRead, user, user, user);
            int mentions = tx.one("select count(*) " + unread + " and ? = any(msg.mentioned_users)", rs -> rs.getInt(1), l.pk(), lastRead, user, user, user, user)
                    .orElse(0);
            String first = tx.one("select msg.id " + unread + " order by msg.seq limit 1", rs -> rs.getString(1), l.pk(), lastRead, user, user, user)
                    .orElse(null);
            Messages messages = new Messages(ctx, app, reader);
            List<Message> window = new ArrayList<>();
            Long before = null;
            // newest first, back to the last read: at most CATCH_UP_WINDOW messages from others are read
            while (window.size() < CATCH_UP_WINDOW) {
                List<Message> page = messages.listIn(tx, l, before == null ? MessagePage.latest(MessagePage.MAX_LIMIT)
                        : MessagePage.beforeSeq(before, MessagePage.MAX_LIMIT), user);
                List<Message> newer = new ArrayList<>();
                for (Message m : page) {
                    if (m.seq() > lastRead && !m.userId().equals(user) && m.deletedAt() == null) {
                        newer.add(m);
                    }
                }
                window.addAll(0, newer.size() > CATCH_UP_WINDOW - window.size() ? newer.subList(newer.size() - (CATCH_UP_WINDOW - window.size()), newer.size())
                        : newer);
                if (page.size() < MessagePage.MAX_LIMIT || page.get(0).seq() <= lastRead + 1) {
                    break;
                }
                before = page.get(0).seq();
            }
            return CatchUp.summarise(cid, user, lastRead, participants, mentions, first, window);
        });
    }

    private String requireUser(String serverSideUserId) {
        String user = ChannelGate.actingUser(actor, serverSideUserId);
        if (user == null) {
            throw ChatException.invalid("user_id", "is required for server-side calls: whose view to use");
        }
        return Validate.userId("user_id", user);
    }
}
