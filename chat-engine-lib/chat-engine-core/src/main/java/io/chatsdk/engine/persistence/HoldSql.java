package io.chatsdk.engine.persistence;

/**
 * The SQL test "a legal hold keeps this message", shared by deletion, retention and erasure so they agree.
 * A hold keeps a message when it is active (not released), the message was created in the hold's date range, and
 * the message's author is one of the hold's users (if it names users) and its channel one of the hold's channels
 * (if it names channels).
 */
public final class HoldSql {
    /** Needs the aliases {@code msg} (message) and {@code mc} (its channel). */
    public static final String HELD = "exists (select 1 from legal_hold h where h.app_id = msg.app_id and h.released_at is null "
            + "and (cardinality(h.user_ids) = 0 or msg.user_id = any(h.user_ids)) "
            + "and (cardinality(h.channel_cids) = 0 or (mc.type || ':' || mc.id) = any(h.channel_cids)) "
            + "and (h.starts_at is null or msg.created_at >= h.starts_at) and (h.ends_at is null or msg.created_at < h.ends_at))";

    /**
     * The same test for a file: its uploader, its channel and its upload time, or the hold that keeps the message that
     * attached it. Needs the aliases {@code f} (file_object) and {@code fc} (its channel).
     */
    public static final String FILE_HELD = "(exists (select 1 from legal_hold h where h.app_id = f.app_id and h.released_at is null "
            + "and (cardinality(h.user_ids) = 0 or f.uploaded_by = any(h.user_ids)) "
            + "and (cardinality(h.channel_cids) = 0 or (fc.type || ':' || fc.id) = any(h.channel_cids)) "
            + "and (h.starts_at is null or f.created_at >= h.starts_at) and (h.ends_at is null or f.created_at < h.ends_at)) "
            // or its message is held (its author, its channel, its time), whoever uploaded the file
            + "or exists (select 1 from message msg join channel mc on mc.pk = msg.channel_pk where msg.app_id = f.app_id and msg.id = f.message_id and "
            + HELD + "))";

    private HoldSql() {
    }

    /**
     * Taken by every deletion before it checks {@link #HELD}: shared among deletions, exclusive against placing or
     * releasing a hold, so a hold committed meanwhile cannot miss a delete that checked before it existed.
     */
    public static void lockForDelete(Tx tx, io.chatsdk.engine.types.AppId app) {
        tx.one("select pg_advisory_xact_lock_shared(hashtext(?))", rs -> true, "chatsdk-hold:" + app.value());
    }

    /** Taken when a hold is placed or released. */
    public static void lockForHoldChange(Tx tx, io.chatsdk.engine.types.AppId app) {
        tx.one("select pg_advisory_xact_lock(hashtext(?))", rs -> true, "chatsdk-hold:" + app.value());
    }

    /** True when an active hold keeps the message. */
    public static boolean holds(Tx tx, io.chatsdk.engine.types.AppId app, String messageId) {
        return tx.one("select 1 from message msg join channel mc on mc.pk = msg.channel_pk where msg.app_id = ? and msg.id = ? and "
                + HELD, rs -> true, app.value(), messageId).isPresent();
    }
}
