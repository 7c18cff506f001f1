package io.chatsdk.engine.channels;

import io.chatsdk.engine.event.Event;
import io.chatsdk.engine.event.EventType;
import io.chatsdk.engine.internal.ChannelGate;
import io.chatsdk.engine.internal.CustomData;
import io.chatsdk.engine.internal.E2ee;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.internal.Json;
import io.chatsdk.engine.internal.MemberLists;
import io.chatsdk.engine.messaging.Messages;
import io.chatsdk.engine.model.Channel;
import io.chatsdk.engine.model.ChannelConfig;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.ChannelQuery;
import io.chatsdk.engine.model.ChannelState;
import io.chatsdk.engine.model.Member;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.MessagePage;
import io.chatsdk.engine.model.Permission;
import io.chatsdk.engine.persistence.Outbox;
import io.chatsdk.engine.persistence.Rows;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.Actor;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;
import io.chatsdk.engine.types.Validate;
import io.chatsdk.engine.users.Users;
import io.chatsdk.engine.wire.Wire;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * An app's channels as seen by one actor: get-or-create (including distinct 1:1 channels by member list),
 * update, freeze, truncate, delete, members, hide/show and query. Every call passes the central permission
 * check. Thread-safe.
 */
public final class Channels {
    public static final int MAX_MEMBERS_PER_CALL = 100;
    static final Set<String> RESERVED = Set.of("cid", "type", "id", "name", "image", "members", "member_count", "created_by",
            "created_by_id", "frozen", "config", "last_message_at", "created_at", "updated_at", "last_seq", "hidden", E2ee.FLAG);

    private final EngineContext ctx;
    private final AppId app;
    private final Actor actor;
    private final Messages messages;

    public Channels(EngineContext ctx, AppId app, Actor actor, Messages messages) {
        this.ctx = ctx;
        this.app = app;
        this.actor = actor;
        this.messages = messages;
    }

    /** Returns the channel, creating it with {@code input} when it does not exist. */
    public ChannelState getOrCreate(String type, String id, ChannelInput input) {
        return getOrCreate(new Cid(type, id), input, null);
    }

    /**
     * The distinct channel of exactly these members (GetStream's channel without id): the same member set always
     * gives the same channel, whatever order the ids come in.
     */
    public ChannelState getOrCreateDistinct(String type, ChannelInput input) {
        Validate.channelTypeName("type", type);
        if (input == null || input.members() == null || input.members().size() < 2) {
            throw ChatException.invalid("members", "a distinct channel needs at least 2 members");
        }
        TreeSet<String> sorted = new TreeSet<>();
        for (int i = 0; i < input.members().size(); i++) {
            sorted.add(Validate.userId("members[" + i + "]", input.members().get(i)));
        }
        String key = String.join(",", sorted);
        return getOrCreate(new Cid(type, "!members-" + hash(key)), input, key);
    }

