package io.chatsdk.jakarta;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.model.TokenState;
import io.chatsdk.engine.types.ChatException;

import java.time.Instant;

/**
 * Turns an API key and a token into a {@link Caller}, for the REST filter and the WebSocket endpoint alike: the key
 * names the app, the token (raw or {@code Bearer}) is verified against the app's secret, then revocation and
 * deactivation are checked. Throws {@link ApiException} with a stable code; never logs the token. Thread-safe.
 */
final class Authenticator {
    private final ChatApiContext ctx;

    Authenticator(ChatApiContext ctx) {
        this.ctx = ctx;
    }

    /** How much of the user's own state (revocation, deactivation) a check reads. */
    enum UserChecks {
        /** None: the check costs no query once the app is cached (a live connection's periodic re-check). */
        NONE,
        /** As this node remembers it ({@code Users.tokenState}): a request, a new connection. */
        REMEMBERED,
        /** Read from the database: a live connection re-checked because an event about its user arrived. */
        FRESH
    }

    Caller authenticate(String apiKey, String authorization) {
        return authenticate(apiKey, authorization, UserChecks.REMEMBERED);
    }

    /** As {@link #authenticate(String, String)}, reading as much of the user's own state as {@code userChecks} says. */
    Caller authenticate(String apiKey, String authorization, UserChecks userChecks) {
        if (apiKey == null || apiKey.isBlank()) {
            throw ApiException.unauthorized("api_key_missing", "send the app's API key as the api_key query parameter or the X-Api-Key header");
        }
        // API keys are short and alphanumeric; anything else is refused before it reaches a cache or the database
        if (!apiKey.strip().matches("[A-Za-z0-9_-]{1,64}")) {
            throw ApiException.unauthorized("api_key_invalid", "the API key does not name an app");
        }
        AppDirectory.Entry app = ctx.apps().byApiKey(apiKey.strip())
                .orElseThrow(() -> ApiException.unauthorized("api_key_invalid", "the API key does not name an app"));
        if (app.app().keysDestroyedAt() != null) {
            throw new ApiException(410, "content_erased", "this app was erased: its encryption keys were destroyed");
        }
        if (app.app().disabled()) {
            throw new ApiException(403, "app_disabled", "this app is disabled");
        }
        if (authorization == null || authorization.isBlank()) {
            throw ApiException.unauthorized("token_missing", "send a token in the Authorization header");
        }
        String token = authorization.strip();
        if (token.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = token.substring(7).strip();
        }
        Instant now = ctx.clock().instant();
        TokenVerifier.Verified v = ctx.tokens().verify(token, app, now);
        revoked(v, app.app().revokeTokensIssuedBefore(), "app");
        AppHandle server = ctx.engine().app(app.app().id());
        if (v.server()) {
            return new Caller(app.app().id(), server, true, null, apiKey);
        }
        AppHandle user;
        try {
            user = server.as(v.userId());
        } catch (ChatException e) {
            throw ApiException.unauthorized("token_invalid", "the token's user_id is not a valid user id");
        }
        TokenState state = switch (userChecks) {
            case NONE -> TokenState.NONE;
            case REMEMBERED -> server.users().tokenState(v.userId());
            case FRESH -> server.users().currentTokenState(v.userId());
        };
        revoked(v, state.revokeTokensIssuedBefore(), "user");
        if (state.deactivated()) {
            throw new ApiException(403, "user_deactivated", "user '" + v.userId() + "' is deactivated");
        }
        return new Caller(app.app().id(), user, false, v.userId(), apiKey);
    }

    private static void revoked(TokenVerifier.Verified v, Instant revokeBefore, String scope) {
        if (revokeBefore != null && (v.issuedAt() == null || v.issuedAt().isBefore(revokeBefore))) {
            throw ApiException.unauthorized("token_revoked", "tokens issued before " + revokeBefore + " were revoked for this " + scope);
        }
    }
}
