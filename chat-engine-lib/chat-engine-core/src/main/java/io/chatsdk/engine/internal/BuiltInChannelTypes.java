package io.chatsdk.engine.internal;

import io.chatsdk.engine.model.ChannelConfig;
import io.chatsdk.engine.model.Member;
import io.chatsdk.engine.model.Permission;
import io.chatsdk.engine.persistence.ChannelTypeEntity;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.wire.Grants;

import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static io.chatsdk.engine.model.Permission.*;

/** The channel types every app starts with, modelled on GetStream's defaults. */
public final class BuiltInChannelTypes {
    private BuiltInChannelTypes() {
    }

    /** A built-in type's starting config and grants. */
    public record Definition(String name, ChannelConfig config, Map<String, Set<Permission>> grants) {
    }

    private static final Set<Permission> MEMBER = EnumSet.of(READ_CHANNEL, SEND_MESSAGE, SEND_REPLY, UPDATE_OWN_MESSAGE,
            DELETE_OWN_MESSAGE, SEND_REACTION, DELETE_OWN_REACTION, UPLOAD_ATTACHMENT, LEAVE_CHANNEL, PIN_MESSAGE, FLAG_MESSAGE);
    private static final Set<Permission> MODERATOR = union(MEMBER, EnumSet.of(UPDATE_CHANNEL, ADD_MEMBERS, REMOVE_MEMBERS,
            UPDATE_ANY_MESSAGE, DELETE_ANY_MESSAGE, TRUNCATE_CHANNEL, FREEZE_CHANNEL, SEND_SYSTEM_MESSAGE, BAN_CHANNEL_MEMBER, SKIP_SLOW_MODE));
    private static final Set<Permission> OWNER = union(MODERATOR, EnumSet.of(DELETE_CHANNEL, UPDATE_MEMBER_ROLES));

    public static Definition[] all() {
        return new Definition[] {messaging(), team(), livestream(), commerce()};
    }

    static Definition messaging() {
        return new Definition("messaging", ChannelConfig.defaults(), grants(EnumSet.of(CREATE_CHANNEL), EnumSet.noneOf(Permission.class)));
    }

    static Definition team() {
        Map<String, Set<Permission>> g = grants(EnumSet.of(CREATE_CHANNEL), EnumSet.noneOf(Permission.class));
        g.put(Member.MEMBER, union(MEMBER, EnumSet.of(ADD_MEMBERS)));
        return new Definition("team", ChannelConfig.defaults(), g);
    }

    static Definition livestream() {
        ChannelConfig config = new ChannelConfig(false, false, true, true, true, true, true, true, 5000);
        Set<Permission> everyone = EnumSet.of(READ_CHANNEL, READ_MESSAGES_AS_NON_MEMBER, JOIN_CHANNEL, SEND_MESSAGE, SEND_REPLY,
                SEND_REACTION, DELETE_OWN_REACTION, UPDATE_OWN_MESSAGE, DELETE_OWN_MESSAGE, FLAG_MESSAGE);
        return new Definition("livestream", config, grants(everyone, EnumSet.of(READ_CHANNEL, READ_MESSAGES_AS_NON_MEMBER)));
    }

    static Definition commerce() {
        ChannelConfig config = new ChannelConfig(true, true, false, false, true, true, true, false, 5000);
        return new Definition("commerce", config, grants(EnumSet.of(CREATE_CHANNEL), EnumSet.noneOf(Permission.class)));
    }

    private static Map<String, Set<Permission>> grants(Set<Permission> user, Set<Permission> guest) {
        Map<String, Set<Permission>> g = new LinkedHashMap<>();
        g.put("user", user);
        g.put("guest", guest);
        g.put(Member.MEMBER, MEMBER);
        g.put(Member.MODERATOR, MODERATOR);
        g.put(Member.OWNER, OWNER);
        return g;
    }

    private static Set<Permission> union(Set<Permission> a, Set<Permission> b) {
        Set<Permission> s = EnumSet.copyOf(a);
        s.addAll(b);
        return s;
    }

    /** Writes the built-in types for a new app, in the app's creation transaction. */
    public static void seed(Tx tx, AppId app, Instant now) {
        for (Definition d : all()) {
            tx.em().persist(new ChannelTypeEntity(app.value(), d.name(), true, Json.write(d.config().toMap()), Json.write(Grants.toWire(d.grants())), now));
        }
    }
}