    private ChannelState getOrCreate(Cid cid, ChannelInput in, String distinctKey) {
        ChannelInput asked = in == null ? ChannelInput.empty() : in;
        boolean e2ee = E2ee.requested(asked.custom());
        // the flag is the column's, never custom data (false asks for nothing and is dropped too)
        ChannelInput input = asked.custom() != null && asked.custom().containsKey(E2ee.FLAG) ? asked.withCustom(E2ee.without(asked.custom())) : asked;
        String creator = ChannelGate.actingUser(actor, input.createdBy());
        validate(input);
        Instant now = ctx.now();
        ChannelState existing = ctx.db().read(tx -> tryState(tx, cid, creator, MessagePage.latest(25), 100));
        if (existing != null) {
            return e2ee ? E2ee.requireSame(existing, creator, input.members()) : existing;
        }
        if (creator == null) {
            throw ChatException.invalid("created_by", "is required when the server creates a channel");
        }
        LinkedHashSet<String> members = new LinkedHashSet<>(input.members() == null ? List.of() : input.members());
        members.add(creator);
        if (members.size() > MAX_MEMBERS_PER_CALL) {
            throw ChatException.invalid("members", "at most " + MAX_MEMBERS_PER_CALL + " members may be added at once");
        }
        if (e2ee) {
            E2ee.requireOneToOne(cid, members);
        }
        ChannelInput stored = input;
        ChannelState created = ctx.db().inTransaction(tx -> {
            io.chatsdk.engine.model.ChannelType type = typeOf(tx, cid.type());
            if (actor instanceof Actor.User) {
                String role = tx.one("select role from app_user where app_id = ? and id = ?", rs -> rs.getString(1), app.value(), creator)
                        .orElseThrow(() -> new ChatException(ErrorCode.USER_NOT_FOUND, "user '" + creator + "' does not exist in this app"));
                io.chatsdk.engine.internal.Permissions.require(new io.chatsdk.engine.internal.Permissions.Access(actor, role, null,
                        type.grants(), cid.toString()), Permission.CREATE_CHANNEL);
            }
            Users.requireExist(tx, app, "members", members);
            if (distinctKey != null && actor instanceof Actor.User && tx.one("select 1 from user_block where app_id = ? and blocked_id = ? "
                    + "and user_id = any(?) limit 1", rs -> true, app.value(), creator, new ArrayList<>(members)).isPresent()) {
                throw ChatException.forbidden("user '" + creator + "' cannot open a distinct channel with a user who blocked them");
            }
            UUID pk = ctx.ids().next();
            boolean inserted = tx.update("insert into channel (pk, app_id, type, id, name, image, custom, created_by, config_overrides, "
                            + "distinct_key, member_count, e2ee, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?) "
                            // any unique conflict (the id, or a distinct channel's key) means another call created it first
                            + "on conflict do nothing",
                    pk, app.value(), cid.type(), cid.id(), stored.name(), stored.image(), Json.write(orEmpty(stored.custom())), creator,
                    Json.write(orEmpty(stored.configOverrides())), distinctKey, members.size(), e2ee, now, now) == 1;
            if (!inserted) {
                return null; // created concurrently: read it below, outside this transaction
            }
            for (String userId : members) {
                tx.update("insert into channel_member (app_id, channel_pk, user_id, role, created_at, updated_at) values (?, ?, ?, ?, ?, ?)",
                        app.value(), pk, userId, userId.equals(creator) ? Member.OWNER : Member.MEMBER, now, now);
            }
            ChannelState state = tryState(tx, cid, creator, MessagePage.latest(25), 100);
            Outbox.write(tx, app, pk, now, new Event.ChannelEvent(EventType.CHANNEL_CREATED, cid, null, Wire.channel(state.channel()), null, null));
            for (Member m : state.members()) {
                Outbox.write(tx, app, pk, now, new Event.MemberEvent(EventType.MEMBER_ADDED, cid, m.userId(), Wire.member(m)));
            }
            return new ChannelState(state.channel(), true, state.members(), state.messages(), state.membership());
        });
        if (created != null) {
            return created;
        }
        // created concurrently by another call: what it made must be what this one asked for
        ChannelState other = state(cid, MessagePage.latest(25), 100);
        return e2ee ? E2ee.requireSame(other, creator, input.members()) : other;
    }

    /** The channel, its members and its messages in {@code page}; needs read permission. */
    public ChannelState state(Cid cid, MessagePage page, int memberLimit) {
        Validate.range("member_limit", memberLimit, 0, 300);
        ChannelState s = ctx.db().read(tx -> tryState(tx, cid, ChannelGate.actingUser(actor, null), page, memberLimit));
        if (s == null) {
            throw ChatException.notFound(ErrorCode.CHANNEL_NOT_FOUND, "channel " + cid);
        }
        return s;
    }

    private ChannelState tryState(Tx tx, Cid cid, String userId, MessagePage page, int memberLimit) {
        ChannelGate.Loaded l;
        try {
            l = ChannelGate.load(tx, app, actor, cid, userId, ctx.now());
        } catch (ChatException e) {
            if (e.code() == ErrorCode.CHANNEL_NOT_FOUND) {
                return null;
            }
            throw e;
        }
        l.require(Permission.READ_CHANNEL);
        List<Member> members = memberLimit == 0 ? List.of() : tx.query("select " + Rows.MEMBER_COLUMNS + " from channel_member m "
                + "where m.channel_pk = ? order by m.created_at, m.user_id limit " + memberLimit, rs -> Rows.member(rs, l.channel().lastSeq()), l.pk());
        Member me = userId == null ? null : tx.one("select " + Rows.MEMBER_COLUMNS + " from channel_member m where m.channel_pk = ? and m.user_id = ?",
                rs -> Rows.member(rs, l.channel().lastSeq()), l.pk(), userId).orElse(null);
        List<Message> msgs = messages.listIn(tx, l, page, actor instanceof Actor.User u ? u.userId() : null);
        return new ChannelState(l.channel(), false, members, msgs, me);
    }

