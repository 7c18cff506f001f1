package io.chatsdk.engine.internal;

import io.chatsdk.engine.model.Permission;
import io.chatsdk.engine.types.Actor;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one place that decides whether an actor may perform an action on a channel. Every operation calls
 * {@link #require}; nothing else in the engine tests roles.
 *
 * <p>An actor's roles on a channel are its user role ({@code user}, {@code guest}, ...) plus its channel role
 * ({@code owner}, {@code moderator}, {@code member}) when it is a member. The user role {@code admin} may do
 * everything; the server actor skips the check.
 */
public final class Permissions {
    public static final String ADMIN = "admin";

    private Permissions() {
    }

    /**
     * What the check needs to know about the acting user on one channel.
     *
     * @param memberRole the channel role, or {@code null} when the user is not a member
     */
    public record Access(Actor actor, String userRole, String memberRole, Map<String, Set<Permission>> grants, String cid) {
        public boolean isServer() {
            return actor instanceof Actor.Server;
        }

        public String userId() {
            return actor instanceof Actor.User u ? u.userId() : null;
        }

        public boolean isMember() {
            return memberRole != null;
        }
    }

    public static boolean allows(Access access, Permission permission) {
        if (access.isServer() || ADMIN.equals(access.userRole())) {
            return true;
        }
        if (has(access.grants(), access.userRole(), permission)) {
            return true;
        }
        return access.memberRole() != null && has(access.grants(), access.memberRole(), permission);
    }

    /** Throws {@code forbidden}, naming the missing permission and the roles held, unless allowed. */
    public static void require(Access access, Permission permission) {
        if (!allows(access, permission)) {
            throw new ChatException(ErrorCode.FORBIDDEN, "user '" + access.userId() + "' lacks permission '"
                    + permission.wireName() + "' on channel " + access.cid() + " (roles: " + roles(access) + ")");
        }
    }

    /**
     * For actions with an "own" and an "any" form (update/delete message): allowed with {@code any}, or with
     * {@code own} when the actor authored the object.
     */
    public static void requireOwnOrAny(Access access, String authorId, Permission own, Permission any) {
        if (allows(access, any)) {
            return;
        }
        if (authorId != null && authorId.equals(access.userId()) && allows(access, own)) {
            return;
        }
        throw new ChatException(ErrorCode.FORBIDDEN, "user '" + access.userId() + "' lacks permission '"
                + (authorId != null && authorId.equals(access.userId()) ? own : any).wireName() + "' on channel "
                + access.cid() + " (roles: " + roles(access) + ")");
    }

    private static boolean has(Map<String, Set<Permission>> grants, String role, Permission p) {
        Set<Permission> set = grants.get(role);
        return set != null && set.contains(p);
    }

    private static String roles(Access access) {
        List<String> roles = new ArrayList<>();
        roles.add(access.userRole());
        if (access.memberRole() != null) {
            roles.add(access.memberRole());
        }
        return String.join(", ", roles);
    }
}
