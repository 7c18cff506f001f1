package io.chatsdk.engine.moderation;

import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.Actor;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;

import java.util.Set;

/**
 * App-wide moderation rights, which no channel type grants: the server, and users whose app role is {@code admin}
 * or {@code moderator}. Used for app-wide bans, the flag queue and its review, and blocklists.
 */
final class Moderators {
    static final Set<String> ROLES = Set.of("admin", "moderator");

    private Moderators() {
    }

    /** Throws {@code forbidden} naming {@code permission} unless the actor is the server or an app moderator. */
    static void require(Tx tx, AppId app, Actor actor, String permission) {
        if (!(actor instanceof Actor.User u)) {
            return;
        }
        String role = tx.one("select role from app_user where app_id = ? and id = ?", rs -> rs.getString(1), app.value(), u.userId()).orElse("anonymous");
        if (!ROLES.contains(role)) {
            throw ChatException.forbidden("user '" + u.userId() + "' lacks permission '" + permission + "' (app role: " + role
                    + "; needs admin or moderator)");
        }
    }
}