    public Channel get(Cid cid) {
        return state(cid, MessagePage.latest(1), 0).channel();
    }

    /**
     * Checks, without writing anything, that {@code userId} (the acting user, or the user a server call speaks for)
     * could send a message to the channel now: the send permission, not banned or deactivated, the channel not frozen.
     * Custom events are held to this, so that a banned or read-only user cannot broadcast to a channel.
     */
    public void requireCanSend(Cid cid, String serverSideUserId) {
        String userId = ChannelGate.actingUser(actor, serverSideUserId);
        Instant now = ctx.now();
        ctx.db().read(tx -> {
            ChannelGate.Loaded l = ChannelGate.requireCanSend(tx, app, actor, cid, userId, false, now);
            if (E2ee.of(l.channel())) {
                // a custom event's fields would travel in the clear
                throw new ChatException(ErrorCode.E2EE_REQUIRED, "custom events are not encrypted and cannot be sent in an end-to-end encrypted channel",
                        "event", null);
            }
            return l;
        });
    }

    /** Replaces name, image and custom data (GetStream's update channel). */
    public Channel update(Cid cid, ChannelInput input) {
        validate(input);
        return mutate(cid, Permission.UPDATE_CHANNEL, "channel.updated",
                "name = ?, image = ?, custom = ?::jsonb, config_overrides = coalesce(?::text, config_overrides)",
                input.name(), input.image(), Json.write(orEmpty(input.custom())),
                input.configOverrides() == null ? null : Json.write(input.configOverrides()));
    }

    /** Sets and unsets individual fields: {@code name}, {@code image} or custom keys. */
    public Channel partialUpdate(Cid cid, Map<String, Object> set, List<String> unset) {
        Map<String, Object> s = set == null ? Map.of() : set;
        List<String> u = unset == null ? List.of() : unset;
        Map<String, Object> custom = new LinkedHashMap<>(s);
        Object name = custom.remove("name");
        Object image = custom.remove("image");
        if (name != null && !(name instanceof String)) {
            throw ChatException.invalid("set.name", "must be a string");
        }
        if (image != null && !(image instanceof String)) {
            throw ChatException.invalid("set.image", "must be a string");
        }
        Validate.text("set.name", (String) name, 100);
        Validate.httpUrl("set.image", (String) image);
        CustomData.check("set", custom, RESERVED);
        for (String key : u) {
            if (RESERVED.contains(key) && !key.equals("name") && !key.equals("image")) {
                throw ChatException.invalid("unset", "'" + key + "' cannot be unset");
            }
        }
        // the merged data is checked too: repeated partial updates may not grow a channel's custom data past the limit
        return mutate(cid, Permission.UPDATE_CHANNEL, "channel.updated", merged -> CustomData.check("set", merged.custom(), Set.of()),
                "name = case when ? then null else coalesce(?::text, name) end, image = case when ? then null else coalesce(?::text, image) end, "
                        + "custom = (custom || ?::jsonb) - ?::text[]",
                u.contains("name"), name, u.contains("image"), image, Json.write(custom), u.toArray(String[]::new));
    }

    public Channel freeze(Cid cid, boolean frozen) {
        // GetStream clients listen for channel.frozen / channel.unfrozen; channel.updated follows for the others
        mutate(cid, Permission.FREEZE_CHANNEL, frozen ? "channel.frozen" : "channel.unfrozen", "frozen = ?", frozen);
        return mutate(cid, Permission.FREEZE_CHANNEL, "channel.updated", "frozen = ?", frozen);
    }

    /** Removes every message up to now from the channel's history (seqs stay; later messages continue the sequence). */
    public Channel truncate(Cid cid) {
        return mutate(cid, Permission.TRUNCATE_CHANNEL, "channel.truncated", "truncated_seq = last_seq");
    }

