package io.chatsdk.engine.compliance;

import io.chatsdk.engine.audit.AuditEntry;
import io.chatsdk.engine.internal.ContentKeys;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.internal.MessageContent;
import io.chatsdk.engine.internal.MessageRevisions;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data keys of one app: rotation, re-encryption under the current key, and crypto-shredding. Thread-safe.
 *
 * <p>After {@link #rotate()}, new content is sealed under the new version at once (on other nodes within
 * {@link ContentKeys#CURRENT_TTL}); older versions still open what they sealed until {@link #reencrypt()} has moved
 * every value to the current version, after which the retired keys are deleted.
 */
public final class DataKeys {
    private static final int BATCH = 500;
    private final EngineContext ctx;
    private final AppId app;

    DataKeys(EngineContext ctx, AppId app) {
        this.ctx = ctx;
        this.app = app;
    }

    /** Makes a new data key version current; returns it. */
    public int rotate() {
        int version = ctx.db().inTransaction(tx -> tx.keys().rotate(tx, app));
        ctx.audit().record(AuditEntry.system(app, "keys.rotated", "app", app.toString(), Map.of("version", Integer.toString(version))));
        return version;
    }

    /** The version new content is sealed under. */
    public int currentVersion() {
        return ctx.db().read(tx -> tx.keys().currentVersion(tx, app));
    }

    /**
     * Re-seals messages and revisions written under older versions (or before encryption existed) with the current
     * key, in batches, indexes for search what is not indexed under the current key, then deletes retired keys nothing
     * uses. Returns {@code messages}, {@code revisions}, {@code search_reindexed} and {@code keys_deleted}.
     */
    public Map<String, Long> reencrypt() {
        Map<String, Long> counts = new LinkedHashMap<>();
        long messages = 0;
        int n;
        String[] after = {""};
        do {
            n = ctx.db().inTransaction(tx -> {
                int current = tx.keys().currentVersion(tx, app);
                // keyset over the message key, so that each batch reads on from the last instead of rescanning sealed rows
                List<String> ids = tx.query("select id from message where app_id = ? and id > ? and (key_version < ? "
                                + "or (key_version is null and (text <> '' or attachments <> '[]' or custom <> '{}'))) order by id limit " + BATCH
                                + " for update skip locked",
                        rs -> rs.getString(1), app.value(), after[0], current);
                if (!ids.isEmpty()) {
                    after[0] = ids.get(ids.size() - 1);
                }
                for (String id : ids) {
                    MessageContent c = MessageRevisions.lockContent(tx, app, id);
                    ContentKeys.Sealed s = c.seal(tx, app, id);
                    tx.update("update message set text = '', attachments = '[]', custom = '{}', content = ?, key_version = ? where app_id = ? and id = ?",
                            s.bytes(), s.version(), app.value(), id);
                }
                return ids.size();
            });
            messages += n;
        } while (n == BATCH);
        long revisions = 0;
        do {
            n = ctx.db().inTransaction(tx -> {
                int current = tx.keys().currentVersion(tx, app);
                record Rev(String messageId, int revision, int version, byte[] content) {
                }
                List<Rev> revs = tx.query("select message_id, revision, key_version, content from message_revision where app_id = ? and key_version < ? "
                                + "limit " + BATCH + " for update skip locked",
                        rs -> new Rev(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getBytes(4)), app.value(), current);
                for (Rev r : revs) {
                    MessageContent c = MessageRevisions.open(tx, app, r.messageId(), r.revision(), r.version(), r.content());
                    ContentKeys.Sealed s = c.sealAs(tx, app, MessageContent.REVISION_PURPOSE, r.messageId() + "#" + r.revision());
                    tx.update("update message_revision set content = ?, key_version = ? where app_id = ? and message_id = ? and revision = ?",
                            s.bytes(), s.version(), app.value(), r.messageId(), r.revision());
                }
                return revs.size();
            });
            revisions += n;
        } while (n == BATCH);
        counts.put("messages", messages);
        counts.put("revisions", revisions);
        // the search index's terms are made with a key of the same version: make them again under the current one (this
        // also indexes messages from before search existed), so that the old key is used by nothing
        io.chatsdk.engine.search.SearchIndex search = new io.chatsdk.engine.search.SearchIndex(ctx);
        search.sweep(app);
        counts.put("search_reindexed", (long) search.backfill(app, Integer.MAX_VALUE, io.chatsdk.engine.search.SearchIndex.EMBED_PER_PASS));
        counts.put("push_keys", (long) io.chatsdk.engine.delivery.PushCredentials.reseal(ctx, app));
        counts.put("keys_deleted", (long) ctx.db().inTransaction(tx -> tx.keys().pruneRetired(tx, app)));
        // not search_reindexed: messages whose indexing job has not run yet would make nearly every pass write a record
        if (messages + revisions + counts.get("keys_deleted") > 0) {
            Map<String, String> details = new LinkedHashMap<>();
            counts.forEach((k, v) -> details.put(k, Long.toString(v)));
            ctx.audit().record(AuditEntry.system(app, "keys.reencrypt", "app", app.toString(), details));
        }
        return counts;
    }

    /**
     * Crypto-shredding: destroys every data key of the app, so its messages, revisions, files and pending events can never be
     * read again (reads answer {@code content_erased}), and disables the app. Refused while a legal hold is active.
     */
    public void destroy() {
        ctx.db().inTransaction(tx -> {
            io.chatsdk.engine.persistence.HoldSql.lockForDelete(tx, app);
            if (tx.one("select 1 from legal_hold where app_id = ? and released_at is null limit 1", rs -> true, app.value()).isPresent()) {
                throw new ChatException(ErrorCode.LEGAL_HOLD, "app " + app + " has an active legal hold; release it before destroying the keys", null, null);
            }
            tx.keys().destroy(tx, app);
            // the files' blobs can no longer be opened either; the sweeper removes them
            tx.update("update file_object set state = 'deleted' where app_id = ?", app.value());
            tx.update("update app set disabled = true, updated_at = ? where id = ?", ctx.now(), app.value());
            return null;
        });
        ctx.db().read(tx -> {
            tx.keys().forget(app);
            return null;
        });
        ctx.audit().record(AuditEntry.system(app, "keys.destroyed", "app", app.toString(), Map.of()));
    }
}
