package io.chatsdk.jakarta;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.types.AppId;

/**
 * The authenticated caller of one request: the app named by the API key and the actor named by the token. The
 * {@link #app()} handle is already scoped to that actor, so resources cannot forget the permission check.
 */
public record Caller(AppId appId, AppHandle app, boolean server, String userId, String apiKey) {
    static final String ATTRIBUTE = "io.chatsdk.jakarta.caller";

    /** The user id for server-side calls that act for a user; for user callers, always the caller. */
    String userOr(String serverSideUserId) {
        return server ? serverSideUserId : userId;
    }
}