    private Channel mutate(Cid cid, Permission permission, String event, String assignments, Object... values) {
        return mutate(cid, permission, event, c -> { }, assignments, values);
    }

    /** Updates the channel row; {@code check} sees the channel as changed and may refuse it, which rolls the change back. */
    private Channel mutate(Cid cid, Permission permission, String event, java.util.function.Consumer<Channel> check, String assignments,
                           Object... values) {
        Instant now = ctx.now();
        return ctx.db().inTransaction(tx -> {
            ChannelGate.Loaded l = ChannelGate.load(tx, app, actor, cid, ChannelGate.actingUser(actor, null), now);
            l.require(permission);
            List<Object> params = new ArrayList<>(java.util.Arrays.asList(values));
            params.add(now);
            params.add(l.pk());
            tx.update("update channel set " + assignments + ", updated_at = ? where pk = ?", params.toArray());
            Channel c = ChannelGate.load(tx, app, actor, cid, null, now).channel();
            check.accept(c);
            Outbox.write(tx, app, l.pk(), now, new Event.ChannelEvent(EventType.of(event).orElseThrow(), cid, c.lastSeq(), Wire.channel(c), null, null));
            return c;
        });
    }

    /** Deletes the channel with its members, messages and reactions. */
    public void delete(Cid cid) {
        Instant now = ctx.now();
        ctx.db().inTransaction(tx -> {
            ChannelGate.Loaded l = ChannelGate.load(tx, app, actor, cid, ChannelGate.actingUser(actor, null), now);
            l.require(Permission.DELETE_CHANNEL);
            io.chatsdk.engine.persistence.HoldSql.lockForDelete(tx, app);
            if (tx.one("select 1 from message msg join channel mc on mc.pk = msg.channel_pk where msg.channel_pk = ? and "
                    + io.chatsdk.engine.persistence.HoldSql.HELD + " limit 1", rs -> true, l.pk()).isPresent()) {
                throw new ChatException(ErrorCode.LEGAL_HOLD, "channel " + cid + " holds messages under a legal hold; truncate or "
                        + "hide it instead, or release the hold first", "cid", null);
            }
            // the members go with the channel, so the event names them for delivery
            List<String> memberIds = tx.query("select user_id from channel_member where channel_pk = ? order by user_id", rs -> rs.getString(1), l.pk());
            Outbox.write(tx, app, l.pk(), now, new Event.ChannelEvent(EventType.CHANNEL_DELETED, cid, l.channel().lastSeq(), Wire.channel(l.channel()),
                    memberIds, null));
            io.chatsdk.engine.internal.FileRows.forChannel(tx, app, l.pk());   // the sweeper removes them
            tx.update("delete from channel where pk = ?", l.pk());
            return null;
        });
    }

    /** Adds users as members (role {@code member}); users already in the channel are left as they are. */
    public List<Member> addMembers(Cid cid, List<String> userIds) {
        List<String> ids = checkIds(userIds);
        Instant now = ctx.now();
        return ctx.db().inTransaction(tx -> {
            String me = ChannelGate.actingUser(actor, null);
            ChannelGate.Loaded l = ChannelGate.load(tx, app, actor, cid, me, now);
            if (me != null && ids.size() == 1 && ids.get(0).equals(me) && !l.allows(Permission.ADD_MEMBERS)) {
                l.require(Permission.JOIN_CHANNEL);
            } else {
                l.require(Permission.ADD_MEMBERS);
            }
            if (me != null && ids.contains(me)) {
                ChannelGate.requireActiveAuthor(l, me);   // banned users cannot join
            }
            if (E2ee.of(l.channel())) {
                throw new ChatException(ErrorCode.FEATURE_DISABLED, "an end-to-end encrypted channel has exactly its two members", "user_ids", null);
            }
            Users.requireExist(tx, app, "user_ids", ids);
            long lastSeq = lockForMemberChange(tx, l.pk(), cid);
            List<Member> added = new ArrayList<>();
            for (String userId : ids) {
                tx.one("insert into channel_member as m (app_id, channel_pk, user_id, role, last_read_seq, created_at, updated_at) "
                                + "values (?, ?, ?, 'member', ?, ?, ?) on conflict do nothing returning " + Rows.MEMBER_COLUMNS,
                        rs -> Rows.member(rs, lastSeq), app.value(), l.pk(), userId, lastSeq, now, now)
                        .ifPresent(added::add);
            }
            if (!added.isEmpty()) {
                tx.update("update channel set member_count = member_count + ?, updated_at = ? where pk = ?", added.size(), now, l.pk());
            }
            for (Member m : added) {
                Outbox.write(tx, app, l.pk(), now, new Event.MemberEvent(EventType.MEMBER_ADDED, cid, m.userId(), Wire.member(m)));
            }
            return added;
        });
    }

