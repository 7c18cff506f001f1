package io.chatsdk.engine.search;

import io.chatsdk.engine.internal.AppSettings;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.internal.MessageContent;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.spi.SearchEngine;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps an app's external search engines ({@link SearchEngine}) in step with PostgreSQL by draining {@code search_sync}:
 * each queued message is sent as it is now (indexed, not deleted, not shadowed: its text, and its vector to a vector
 * engine) or removed. A batch's rows are deleted in the transaction that read them, after every engine switched on for
 * the app took the batch; if one fails, the transaction rolls back and the rows wait for the next drain, so nothing is
 * lost and sending twice is harmless (engines replace by id). Rows of an app whose engines are all off are dropped.
 * Thread-safe; concurrent drains take different rows ({@code skip locked}).
 */
public final class SearchSync {
    /** The app setting that holds the switches: {@code {"meilisearch": true, "qdrant": false}}. */
    public static final String KEY = "search_engines";
    private static final int BATCH = 200;
    private static final System.Logger LOG = System.getLogger(SearchSync.class.getName());

    private final EngineContext ctx;
    private final Map<String, SearchEngine> engines;

    public SearchSync(EngineContext ctx) {
        this.ctx = ctx;
        Map<String, SearchEngine> m = new LinkedHashMap<>();
        ctx.searchEngines().forEach(e -> m.put(e.name(), e));
        this.engines = Map.copyOf(m);
    }

    /** The engines the server has, by name. */
    public Map<String, SearchEngine> engines() {
        return engines;
    }

    /** Engines switched off whose index of the app could not be removed yet: retried by {@link #drain}. */
    public static final String DROPS = "search_engines_drops";

    /** Which engines an app has switched on (of those named in its settings), whether or not the server has them. */
    public static Map<String, Boolean> switches(Map<String, Object> appSettings) {
        Map<String, Boolean> out = new LinkedHashMap<>();
        out.put("meilisearch", false);
        out.put("qdrant", false);
        if (appSettings.get(KEY) instanceof Map<?, ?> m) {
            out.replaceAll((k, v) -> Boolean.TRUE.equals(m.get(k)));
        }
        return out;
    }

    /** The engines switched on for the app that this server has. */
    public List<SearchEngine> on(Tx tx, AppId app) {
        Map<String, Boolean> s = switches(AppSettings.read(tx, app));
        return engines.values().stream().filter(e -> s.getOrDefault(e.name(), false)).toList();
    }

    /** Queues messages for the app's engines, in the caller's transaction (nothing when none is on). */
    public void queue(Tx tx, AppId app, List<String> messageIds) {
        if (messageIds.isEmpty() || on(tx, app).isEmpty()) {
            return;
        }
        tx.update("insert into search_sync (app_id, message_id) select ?, unnest(?::text[])", app.value(), messageIds);
    }

