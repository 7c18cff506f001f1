package io.chatsdk.engine.users;

import io.chatsdk.engine.event.Event;
import io.chatsdk.engine.event.EventType;
import io.chatsdk.engine.internal.CustomData;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.internal.Json;
import io.chatsdk.engine.model.SortField;
import io.chatsdk.engine.model.TokenState;
import io.chatsdk.engine.model.User;
import io.chatsdk.engine.model.UserInput;
import io.chatsdk.engine.persistence.FilterSql;
import io.chatsdk.engine.persistence.Outbox;
import io.chatsdk.engine.persistence.Rows;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.Actor;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;
import io.chatsdk.engine.types.Validate;
import io.chatsdk.engine.wire.Wire;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.chatsdk.engine.persistence.FilterSql.Kind.BOOL;
import static io.chatsdk.engine.persistence.FilterSql.Kind.TEXT;
import static io.chatsdk.engine.persistence.FilterSql.Kind.TIMESTAMP;

/**
 * An app's users. Upserts, deactivation, bans and token revocation are server-side operations; reads are open
 * to users of the same app. Thread-safe.
 */
public final class Users {
    public static final int MAX_BATCH = 100;
    static final Set<String> RESERVED = Set.of("id", "name", "image", "role", "banned", "ban_expires", "deactivated",
            "deactivated_at", "last_active", "created_at", "updated_at", "online", "teams");
    private static final Map<String, FilterSql.Field> FIELDS = Map.of(
            "id", FilterSql.column("u.id", TEXT),
            "name", FilterSql.column("u.name", TEXT),
            "role", FilterSql.column("u.role", TEXT),
            "banned", FilterSql.column("u.banned", BOOL),
            "created_at", FilterSql.column("u.created_at", TIMESTAMP),
            "updated_at", FilterSql.column("u.updated_at", TIMESTAMP),
            "last_active", FilterSql.column("u.last_active_at", TIMESTAMP),
            "deactivated", (f, op, v, p) -> {
                if (!op.equals("$eq") || !(v instanceof Boolean b)) {
                    throw ChatException.invalid(f, "supports only $eq with true or false");
                }
                return b ? "u.deactivated_at is not null" : "u.deactivated_at is null";
            });
    private static final Map<String, String> SORTS = Map.of("id", "u.id", "name", "u.name", "created_at", "u.created_at",
            "updated_at", "u.updated_at", "last_active", "u.last_active_at");

    private final EngineContext ctx;
    private final AppId app;
    private final Actor actor;

    public Users(EngineContext ctx, AppId app, Actor actor) {
        this.ctx = ctx;
        this.app = app;
        this.actor = actor;
    }

    /** Creates or updates one user; see {@link UserInput} for which fields are kept when null. */
    public User upsert(UserInput input) {
        return upsertAll(List.of(input)).get(0);
    }

    /** Creates or updates up to {@value #MAX_BATCH} users in one transaction: all or none. */
    public List<User> upsertAll(List<UserInput> inputs) {
        requireServer("upsert users");
        if (inputs == null || inputs.isEmpty() || inputs.size() > MAX_BATCH) {
            throw ChatException.invalid("users", "must hold between 1 and " + MAX_BATCH + " users");
        }
        for (int i = 0; i < inputs.size(); i++) {
            validate("users[" + i + "]", inputs.get(i));
        }
        Instant now = ctx.now();
        return ctx.db().inTransaction(tx -> {
            List<User> out = new ArrayList<>();
            for (UserInput in : inputs) {
                out.add(upsertIn(tx, in, now));
            }
            return out;
        });
    }

    private void validate(String path, UserInput in) {
        if (in == null) {
            throw ChatException.invalid(path, "is required");
        }
        Validate.userId(path + ".id", in.id());
        Validate.text(path + ".name", in.name(), 100);
        Validate.httpUrl(path + ".image", in.image());
        if (in.role() != null) {
            Validate.name(path + ".role", in.role());
        }
        CustomData.check(path + ".custom", in.custom(), RESERVED);
    }

    private User upsertIn(Tx tx, UserInput in, Instant now) {
        return tx.one("insert into app_user as u (app_id, id, name, image, role, custom, created_at, updated_at) "
                        + "values (?, ?, ?, ?, coalesce(?, 'user'), coalesce(?::jsonb, '{}'::jsonb), ?, ?) "
                        + "on conflict (app_id, id) do update set name = coalesce(excluded.name, u.name), "
                        + "image = coalesce(?, u.image), role = coalesce(?, u.role), "
                        + "custom = coalesce(?::jsonb, u.custom), updated_at = excluded.updated_at "
                        + "returning " + Rows.USER_COLUMNS,
                Rows::user, app.value(), in.id(), in.name(), in.image(), in.role(), in.custom() == null ? null : Json.write(in.custom()),
                now, now, in.image(), in.role(), in.custom() == null ? null : Json.write(in.custom())).orElseThrow();
    }

    public User get(String userId) {
        return find(userId).orElseThrow(() -> ChatException.notFound(ErrorCode.USER_NOT_FOUND, "user '" + userId + "'"));
    }

    public Optional<User> find(String userId) {
        Validate.userId("user_id", userId);
        return ctx.db().read(tx -> load(tx, userId));
    }

    /**
     * What a token check needs of the user: when their tokens were last revoked and whether they are deactivated
     * ({@link TokenState#NONE} for a user without a row). Remembered per node (see {@link io.chatsdk.engine.internal.TokenStates}): this
     * node's own changes apply at once, other nodes' when their {@code user.*} event arrives here, and in any case within
     * the engine's {@code tokenStateTtl}.
     */
    public TokenState tokenState(String userId) {
        Validate.userId("user_id", userId);
        return ctx.tokenStates().get(app, userId, () -> readTokenState(userId));
    }