    /** Removes members. A user may always remove themselves (leave) when the type grants {@code leave-channel}. */
    public void removeMembers(Cid cid, List<String> userIds) {
        List<String> ids = checkIds(userIds);
        Instant now = ctx.now();
        ctx.db().inTransaction(tx -> {
            String me = ChannelGate.actingUser(actor, null);
            ChannelGate.Loaded l = ChannelGate.load(tx, app, actor, cid, me, now);
            if (me != null && ids.size() == 1 && ids.get(0).equals(me) && !l.allows(Permission.REMOVE_MEMBERS)) {
                l.require(Permission.LEAVE_CHANNEL);
            } else {
                l.require(Permission.REMOVE_MEMBERS);
            }
            lockForMemberChange(tx, l.pk(), cid);
            List<String> removed = tx.query("delete from channel_member where channel_pk = ? and user_id = any(?) returning user_id",
                    rs -> rs.getString(1), l.pk(), ids);
            if (!removed.isEmpty()) {
                tx.update("update channel set member_count = member_count - ?, updated_at = ? where pk = ?", removed.size(), now, l.pk());
            }
            for (String userId : removed) {
                Outbox.write(tx, app, l.pk(), now, new Event.MemberEvent(EventType.MEMBER_REMOVED, cid, userId, null));
            }
            return null;
        });
    }

    /**
     * Locks the channel's row before its member rows change, the order a send takes them in (the channel's row for its
     * seq, then the sender's member row): the change's triggers write the channel's row (V18), and taking it after a
     * member row would let two member changes, or a member change and a send, each wait for the other. Returns the
     * channel's last seq as of the lock (new members have read up to it); a channel deleted meanwhile is not found.
     */
    private static long lockForMemberChange(Tx tx, UUID pk, Cid cid) {
        return tx.one("select last_seq from channel where pk = ? for no key update", rs -> rs.getLong(1), pk)
                .orElseThrow(() -> ChatException.notFound(ErrorCode.CHANNEL_NOT_FOUND, "channel " + cid));
    }

    /** Sets a member's channel role: {@code member}, {@code moderator} or {@code owner}. */
    public Member setMemberRole(Cid cid, String userId, String role) {
        Validate.userId("user_id", userId);
        if (!Set.of(Member.MEMBER, Member.MODERATOR, Member.OWNER).contains(role)) {
            throw ChatException.invalid("channel_role", "must be member, moderator or owner");
        }
        Instant now = ctx.now();
        return ctx.db().inTransaction(tx -> {
            ChannelGate.Loaded l = ChannelGate.load(tx, app, actor, cid, ChannelGate.actingUser(actor, null), now);
            l.require(Permission.UPDATE_MEMBER_ROLES);
            Member m = tx.one("update channel_member m set role = ?, updated_at = ? where channel_pk = ? and user_id = ? returning " + Rows.MEMBER_COLUMNS,
                            rs -> Rows.member(rs, l.channel().lastSeq()), role, now, l.pk(), userId)
                    .orElseThrow(() -> ChatException.notFound(ErrorCode.NOT_FOUND, "member '" + userId + "' of channel " + cid));
            Outbox.write(tx, app, l.pk(), now, new Event.MemberEvent(EventType.MEMBER_UPDATED, cid, userId, Wire.member(m)));
            return m;
        });
    }

    /** Hides the channel for the acting user until a new message arrives (GetStream's hide). */
    public void hide(Cid cid, String serverSideUserId) {
        setHidden(cid, serverSideUserId, true);
    }