    /**
     * Switches the app's engines on or off ({@code {"meilisearch": true}}, booleans, a partial change) and writes an audit
     * record ({@code search.engines}, each switch before and after, and who). Switching one on queues every indexed
     * message of the app for it; switching one off first removes the app's index from it (if that fails, nothing
     * changes: {@code unavailable}). Qdrant needs the app's AI embeddings on. Returns the switches now.
     */
    public Map<String, Boolean> update(AppId app, Map<String, Object> change, String changedBy) {
        for (Map.Entry<String, Object> e : change.entrySet()) {
            if (!List.of("meilisearch", "qdrant").contains(e.getKey())) {
                throw ChatException.invalid(e.getKey(), "is not a search engine; use meilisearch or qdrant");
            }
            if (!(e.getValue() instanceof Boolean b)) {
                throw ChatException.invalid(e.getKey(), "must be true or false");
            }
            if (b && !engines.containsKey(e.getKey())) {
                throw new ChatException(ErrorCode.FEATURE_DISABLED, e.getKey() + ": this server has no " + e.getKey() + " configured", e.getKey(), null);
            }
        }
        // an engine switched on again while the removal of its old index is still pending: remove it first
        for (String name : pendingDrops(app)) {
            if (Boolean.TRUE.equals(change.get(name))) {
                dropNow(app, name);
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Boolean>[] before = new Map[1];
        Map<String, Boolean> after = ctx.db().inTransaction(tx -> {
            Map<String, Boolean>[] out = new Map[1];
            AppSettings.update(tx, app, all -> {
                before[0] = switches(all);
                out[0] = new LinkedHashMap<>(before[0]);
                change.forEach((k, v) -> out[0].put(k, (Boolean) v));
                if (out[0].get("qdrant") && !io.chatsdk.engine.model.AiSettings.fromSettings(all).embeddingsOn()) {
                    throw ChatException.invalid("qdrant", "needs the app's AI embeddings on (ai_enabled and ai_embeddings): it holds their vectors");
                }
                all.put(KEY, new LinkedHashMap<>(out[0]));
                List<String> drops = new ArrayList<>(pendingDrops(all));
                out[0].forEach((k, v) -> {
                    if (before[0].get(k) && !v && !drops.contains(k)) {
                        drops.add(k);
                    }
                    if (v) {
                        drops.remove(k);
                    }
                });
                all.put(DROPS, drops);
            });
            boolean newlyOn = out[0].entrySet().stream().anyMatch(e -> e.getValue() && !before[0].get(e.getKey()));
            if (newlyOn) {
                tx.update("insert into search_sync (app_id, message_id) select app_id, message_id from message_search_doc where app_id = ?", app.value());
            }
            return out[0];
        });
        // switched off: the app's index there goes now (drains read the switches under a share lock, so none that saw
        // "on" is still sending); if the engine cannot be reached, maintenance retries until it is gone
        for (String name : pendingDrops(app)) {
            try {
                dropNow(app, name);
            } catch (ChatException down) {
                LOG.log(System.Logger.Level.WARNING, name + " did not remove the index of app " + app + " yet; retried every 30 s");
            }
        }
        Map<String, String> details = new LinkedHashMap<>();
        after.forEach((k, v) -> details.put(k, before[0].get(k) + "->" + v));
        ctx.audit().record(new io.chatsdk.engine.audit.AuditEntry(app, "operator", changedBy, null, "search.engines", "app", app.toString(), null, null,
                true, null, details));
        return after;
    }

    /** Engines whose index of the app is still to be removed. */
    public List<String> pendingDrops(AppId app) {
        return ctx.db().read(tx -> pendingDrops(AppSettings.read(tx, app)));
    }

    private static List<String> pendingDrops(Map<String, Object> settings) {
        return settings.get(DROPS) instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }

    /** Removes the app's index from an engine and forgets the pending drop; {@code unavailable} if it cannot. */
    private void dropNow(AppId app, String name) {
        SearchEngine e = engines.get(name);
        if (e != null) {
            try {
                e.drop(app);
            } catch (RuntimeException down) {
                throw new ChatException(ErrorCode.UNAVAILABLE, name + ": could not remove the app's index from it; retry", name, down);
            }
        }
        ctx.db().inTransaction(tx -> {
            AppSettings.update(tx, app, all -> {
                List<String> drops = new ArrayList<>(pendingDrops(all));
                drops.remove(name);
                all.put(DROPS, drops);
            });
            return null;
        });
    }

    /** Removes the app's index from every engine switched on for it (a rebuild starts from nothing). */
    public void dropAll(AppId app) {
        for (SearchEngine e : ctx.db().read(tx -> on(tx, app))) {
            e.drop(app);
        }
    }

    /** The apps with queued messages or pending index removals. */
    public List<AppId> pending() {
        return ctx.db().read(tx -> tx.query("select distinct app_id from search_sync union "
                + "select id from app where jsonb_array_length(coalesce(settings::jsonb -> '" + DROPS + "', '[]'::jsonb)) > 0",
                rs -> new AppId(rs.getObject(1, java.util.UUID.class))));
    }

    /** Sends everything queued for the app to its engines; returns how many messages were sent or removed. */
    public int drain(AppId app) {
        for (String name : pendingDrops(app)) {
            dropNow(app, name);
        }
        int total = 0;
        int n;
        do {
            n = ctx.db().inTransaction(tx -> batch(tx, app));
            total += n;
        } while (n == BATCH);
        return total;
    }

    private int batch(Tx tx, AppId app) {
        record Row(long seq, String messageId) {
        }
        List<Row> rows = tx.query("select seq, message_id from search_sync where app_id = ? order by seq limit " + BATCH + " for update skip locked",
                rs -> new Row(rs.getLong(1), rs.getString(2)), app.value());
        if (rows.isEmpty()) {
            return 0;
        }
        List<String> ids = rows.stream().map(Row::messageId).distinct().toList();
        List<SearchEngine> on;
        try {
            // under a share lock: switching an engine off waits for this batch, and no batch after it sends anything
            Map<String, Boolean> s = switches(AppSettings.readShared(tx, app));
            on = engines.values().stream().filter(e -> s.getOrDefault(e.name(), false)).toList();
        } catch (ChatException e) {
            if (e.code() != ErrorCode.APP_NOT_FOUND) {
                throw e;
            }
            on = List.of();
        }
        if (!on.isEmpty()) {
            boolean shredded = tx.one("select keys_destroyed_at is not null from app where id = ?", rs -> rs.getBoolean(1), app.value()).orElse(true);
            List<SearchEngine.Document> docs = shredded ? List.of() : documents(tx, app, ids, on.stream().anyMatch(SearchEngine::vectors));
            List<String> gone = new ArrayList<>(ids);
            docs.forEach(d -> gone.remove(d.messageId()));
            for (SearchEngine e : on) {
                List<SearchEngine.Document> mine = e.vectors() ? docs.stream().filter(d -> d.vector() != null).toList() : docs;
                List<String> remove = new ArrayList<>(gone);
                if (e.vectors()) {
                    docs.stream().filter(d -> d.vector() == null).forEach(d -> remove.add(d.messageId()));
                }
                if (!mine.isEmpty()) {
                    e.upsert(app, mine);
                }
                if (!remove.isEmpty()) {
                    e.delete(app, remove);
                }
            }
        }
        tx.update("delete from search_sync where seq = any(?::bigint[])", (Object) rows.stream().map(Row::seq).toArray(Long[]::new));
        return rows.size();
    }

    /** The queued messages that an engine may hold: indexed, not deleted, not shadowed; with their vectors if wanted. */
    private List<SearchEngine.Document> documents(Tx tx, AppId app, List<String> ids, boolean vectors) {
        return tx.query("select m.id, m.channel_pk, c.type || ':' || c.id as cid, m.user_id, m.content, m.key_version, m.text, m.attachments::text as attachments, "
                        + "m.custom::text as custom, m.created_at, m.parent_id, m.mentioned_users, d.embedding, d.embedding_model, d.key_version as doc_version "
                        + "from message m join channel c on c.pk = m.channel_pk "
                        + "join message_search_doc d on d.app_id = m.app_id and d.message_id = m.id "
                        + "where m.app_id = ? and m.id = any(?) and m.deleted_at is null and not m.shadowed and m.seq > c.truncated_seq",
                rs -> {
                    String id = rs.getString("id");
                    MessageContent content;
                    try {
                        content = MessageContent.ofRow(tx, app, id, rs.getBytes("content"), (Integer) rs.getObject("key_version"), rs.getString("text"),
                                rs.getString("attachments"), rs.getString("custom"));
                    } catch (ChatException e) {
                        if (e.code() != ErrorCode.INTERNAL) {
                            throw e;
                        }
                        LOG.log(System.Logger.Level.WARNING, "message " + id + " of app " + app + " cannot be opened; not sent to search engines");
                        return null;
                    }
                    float[] vector = null;
                    byte[] sealed = rs.getBytes("embedding");
                    if (vectors && sealed != null && ctx.embedder() != null && ctx.embedder().model().equals(rs.getString("embedding_model"))) {
                        try {
                            vector = io.chatsdk.engine.internal.Vectors.dequantise(tx.keys().open(tx, app, SearchIndex.EMBEDDING_PURPOSE, id, rs.getInt("doc_version"), sealed));
                        } catch (ChatException e) {
                            if (e.code() != ErrorCode.INTERNAL) {
                                throw e;
                            }
                            // sealed under another key version (a rotation raced its job): left out of the vector engine
                        }
                    }
                    java.sql.Array mentioned = rs.getArray("mentioned_users");
                    List<String> mentions = mentioned == null ? List.of() : Arrays.asList((String[]) mentioned.getArray());
                    Instant created = io.chatsdk.engine.persistence.Tx.instant(rs, "created_at");
                    return new SearchEngine.Document(id, rs.getObject("channel_pk", java.util.UUID.class).toString(), rs.getString("cid"),
                            rs.getString("user_id"), content.text() == null ? "" : content.text(), created, rs.getString("parent_id"),
                            attachmentTypes(content), mentions, vector, vector == null ? null : ctx.embedder().model());
                }, app.value(), ids).stream().filter(java.util.Objects::nonNull).toList();
    }

    private static List<String> attachmentTypes(MessageContent c) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> a : c.attachments()) {
            if (a.get("type") instanceof String t) {
                out.add(t);
            }
        }
        return out;
    }
}
