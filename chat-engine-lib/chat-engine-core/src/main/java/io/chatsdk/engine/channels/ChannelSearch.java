package io.chatsdk.engine.channels;

import io.chatsdk.engine.internal.Permissions;
import io.chatsdk.engine.model.Channel;
import io.chatsdk.engine.model.ChannelQuery;
import io.chatsdk.engine.model.ChannelType;
import io.chatsdk.engine.model.Permission;
import io.chatsdk.engine.model.SortField;
import io.chatsdk.engine.persistence.ChannelTypeEntity;
import io.chatsdk.engine.persistence.FilterSql;
import io.chatsdk.engine.persistence.Rows;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.Actor;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.chatsdk.engine.persistence.FilterSql.Kind.BOOL;
import static io.chatsdk.engine.persistence.FilterSql.Kind.NUMBER;
import static io.chatsdk.engine.persistence.FilterSql.Kind.TEXT;
import static io.chatsdk.engine.persistence.FilterSql.Kind.TIMESTAMP;

/**
 * Query channels: compiles GetStream filters and sorts to one SQL statement. A user sees the channels they are
 * a member of, plus channels of types whose grants let their user role read without membership (livestream).
 * Hidden channels are left out unless the filter asks about {@code hidden}.
 */
public final class ChannelSearch {
    private static final Map<String, String> SORTS = Map.of(
            "last_message_at", "c.last_message_at",
            "created_at", "c.created_at",
            "updated_at", "c.updated_at",
            "member_count", "c.member_count",
            "last_updated", "coalesce(c.last_message_at, c.updated_at)");

    private ChannelSearch() {
    }

    static List<Channel> run(Tx tx, AppId app, Actor actor, String userId, ChannelQuery q) {
        List<Object> params = new ArrayList<>();
        StringBuilder sql = from(tx, app, actor, userId, q.filter(), true, "select " + Rows.CHANNEL_COLUMNS, params);
        sql.append(" order by ");
        for (SortField s : q.sort()) {
            String col = SORTS.get(s.field());
            if (col == null) {
                throw ChatException.invalid("sort", "cannot sort channels by '" + s.field() + "'; use one of " + SORTS.keySet());
            }
            if (s.direction() != 1 && s.direction() != -1) {
                throw ChatException.invalid("sort", "direction must be 1 or -1");
            }
            sql.append(col).append(s.direction() < 0 ? " desc nulls last, " : " asc nulls last, ");
        }
        sql.append("coalesce(c.last_message_at, c.updated_at) desc, c.pk desc limit ").append(q.limit()).append(" offset ").append(q.offset());
        return tx.query(sql.toString(), Rows::channel, params.toArray());
    }

    /** A channel a search may read. */
    public record Scope(UUID pk, String type, String id) {
    }