    /** Shows a hidden channel again. */
    public void show(Cid cid, String serverSideUserId) {
        setHidden(cid, serverSideUserId, false);
    }

    private void setHidden(Cid cid, String serverSideUserId, boolean hidden) {
        String userId = ChannelGate.actingUser(actor, serverSideUserId);
        if (userId == null) {
            throw ChatException.invalid("user_id", "is required for server-side hide/show");
        }
        Instant now = ctx.now();
        ctx.db().inTransaction(tx -> {
            ChannelGate.Loaded l = ChannelGate.load(tx, app, actor, cid, userId, now);
            if (!l.access().isMember()) {
                throw ChatException.forbidden("user '" + userId + "' is not a member of channel " + cid);
            }
            tx.update("update channel_member set hidden_seq = " + (hidden ? "?" : "null") + ", updated_at = ? where channel_pk = ? and user_id = ?",
                    hidden ? new Object[] {l.channel().lastSeq(), now, l.pk(), userId} : new Object[] {now, l.pk(), userId});
            Outbox.write(tx, app, l.pk(), now, new Event.ChannelVisibilityEvent(hidden ? EventType.CHANNEL_HIDDEN : EventType.CHANNEL_VISIBLE, cid, userId));
            return null;
        });
    }

    /**
     * The user ids of a channel's members (at most {@code limit}, in the order of their ids) who block none of
     * {@code authors}, and who are among {@code among} unless it is null: the audience of a message or reaction. Server
     * side only. Empty for a channel that does not exist (it may have just been deleted).
     *
     * <p>Every delivered event asks, so it costs one small statement, in auto-commit, while this node's list of the
     * channel's members is current: the channel's {@code member_version} and the authors' blockers. The members are read
     * again only after they changed (see {@link MemberLists}); a channel with more than {@link MemberLists#maxMembers}
     * members is filtered in the database instead.
     */
    public List<String> memberIdsExceptBlockersOf(Cid cid, java.util.Collection<String> authors, java.util.Collection<String> among, int limit) {
        Validate.range("limit", limit, 1, 100_000);
        if (!(actor instanceof Actor.Server)) {
            throw ChatException.forbidden("members without their blocks: server side only");
        }
        if (among != null && among.isEmpty()) {
            return List.of();
        }
        MemberLists lists = ctx.memberLists();
        List<String> authorIds = new ArrayList<>(authors);   // bound as a text array by each statement that needs it
        // each statement alone: none needs another's snapshot, and a commit would be one more round trip per event
        return ctx.db().readEachStatementAlone(tx -> {
            record Head(UUID pk, long version, int memberCount, List<String> blockers) {
            }
            // the blockers among the members only: an author many users block costs no more than the members
            Optional<Head> found = tx.one("select c.pk, c.member_version, c.member_count, array(select b.user_id from user_block b "
                    + "join channel_member m on m.channel_pk = c.pk and m.user_id = b.user_id where b.app_id = c.app_id and b.blocked_id = any(?)) "
                    + "as blockers from channel c where c.app_id = ? and c.type = ? and c.id = ?",
                    rs -> new Head(rs.getObject("pk", UUID.class), rs.getLong("member_version"), rs.getInt("member_count"),
                            Tx.textArray(rs, "blockers")),
                    authorIds, app.value(), cid.type(), cid.id());
            if (found.isEmpty()) {
                return List.<String>of();
            }
            Head head = found.get();
            MemberLists.Members members = lists.at(head.pk(), head.version());
            if (members == null && head.memberCount() > lists.maxMembers()) {
                members = lists.keep(head.pk(), head.version(), null);   // too many to keep: not worth reading them to learn it
            }
            Set<String> blockers = new java.util.HashSet<>(head.blockers());
            if (members == null) {
                // the number and the members in one statement, so that the list kept is the one of its number; and their
                // blocks as of the same moment, since the first statement's blockers were among the members it saw
                record Row(long version, String userId, boolean blocks) {
                }
                List<Row> rows = tx.query("select c.member_version, m.user_id, exists (select 1 from user_block b where b.app_id = c.app_id "
                        + "and b.user_id = m.user_id and b.blocked_id = any(?)) from channel c left join channel_member m on m.channel_pk = c.pk "
                        + "where c.pk = ? order by m.user_id limit " + (lists.maxMembers() + 1),
                        rs -> new Row(rs.getLong(1), rs.getString(2), rs.getBoolean(3)), authorIds, head.pk());
                if (rows.isEmpty()) {
                    return List.<String>of();   // deleted since the first statement
                }
                members = lists.keep(head.pk(), rows.get(0).version(),
                        rows.stream().map(Row::userId).filter(java.util.Objects::nonNull).toList());
                blockers = new java.util.HashSet<>(rows.stream().filter(Row::blocks).map(Row::userId).toList());
            }
            if (members.tooMany()) {
                List<Object> args = new ArrayList<>(List.of(head.pk(), authorIds));
                if (among != null) {
                    args.add(new ArrayList<>(among));
                }
                return tx.query("select m.user_id from channel_member m where m.channel_pk = ? and not exists (select 1 from user_block b "
                        + "where b.app_id = m.app_id and b.user_id = m.user_id and b.blocked_id = any(?)) "
                        + (among == null ? "" : "and m.user_id = any(?) ") + "order by m.user_id limit " + limit,
                        rs -> rs.getString(1), args.toArray());
            }
            java.util.Collection<String> wanted = among == null || among instanceof Set<?> ? among : new java.util.HashSet<>(among);
            List<String> ids = new ArrayList<>();
            for (String userId : members.userIds()) {
                if (ids.size() == limit) {
                    break;
                }
                if (!blockers.contains(userId) && (wanted == null || wanted.contains(userId))) {
                    ids.add(userId);
                }
            }
            return ids;
        });
    }

