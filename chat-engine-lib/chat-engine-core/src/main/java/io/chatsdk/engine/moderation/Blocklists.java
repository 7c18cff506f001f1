package io.chatsdk.engine.moderation;

import io.chatsdk.engine.blocklist.Blocklist;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.internal.Json;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.Actor;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;
import io.chatsdk.engine.types.Validate;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An app's blocklists: words and patterns with a behaviour ({@code flag}, {@code block} or {@code shadow}),
 * attached to channel types. Managed by the server or app moderators; applied to every user's message in a channel of
 * an attached type (on other nodes within 10 s of a change). Thread-safe.
 */
public final class Blocklists {
    private final EngineContext ctx;
    private final AppId app;
    private final Actor actor;

    /** A blocklist and the channel types it applies to. */
    public record Entry(Blocklist list, List<String> channelTypes, Instant createdAt, Instant updatedAt) {
    }

    public Blocklists(EngineContext ctx, AppId app, Actor actor) {
        this.ctx = ctx;
        this.app = app;
        this.actor = actor;
    }

    /** Parses a list from its JSON form, turning validation problems into {@code validation_error}s naming the field. */
    public static Blocklist parse(Map<String, ?> json) {
        try {
            return Blocklist.fromMap(json);
        } catch (IllegalArgumentException e) {
            String msg = String.valueOf(e.getMessage());
            int colon = msg.indexOf(':');
            throw new ChatException(ErrorCode.VALIDATION, msg, colon > 0 ? msg.substring(0, colon) : null, null);
        }
    }

    /** Creates or replaces a list and the channel types it applies to. */
    public Entry put(Blocklist list, List<String> channelTypes) {
        List<String> types = channelTypes == null ? List.of() : channelTypes;
        for (int i = 0; i < types.size(); i++) {
            Validate.channelTypeName("channel_types[" + i + "]", types.get(i));
        }
        Instant now = ctx.now();
        ctx.db().inTransaction(tx -> {
            Moderators.require(tx, app, actor, "manage-blocklists");
            for (int i = 0; i < types.size(); i++) {
                String t = types.get(i);
                if (tx.one("select 1 from channel_type where app_id = ? and name = ?", rs -> true, app.value(), t).isEmpty()) {
                    throw new ChatException(ErrorCode.CHANNEL_TYPE_NOT_FOUND, "channel_types[" + i + "]: channel type '" + t + "' does not exist",
                            "channel_types[" + i + "]", null);
                }
            }
            tx.update("insert into blocklist (app_id, name, definition, created_at, updated_at) values (?, ?, ?, ?, ?) "
                    + "on conflict (app_id, name) do update set definition = excluded.definition, updated_at = excluded.updated_at",
                    app.value(), list.name(), Json.write(list.toMap()), now, now);
            tx.update("delete from channel_type_blocklist where app_id = ? and blocklist = ?", app.value(), list.name());
            for (String t : types) {
                tx.update("insert into channel_type_blocklist (app_id, channel_type, blocklist) values (?, ?, ?) on conflict do nothing",
                        app.value(), t, list.name());
            }
            return null;
        });
        ctx.blocklists().forget(app);
        audit("blocklist.put", list.name());
        return get(list.name());
    }

    public Entry get(String name) {
        return ctx.db().read(tx -> {
            Moderators.require(tx, app, actor, "manage-blocklists");
            return tx.one("select name, definition, created_at, updated_at from blocklist where app_id = ? and name = ?", rs -> entry(tx, rs),
                    app.value(), name);
        }).orElseThrow(() -> ChatException.notFound(ErrorCode.NOT_FOUND, "blocklist '" + name + "'"));
    }

    public List<Entry> list() {
        return ctx.db().read(tx -> {
            Moderators.require(tx, app, actor, "manage-blocklists");
            return tx.query("select name, definition, created_at, updated_at from blocklist where app_id = ? order by name", rs -> entry(tx, rs),
                    app.value());
        });
    }

    public void delete(String name) {
        int n = ctx.db().inTransaction(tx -> {
            Moderators.require(tx, app, actor, "manage-blocklists");
            return tx.update("delete from blocklist where app_id = ? and name = ?", app.value(), name);
        });
        if (n == 0) {
            throw ChatException.notFound(ErrorCode.NOT_FOUND, "blocklist '" + name + "'");
        }
        ctx.blocklists().forget(app);
        audit("blocklist.deleted", name);
    }

    private void audit(String action, String name) {
        String by = actor instanceof Actor.User u ? u.userId() : null;
        ctx.audit().record(new io.chatsdk.engine.audit.AuditEntry(app, by == null ? "server" : "user", by, null, action, "blocklist", name,
                null, null, true, null, Map.of()));
    }

    private Entry entry(Tx tx, java.sql.ResultSet rs) throws java.sql.SQLException {
        String name = rs.getString("name");
        List<String> types = tx.query("select channel_type from channel_type_blocklist where app_id = ? and blocklist = ? order by channel_type",
                r -> r.getString(1), app.value(), name);
        return new Entry(Blocklist.fromMap(Json.readMap(rs.getString("definition"))), types, Tx.instant(rs, "created_at"), Tx.instant(rs, "updated_at"));
    }
}
