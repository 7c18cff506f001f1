package io.chatsdk.engine.compliance;

import io.chatsdk.engine.audit.AuditEntry;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.internal.FileRows;
import io.chatsdk.engine.messaging.Messages;
import io.chatsdk.engine.model.RetentionPolicy;
import io.chatsdk.engine.persistence.HoldSql;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;
import io.chatsdk.engine.types.Validate;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Retention policies of one app and the purge that applies them. A policy gives a maximum message age for the whole
 * app, one channel type or one channel; the most specific one that matches a channel applies. The purge deletes
 * expired messages with their reactions, flags and revisions, except those a legal hold keeps, and finishes hard
 * deletes that a released hold had deferred. Thread-safe; concurrent purges (several nodes) skip each other's rows.
 */
public final class Retention {
    static final int BATCH = 1000;
    private static final Duration MIN_AGE = Duration.ofHours(1);
    private static final Duration MAX_AGE = Duration.ofDays(365L * 100);
    /** The policy that applies to message {@code msg} in channel {@code mc}: channel, then type, then app. */
    private static final String POLICY = "(select r.max_age_secs from retention_policy r where r.app_id = msg.app_id "
            + "and (r.channel_cid = mc.type || ':' || mc.id or (r.channel_cid is null and (r.channel_type = mc.type or r.channel_type is null))) "
            + "order by (r.channel_cid is not null) desc, (r.channel_type is not null) desc limit 1)";

    private final EngineContext ctx;
    private final AppId app;

    Retention(EngineContext ctx, AppId app) {
        this.ctx = ctx;
        this.app = app;
    }

    /**
     * Sets the policy of a scope (replacing the scope's previous one): app-wide when both are null, else a channel
     * type or a channel. {@code maxAge} is 1 hour to 100 years.
     */
    public RetentionPolicy set(String channelType, String channelCid, Duration maxAge) {
        if (channelType != null && channelCid != null) {
            throw ChatException.invalid("channel_cid", "give a channel type or a channel, not both");
        }
        if (channelType != null) {
            Validate.channelTypeName("channel_type", channelType);
        }
        if (channelCid != null) {
            Cid.parse("channel_cid", channelCid);
        }
        if (maxAge == null || maxAge.compareTo(MIN_AGE) < 0 || maxAge.compareTo(MAX_AGE) > 0) {
            throw ChatException.invalid("max_age", "must be between 1 hour and 100 years");
        }
        Instant now = ctx.now();
        UUID id = ctx.ids().next();
        RetentionPolicy policy = ctx.db().inTransaction(tx -> {
            tx.update("delete from retention_policy where app_id = ? and coalesce(channel_type, '') = coalesce(?, '') "
                    + "and coalesce(channel_cid, '') = coalesce(?, '')", app.value(), channelType, channelCid);
            tx.update("insert into retention_policy (id, app_id, channel_type, channel_cid, max_age_secs, created_at, updated_at) "
                    + "values (?, ?, ?, ?, ?, ?, ?)", id, app.value(), channelType, channelCid, maxAge.toSeconds(), now, now);
            return new RetentionPolicy(id, channelType, channelCid, maxAge, now, now);
        });
        ctx.audit().record(AuditEntry.system(app, "retention.set", "retention_policy", id.toString(),
                Map.of("max_age_seconds", Long.toString(maxAge.toSeconds()), "scope", channelCid != null ? channelCid : channelType != null ? channelType : "app")));
        return policy;
    }

    public List<RetentionPolicy> list() {
        return ctx.db().read(tx -> tx.query("select * from retention_policy where app_id = ? order by channel_cid nulls first, channel_type nulls first",
                rs -> new RetentionPolicy(rs.getObject("id", UUID.class), rs.getString("channel_type"), rs.getString("channel_cid"),
                        Duration.ofSeconds(rs.getLong("max_age_secs")), Tx.instant(rs, "created_at"), Tx.instant(rs, "updated_at")), app.value()));
    }

    public void remove(UUID policyId) {
        int n = ctx.db().inTransaction(tx -> tx.update("delete from retention_policy where app_id = ? and id = ?", app.value(), policyId));
        if (n == 0) {
            throw ChatException.notFound(ErrorCode.NOT_FOUND, "retention policy " + policyId);
        }
    }

    /**
     * Purges what the policies expire as of now, in batches of {@value #BATCH} messages per transaction. Returns the
     * counts: {@code messages}, {@code reactions}, {@code flags}, {@code revisions} deleted, {@code held} messages
     * kept by a hold although expired, and {@code deferred_erasures} (hard deletes finished after a hold's release).
     */
    public Map<String, Long> purge() {
        Instant now = ctx.now();
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String k : List.of("messages", "reactions", "flags", "revisions", "held", "deferred_erasures")) {
            counts.put(k, 0L);
        }
        int n;
        do {
            n = ctx.db().inTransaction(tx -> purgeBatch(tx, now, counts));
        } while (n == BATCH);
        do {
            n = ctx.db().inTransaction(tx -> {
                HoldSql.lockForDelete(tx, app);
                List<String> ids = tx.query("select msg.id from message msg join channel mc on mc.pk = msg.channel_pk where msg.app_id = ? "
                        + "and msg.hold_deleted and not " + HoldSql.HELD + " limit " + BATCH + " for update of msg skip locked", rs -> rs.getString(1), app.value());
                ids.forEach(id -> Messages.erase(tx, app, id));
                return ids.size();
            });
            counts.merge("deferred_erasures", (long) n, Long::sum);
        } while (n == BATCH);
        counts.put("held", ctx.db().read(tx -> tx.one("select count(*) from message msg join channel mc on mc.pk = msg.channel_pk "
                + "where msg.app_id = ? and msg.created_at < ?::timestamptz - make_interval(secs => " + POLICY + ") and " + HoldSql.HELD,
                rs -> rs.getLong(1), app.value(), now).orElse(0L)));
        if (counts.get("messages") > 0 || counts.get("deferred_erasures") > 0) {
            Map<String, String> details = new LinkedHashMap<>();
            counts.forEach((k, v) -> details.put(k, Long.toString(v)));
            ctx.audit().record(AuditEntry.system(app, "retention.purge", "app", app.toString(), details));
        }
        return counts;
    }

    private int purgeBatch(Tx tx, Instant now, Map<String, Long> counts) {
        HoldSql.lockForDelete(tx, app);
        List<String> ids = tx.query("select msg.id from message msg join channel mc on mc.pk = msg.channel_pk where msg.app_id = ? "
                        + "and msg.created_at < ?::timestamptz - make_interval(secs => " + POLICY + ") and not " + HoldSql.HELD
                        + " limit " + BATCH + " for update of msg skip locked",
                rs -> rs.getString(1), app.value(), now);
        if (ids.isEmpty()) {
            return 0;
        }
        counts.merge("reactions", (long) tx.update("delete from reaction where app_id = ? and message_id = any(?)", app.value(), ids), Long::sum);
        counts.merge("flags", (long) tx.update("delete from user_message_flag where app_id = ? and message_id = any(?)", app.value(), ids), Long::sum);
        counts.merge("revisions", (long) tx.update("delete from message_revision where app_id = ? and message_id = any(?)", app.value(), ids), Long::sum);
        // replies and quotes that point at a purged message keep their (now dangling) id, as after a hard delete
        counts.merge("files", (long) FileRows.forMessages(tx, app, ids), Long::sum);
        counts.merge("messages", (long) tx.update("delete from message where app_id = ? and id = any(?)", app.value(), ids), Long::sum);
        return ids.size();
    }
}
