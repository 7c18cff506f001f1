package io.chatsdk.engine.types;

/**
 * Who performs an operation. A {@link Server} actor is trusted back-end code and skips permission checks;
 * a {@link User} actor is checked against the channel type's grants on every call.
 */
public sealed interface Actor {
    /** The trusted server side (GetStream's server token). */
    record Server() implements Actor {
    }

    /** An end user, identified by the app's user id. */
    record User(String userId) implements Actor {
        public User {
            io.chatsdk.engine.types.Validate.userId("user_id", userId);
        }
    }

    Actor SERVER = new Server();

    static Actor user(String userId) {
        return new User(userId);
    }
}
