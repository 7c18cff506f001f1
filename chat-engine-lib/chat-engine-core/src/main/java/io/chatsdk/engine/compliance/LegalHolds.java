package io.chatsdk.engine.compliance;

import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.model.LegalHold;
import io.chatsdk.engine.persistence.HoldSql;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;
import io.chatsdk.engine.types.Validate;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Legal holds of one app, managed by a compliance role. A held message is exempt from retention purges and from
 * user, admin and erasure deletes: a delete hides it from users, the hold keeps it. Releasing a hold lets retention
 * and deferred hard deletes resume. Thread-safe.
 */
public final class LegalHolds {
    private static final int MAX_SUBJECTS = 1000;
    private final EngineContext ctx;
    private final AppId app;

    LegalHolds(EngineContext ctx, AppId app) {
        this.ctx = ctx;
        this.app = app;
    }

    /** Places a hold; {@code createdBy} names the compliance officer. Needs at least one user or channel. */
    public LegalHold create(String name, String reason, List<String> userIds, List<String> channelCids, Instant startsAt, Instant endsAt,
                            String createdBy) {
        Validate.text("name", name, 200);
        Validate.text("reason", reason, 2000);
        if (name == null || name.isBlank()) {
            throw ChatException.invalid("name", "is required");
        }
        if (reason == null || reason.isBlank()) {
            throw ChatException.invalid("reason", "is required");
        }
        List<String> users = userIds == null ? List.of() : userIds;
        List<String> cids = channelCids == null ? List.of() : channelCids;
        if (users.isEmpty() && cids.isEmpty()) {
            throw ChatException.invalid("user_ids", "a hold names at least one user or channel");
        }
        if (users.size() > MAX_SUBJECTS || cids.size() > MAX_SUBJECTS) {
            throw ChatException.invalid(users.size() > MAX_SUBJECTS ? "user_ids" : "channel_cids", "at most " + MAX_SUBJECTS + " entries");
        }
        for (int i = 0; i < users.size(); i++) {
            Validate.userId("user_ids[" + i + "]", users.get(i));
        }
        for (int i = 0; i < cids.size(); i++) {
            Cid.parse("channel_cids[" + i + "]", cids.get(i));
        }
        if (startsAt != null && endsAt != null && !endsAt.isAfter(startsAt)) {
            throw ChatException.invalid("ends_at", "must be after starts_at");
        }
        UUID id = ctx.ids().next();
        Instant now = ctx.now();
        ctx.db().inTransaction(tx -> {
            HoldSql.lockForHoldChange(tx, app);
            return tx.update("insert into legal_hold (id, app_id, name, reason, user_ids, channel_cids, starts_at, ends_at, "
                            + "created_by, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", id, app.value(), name.strip(), reason.strip(),
                    users, cids, startsAt, endsAt, createdBy, now);
        });
        ctx.audit().record(new io.chatsdk.engine.audit.AuditEntry(app, "compliance", createdBy, null, "legal_hold.created", "legal_hold",
                id.toString(), null, null, true, null, Map.of("users", Integer.toString(users.size()), "channels", Integer.toString(cids.size()))));
        return get(id);
    }

    public LegalHold get(UUID id) {
        return ctx.db().read(tx -> tx.one("select * from legal_hold where app_id = ? and id = ?", LegalHolds::row, app.value(), id))
                .orElseThrow(() -> ChatException.notFound(ErrorCode.NOT_FOUND, "legal hold " + id));
    }

    /** All holds of the app, active first, newest first. */
    public List<LegalHold> list() {
        return ctx.db().read(tx -> tx.query("select * from legal_hold where app_id = ? order by released_at is not null, created_at desc",
                LegalHolds::row, app.value()));
    }

    /** Releases an active hold; releasing twice is a conflict. */
    public LegalHold release(UUID id, String releasedBy) {
        int n = ctx.db().inTransaction(tx -> {
            HoldSql.lockForHoldChange(tx, app);
            return tx.update("update legal_hold set released_at = ?, released_by = ? where app_id = ? and id = ? and released_at is null",
                    ctx.now(), releasedBy, app.value(), id);
        });
        if (n == 0) {
            LegalHold h = get(id);
            throw new ChatException(ErrorCode.CONFLICT, "legal hold " + h.id() + " was already released", "id", null);
        }
        ctx.audit().record(new io.chatsdk.engine.audit.AuditEntry(app, "compliance", releasedBy, null, "legal_hold.released", "legal_hold",
                id.toString(), null, null, true, null, Map.of()));
        return get(id);
    }

    private static LegalHold row(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new LegalHold(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("reason"), Tx.textArray(rs, "user_ids"),
                Tx.textArray(rs, "channel_cids"), Tx.instant(rs, "starts_at"), Tx.instant(rs, "ends_at"), rs.getString("created_by"),
                Tx.instant(rs, "created_at"), Tx.instant(rs, "released_at"), rs.getString("released_by"));
    }
}