    /** As {@link #tokenState}, read from the database now, whatever this node remembers. */
    public TokenState currentTokenState(String userId) {
        Validate.userId("user_id", userId);
        return readTokenState(userId);
    }

    private TokenState readTokenState(String userId) {
        return ctx.db().read(tx -> tx.one(
                "select revoke_tokens_issued_before, deactivated_at is not null as deactivated from app_user where app_id = ? and id = ?",
                rs -> new TokenState(Tx.instant(rs, "revoke_tokens_issued_before"), rs.getBoolean("deactivated")),
                app.value(), userId)).orElse(TokenState.NONE);
    }

    Optional<User> load(Tx tx, String userId) {
        return tx.one("select " + Rows.USER_COLUMNS + " from app_user u where u.app_id = ? and u.id = ?", Rows::user, app.value(), userId);
    }

    /** GetStream's query users: filter on id, name, role, banned, deactivated, timestamps and custom fields. */
    public List<User> query(Map<String, Object> filter, List<SortField> sort, int limit, int offset) {
        Validate.range("limit", limit, 1, 100);
        Validate.range("offset", offset, 0, 1000);
        FilterSql.Compiled where = FilterSql.compile(filter == null ? Map.of() : filter, FIELDS, "u.custom");
        StringBuilder order = new StringBuilder();
        for (SortField s : sort == null ? List.<SortField>of() : sort) {
            String col = SORTS.get(s.field());
            if (col == null) {
                throw ChatException.invalid("sort", "cannot sort users by '" + s.field() + "'");
            }
            order.append(col).append(s.direction() < 0 ? " desc nulls last, " : " asc nulls last, ");
        }
        order.append("u.created_at, u.id");
        List<Object> params = new ArrayList<>();
        params.add(app.value());
        params.addAll(where.params());
        return ctx.db().read(tx -> tx.query("select " + Rows.USER_COLUMNS + " from app_user u where u.app_id = ? and " + where.where()
                + " order by " + order + " limit " + limit + " offset " + offset, Rows::user, params.toArray()));
    }

    /** Users who share at least one channel with {@code userId} (at most {@code limit}): who hears about their presence. */
    public List<String> peers(String userId, int limit) {
        Validate.userId("user_id", userId);
        Validate.range("limit", limit, 1, 100_000);
        return ctx.db().read(tx -> tx.query("select distinct m2.user_id from channel_member m1 join channel_member m2 on m2.channel_pk = m1.channel_pk "
                + "where m1.app_id = ? and m1.user_id = ? and m2.user_id <> m1.user_id limit " + limit, rs -> rs.getString(1), app.value(), userId));
    }

    public User deactivate(String userId) {
        return setState(userId, "deactivated_at = ?", "user.deactivated", ctx.now());
    }

    public User reactivate(String userId) {
        return setState(userId, "deactivated_at = null", "user.reactivated");
    }

    /** Bans the user app-wide until {@code expires} (null: until unbanned). */
    public User ban(String userId, Instant expires, String reason) {
        Validate.text("reason", reason, 500);
        return setState(userId, "banned = true, ban_expires_at = ?, ban_reason = ?", "user.banned", expires, reason);
    }

    public User unban(String userId) {
        return setState(userId, "banned = false, ban_expires_at = null, ban_reason = null", "user.unbanned");
    }

    /** Rejects the user's tokens issued before {@code before}. */
    public User revokeTokensIssuedBefore(String userId, Instant before) {
        // the event lets every node re-check the user's open connections at once
        return setState(userId, "revoke_tokens_issued_before = ?", "user.updated", before);
    }

    /** Records activity; called by the API layer on connect and on writes. Does not emit an event. */
    public void touch(String userId) {
        Validate.userId("user_id", userId);
        ctx.db().inTransaction(tx -> tx.update("update app_user set last_active_at = ? where app_id = ? and id = ?", ctx.now(), app.value(), userId));
    }

    private User setState(String userId, String assignments, String eventType, Object... values) {
        requireServer("change a user's state");
        Validate.userId("user_id", userId);
        Instant now = ctx.now();
        List<Object> params = new ArrayList<>(java.util.Arrays.asList(values));
        params.add(now);
        params.add(app.value());
        params.add(userId);
        User changed = ctx.db().inTransaction(tx -> {
            User u = tx.one("update app_user u set " + assignments + ", updated_at = ? where app_id = ? and id = ? returning " + Rows.USER_COLUMNS,
                    Rows::user, params.toArray()).orElseThrow(() -> ChatException.notFound(ErrorCode.USER_NOT_FOUND, "user '" + userId + "'"));
            if (eventType != null) {
                Outbox.write(tx, app, null, now, new Event.UserEvent(EventType.of(eventType).orElseThrow(), null, Wire.user(u)));
            }
            return u;
        });
        ctx.tokenStates().forget(app, userId);   // committed: this node's next token check reads the new state
        return changed;
    }

    /** Fails with {@code user_not_found} naming the first id in {@code ids} that is not a user of this app. */
    public static void requireExist(Tx tx, AppId app, String field, Collection<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        List<String> missing = tx.query("select x from unnest(?::text[]) x where not exists "
                + "(select 1 from app_user u where u.app_id = ? and u.id = x)", rs -> rs.getString(1), ids, app.value());
        if (!missing.isEmpty()) {
            throw new ChatException(ErrorCode.USER_NOT_FOUND, field + ": user '" + missing.get(0) + "' does not exist in this app", field, null);
        }
    }

    private void requireServer(String what) {
        if (!(actor instanceof Actor.Server)) {
            throw ChatException.forbidden("only the server side may " + what);
        }
    }
}
