package io.chatsdk.engine.internal;

import io.chatsdk.engine.model.Channel;
import io.chatsdk.engine.model.Permission;
import io.chatsdk.engine.persistence.Rows;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.Actor;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;
import io.chatsdk.engine.wire.Grants;

import java.time.Instant;
import java.util.UUID;

/**
 * Loads a channel together with everything a permission decision needs (type grants, the actor's channel role,
 * the actor's user state) in one query, and applies the checks shared by all channel operations.
 */
public final class ChannelGate {
    private ChannelGate() {
    }

    /** A channel as seen by one actor. {@code author*} describe the user the operation acts as. */
    public record Loaded(UUID pk, Channel channel, Permissions.Access access, boolean authorExists, boolean authorBanned,
                  boolean authorDeactivated, boolean authorShadowBanned, int cooldownSecs) {
        public String cid() {
            return channel.cid().toString();
        }

        public void require(Permission p) {
            Permissions.require(access, p);
        }

        public boolean allows(Permission p) {
            return Permissions.allows(access, p);
        }
    }

    /**
     * @param userId the user to evaluate: the acting user, or for server calls the user acted for (may be null)
     */
    public static Loaded load(Tx tx, AppId app, Actor actor, Cid cid, String userId, Instant now) {
        return tx.one(LOAD, rs -> loaded(rs, actor, now), userId, userId, userId, app.value(), cid.type(), cid.id())
                .orElseThrow(() -> ChatException.notFound(ErrorCode.CHANNEL_NOT_FOUND, "channel " + cid));
    }

    /** Who acts, and as which user: what one {@link #load} is asked for. */
    public record Request(Actor actor, String userId) {
    }

    /**
     * What {@link #load} gives for each request, read in one query: the channel as each of several actors sees it. A
     * request of no user, and every request when the channel does not exist, has no entry; {@link #load} then tells why.
     */
    public static java.util.Map<Request, Loaded> loadAll(Tx tx, AppId app, Cid cid, java.util.List<Request> requests, Instant now) {
        java.util.List<Request> asked = requests.stream().filter(r -> r.userId() != null).distinct().toList();
        java.util.Map<Request, Loaded> out = new java.util.HashMap<>();
        if (asked.isEmpty()) {
            return out;
        }
        String[] users = asked.stream().map(Request::userId).toArray(String[]::new);
        tx.query(LOAD_ALL, rs -> {
                    Request r = asked.get(rs.getInt("n") - 1);
                    out.put(r, loaded(rs, r.actor(), now));
                    return r;
                }, users, app.value(), cid.type(), cid.id());
        return out;
    }

    private static final String GATE_COLUMNS = Rows.CHANNEL_COLUMNS + ", c.cooldown_secs, t.grants, m.role as member_role, u.id as author_id, "
            + "u.role as user_role, u.banned, u.ban_expires_at, u.deactivated_at, u.shadow_banned, u.shadow_ban_expires_at, "
            + "cb.user_id as cb_user, cb.shadow as cb_shadow, cb.expires_at as cb_expires ";

    /** The channel's type, and the member, user and channel ban of the user {@code :user}. */
    private static final String GATE_JOINS = "join channel_type t on t.app_id = c.app_id and t.name = c.type "
            + "left join channel_member m on m.channel_pk = c.pk and m.user_id = :user "
            + "left join app_user u on u.app_id = c.app_id and u.id = :user "
            + "left join channel_ban cb on cb.channel_pk = c.pk and cb.user_id = :user ";

    private static final String LOAD = "select " + GATE_COLUMNS + "from channel c " + GATE_JOINS.replace(":user", "?")
            + "where c.app_id = ? and c.type = ? and c.id = ?";

    private static final String LOAD_ALL = "select a.n, " + GATE_COLUMNS + "from unnest(?::text[]) with ordinality as a(user_id, n) "
            + "join channel c on c.app_id = ? and c.type = ? and c.id = ? " + GATE_JOINS.replace(":user", "a.user_id");