    /** GetStream's query channels; see {@link ChannelQuery} and docs/architecture.md for fields and operators. */
    public List<Channel> query(ChannelQuery query) {
        String userId = ChannelGate.actingUser(actor, query.userId());
        if (userId != null) {
            Validate.userId("user_id", userId);
        }
        return ctx.db().read(tx -> ChannelSearch.run(tx, app, actor, userId, query));
    }

    private void validate(ChannelInput input) {
        if (input == null) {
            throw ChatException.invalid("data", "is required");
        }
        Validate.text("name", input.name(), 100);
        Validate.httpUrl("image", input.image());
        CustomData.check("custom", input.custom(), RESERVED);
        if (input.configOverrides() != null) {
            // overrides can switch on what the app switched off for the type (uploads, URL enrichment, ...): server only
            if (!(actor instanceof Actor.Server)) {
                throw new ChatException(ErrorCode.FORBIDDEN, "config_overrides: only the server side may override a channel's config",
                        "config_overrides", null);
            }
            ChannelConfig.defaults().with(input.configOverrides());
        }
        if (input.members() != null) {
            for (int i = 0; i < input.members().size(); i++) {
                Validate.userId("members[" + i + "]", input.members().get(i));
            }
        }
        if (input.createdBy() != null) {
            Validate.userId("created_by", input.createdBy());
        }
    }

    private static List<String> checkIds(List<String> userIds) {
        if (userIds == null || userIds.isEmpty() || userIds.size() > MAX_MEMBERS_PER_CALL) {
            throw ChatException.invalid("user_ids", "must hold between 1 and " + MAX_MEMBERS_PER_CALL + " user ids");
        }
        for (int i = 0; i < userIds.size(); i++) {
            Validate.userId("user_ids[" + i + "]", userIds.get(i));
        }
        return List.copyOf(new LinkedHashSet<>(userIds));
    }

    private io.chatsdk.engine.model.ChannelType typeOf(Tx tx, String type) {
        io.chatsdk.engine.persistence.ChannelTypeEntity e = tx.em().find(io.chatsdk.engine.persistence.ChannelTypeEntity.class,
                io.chatsdk.engine.persistence.ChannelTypeEntity.key(app.value(), type));
        if (e == null) {
            throw ChatException.notFound(ErrorCode.CHANNEL_TYPE_NOT_FOUND, "channel type '" + type + "'");
        }
        return ChannelTypes.toModel(e);
    }

    private static Map<String, Object> orEmpty(Map<String, Object> m) {
        return m == null ? Map.of() : m;
    }

    private static String hash(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