    /**
     * The channels a message search reads: those {@code filter} selects that the actor may read (as in query channels,
     * hidden ones included) and whose config has {@code search} on. Fails when there are more than {@code max}: a search must be narrowed, not truncated.
     */
    public static List<Scope> scope(Tx tx, AppId app, Actor actor, String userId, Map<String, Object> filter, int max) {
        List<Object> params = new ArrayList<>();
        StringBuilder sql = from(tx, app, actor, userId, filter, false, "select c.pk, c.type, c.id", params);
        // the channel type's search switch (GetStream's "search"), which a channel's config overrides may change
        sql.append(" and coalesce((c.config_overrides::jsonb ->> 'search')::boolean, (t.config::jsonb ->> 'search')::boolean, true)");
        sql.append(" limit ").append(max + 1);
        List<Scope> scopes = tx.query(sql.toString(), rs -> new Scope(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3)), params.toArray());
        if (scopes.size() > max) {
            throw ChatException.invalid("filter_conditions", "selects more than " + max + " channels; narrow it (for example by members or cid)");
        }
        return scopes;
    }

    private static StringBuilder from(Tx tx, AppId app, Actor actor, String userId, Map<String, Object> filter, boolean skipHidden,
                                      String select, List<Object> params) {
        Map<String, FilterSql.Field> fields = fields(userId != null);
        FilterSql.Compiled where = FilterSql.compile(filter, fields, "c.custom");
        StringBuilder sql = new StringBuilder(select).append(" from channel c join channel_type t on t.app_id = c.app_id and t.name = c.type ");
        if (userId != null) {
            sql.append("left join channel_member me on me.channel_pk = c.pk and me.user_id = ? ");
            params.add(userId);
        }
        sql.append("where c.app_id = ? ");
        params.add(app.value());
        if (actor instanceof Actor.User) {
            List<String> openTypes = openTypes(tx, app, userId);
            if (openTypes != null) {
                sql.append("and (me.user_id is not null or c.type = any(?)) ");
                params.add(openTypes);
            }
        }
        if (skipHidden && userId != null && !mentions(filter, "hidden")) {
            sql.append("and not (me.hidden_seq is not null and c.last_seq <= me.hidden_seq) ");
        }
        sql.append("and ").append(where.where());
        params.addAll(where.params());
        return sql;
    }

    /** Types a user's role may read without membership; null when the role may read everything (admin). */
    private static List<String> openTypes(Tx tx, AppId app, String userId) {
        String role = tx.one("select role from app_user where app_id = ? and id = ?", rs -> rs.getString(1), app.value(), userId)
                .orElseThrow(() -> new ChatException(ErrorCode.USER_NOT_FOUND, "user '" + userId + "' does not exist in this app"));
        if (Permissions.ADMIN.equals(role)) {
            return null;
        }
        List<String> open = new ArrayList<>();
        for (ChannelTypeEntity e : tx.em().createNamedQuery("ChannelTypeEntity.byApp", ChannelTypeEntity.class)
                .setParameter("appId", app.value()).getResultList()) {
            ChannelType t = ChannelTypes.toModel(e);
            Set<Permission> perms = t.grants().get(role);
            if (perms != null && perms.contains(Permission.READ_MESSAGES_AS_NON_MEMBER)) {
                open.add(t.name());
            }
        }
        return open;
    }

    /** Whether a filter names {@code field} anywhere, at any depth. */
    public static boolean mentions(Object filter, String field) {
        if (filter instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (field.equals(e.getKey()) || mentions(e.getValue(), field)) {
                    return true;
                }
            }
        } else if (filter instanceof Collection<?> c) {
            for (Object o : c) {
                if (mentions(o, field)) {
                    return true;
                }
            }
        }
        return false;
    }

    static Map<String, FilterSql.Field> fields(boolean hasUser) {
        Map<String, FilterSql.Field> f = new HashMap<>();
        f.put("type", FilterSql.column("c.type", TEXT));
        f.put("id", FilterSql.column("c.id", TEXT));
        f.put("cid", FilterSql.column("(c.type || ':' || c.id)", TEXT));
        f.put("name", FilterSql.column("c.name", TEXT));
        f.put("frozen", FilterSql.column("c.frozen", BOOL));
        f.put("created_at", FilterSql.column("c.created_at", TIMESTAMP));
        f.put("updated_at", FilterSql.column("c.updated_at", TIMESTAMP));
        f.put("last_message_at", FilterSql.column("c.last_message_at", TIMESTAMP));
        f.put("member_count", FilterSql.column("c.member_count", NUMBER));
        f.put("created_by_id", FilterSql.column("c.created_by", TEXT));
        f.put("members", ChannelSearch::members);
        f.put("has_unread", userFlag(hasUser, "(me.user_id is not null and c.last_seq > greatest(me.last_read_seq, c.truncated_seq))"));
        f.put("hidden", userFlag(hasUser, "(me.hidden_seq is not null and c.last_seq <= me.hidden_seq)"));
        return f;
    }

    private static FilterSql.Field userFlag(boolean hasUser, String condition) {
        return (field, op, value, params) -> {
            if (!hasUser) {
                throw ChatException.invalid(field, "needs a user: pass user_id for server-side queries");
            }
            if (!op.equals("$eq") || !(value instanceof Boolean b)) {
                throw ChatException.invalid(field, "supports only $eq with true or false");
            }
            return b ? condition : "not " + condition;
        };
    }

    private static String members(String field, String op, Object value, List<Object> params) {
        String exists = "exists (select 1 from channel_member x where x.channel_pk = c.pk and x.user_id = any(?))";
        switch (op) {
            case "$in":
                params.add(userIds(field, value));
                return exists;
            case "$nin":
                params.add(userIds(field, value));
                return "not " + exists;
            case "$eq":
                if (value instanceof String s) {
                    params.add(userIds(field, List.of(s)));
                    return exists;
                }
                List<String> ids = userIds(field, value);
                params.add(ids.size());
                params.add(ids);
                params.add(ids.size());
                return "(c.member_count = ? and (select count(*) from channel_member x where x.channel_pk = c.pk and x.user_id = any(?)) = ?)";
            default:
                throw ChatException.invalid(field, "supports $in, $nin and $eq");
        }
    }

    private static List<String> userIds(String field, Object value) {
        if (!(value instanceof Collection<?> c) || c.isEmpty()) {
            throw ChatException.invalid(field, "needs a non-empty list of user ids");
        }
        List<String> ids = new ArrayList<>();
        for (Object o : c) {
            if (!(o instanceof String s)) {
                throw ChatException.invalid(field, "user ids must be strings");
            }
            ids.add(io.chatsdk.engine.types.Validate.userId(field, s));
        }
        return ids;
    }
}