    private static Loaded loaded(java.sql.ResultSet rs, Actor actor, Instant now) throws java.sql.SQLException {
        Channel channel = Rows.channel(rs);
        boolean appBan = active(rs.getBoolean("banned"), Tx.instant(rs, "ban_expires_at"), now);
        boolean appShadow = active(rs.getBoolean("shadow_banned"), Tx.instant(rs, "shadow_ban_expires_at"), now);
        boolean channelBan = active(rs.getString("cb_user") != null, Tx.instant(rs, "cb_expires"), now);
        boolean channelShadow = channelBan && rs.getBoolean("cb_shadow");
        String userRole = rs.getString("user_role");
        Permissions.Access access = new Permissions.Access(actor, userRole == null ? "anonymous" : userRole,
                rs.getString("member_role"), grants(rs.getString("grants")), channel.cid().toString());
        return new Loaded(rs.getObject("pk", UUID.class), channel, access, rs.getString("author_id") != null,
                appBan || (channelBan && !channelShadow), Tx.instant(rs, "deactivated_at") != null, appShadow || channelShadow,
                rs.getInt("cooldown_secs"));
    }

    /** Channel types' grants as stored, parsed once per distinct text (a send checks them every time). */
    private static final java.util.Map<String, java.util.Map<String, java.util.Set<io.chatsdk.engine.model.Permission>>> GRANTS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static java.util.Map<String, java.util.Set<io.chatsdk.engine.model.Permission>> grants(String json) {
        var parsed = GRANTS.get(json);
        if (parsed == null) {
            var m = new java.util.LinkedHashMap<String, java.util.Set<io.chatsdk.engine.model.Permission>>();
            Grants.parse("grants", Json.readMap(json)).forEach((role, perms) -> m.put(role, java.util.Collections.unmodifiableSet(perms)));
            parsed = java.util.Collections.unmodifiableMap(m);
            if (GRANTS.size() < 10_000) {   // distinct grant sets are few (one per channel type and edit); past that, parse each time
                GRANTS.put(json, parsed);
            }
        }
        return parsed;
    }

    private static boolean active(boolean set, Instant expires, Instant now) {
        return set && (expires == null || expires.isAfter(now));
    }

    /** The user an operation acts as: the acting user, or for server calls the given user id (may be null). */
    public static String actingUser(Actor actor, String serverSideUserId) {
        return actor instanceof Actor.User u ? u.userId() : serverSideUserId;
    }

    /** Refuses writes by banned or deactivated users. */
    public static void requireActiveAuthor(Loaded l, String userId) {
        if (userId == null) {
            return;
        }
        if (!l.authorExists()) {
            throw new ChatException(ErrorCode.USER_NOT_FOUND, "user '" + userId + "' does not exist in this app", "user_id", null);
        }
        if (l.authorDeactivated()) {
            throw new ChatException(ErrorCode.USER_DEACTIVATED, "user '" + userId + "' is deactivated");
        }
        if (l.authorBanned() && !l.access().isServer()) {
            throw new ChatException(ErrorCode.USER_BANNED, "user '" + userId + "' is banned");
        }
    }

    /** Frozen channels refuse writes from anyone who may not freeze them (moderators and the server may). */
    public static void requireNotFrozen(Loaded l) {
        if (l.channel().frozen() && !l.allows(Permission.FREEZE_CHANNEL)) {
            throw new ChatException(ErrorCode.CHANNEL_FROZEN, "channel " + l.cid() + " is frozen");
        }
    }

    /**
     * Checks, in {@code tx}, that {@code userId} could send a message (or, with {@code reply}, a thread reply) to the
     * channel now: not banned or deactivated, the permission, the channel not frozen.
     */
    public static Loaded requireCanSend(Tx tx, AppId app, Actor actor, Cid cid, String userId, boolean reply, java.time.Instant now) {
        Loaded l = load(tx, app, actor, cid, userId, now);
        requireActiveAuthor(l, userId);
        l.require(reply ? Permission.SEND_REPLY : Permission.SEND_MESSAGE);
        requireNotFrozen(l);
        return l;
    }
}
