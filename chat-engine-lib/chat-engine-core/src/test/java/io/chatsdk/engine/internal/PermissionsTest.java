package io.chatsdk.engine.internal;

import io.chatsdk.engine.model.Permission;
import io.chatsdk.engine.types.Actor;
import io.chatsdk.engine.types.ChatException;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PermissionsTest {
    private static final Map<String, Set<Permission>> GRANTS = BuiltInChannelTypes.messaging().grants();

    private static Permissions.Access access(String userRole, String memberRole) {
        return new Permissions.Access(Actor.user("u1"), userRole, memberRole, GRANTS, "messaging:x");
    }

    @Test
    void everyBuiltInRoleGetsWhatItShould() {
        for (Permission p : Permission.values()) {
            assertThat(Permissions.allows(new Permissions.Access(Actor.SERVER, "user", null, GRANTS, "messaging:x"), p)).isTrue();
            assertThat(Permissions.allows(access("admin", null), p)).isTrue();
        }
        assertThat(Permissions.allows(access("user", null), Permission.CREATE_CHANNEL)).isTrue();
        assertThat(Permissions.allows(access("user", null), Permission.READ_CHANNEL)).isFalse();
        assertThat(Permissions.allows(access("guest", null), Permission.CREATE_CHANNEL)).isFalse();
        assertThat(Permissions.allows(access("user", "member"), Permission.SEND_MESSAGE)).isTrue();
        assertThat(Permissions.allows(access("user", "member"), Permission.DELETE_ANY_MESSAGE)).isFalse();
        assertThat(Permissions.allows(access("user", "moderator"), Permission.DELETE_ANY_MESSAGE)).isTrue();
        assertThat(Permissions.allows(access("user", "moderator"), Permission.DELETE_CHANNEL)).isFalse();
        assertThat(Permissions.allows(access("user", "owner"), Permission.DELETE_CHANNEL)).isTrue();
    }

    @Test
    void ownOrAnyAndDenialMessages() {
        Permissions.requireOwnOrAny(access("user", "member"), "u1", Permission.UPDATE_OWN_MESSAGE, Permission.UPDATE_ANY_MESSAGE);
        assertThatThrownBy(() -> Permissions.requireOwnOrAny(access("user", "member"), "u2", Permission.UPDATE_OWN_MESSAGE, Permission.UPDATE_ANY_MESSAGE))
                .isInstanceOf(ChatException.class)
                .hasMessage("user 'u1' lacks permission 'update-any-message' on channel messaging:x (roles: user, member)");
        Map<String, Set<Permission>> none = Map.of("member", EnumSet.noneOf(Permission.class));
        assertThatThrownBy(() -> Permissions.require(new Permissions.Access(Actor.user("u1"), "user", "member", none, "t:c"), Permission.SEND_MESSAGE))
                .hasMessageContaining("'send-message'");
    }
}
