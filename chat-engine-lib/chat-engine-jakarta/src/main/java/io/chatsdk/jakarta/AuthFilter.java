package io.chatsdk.jakarta;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.ChatException;
import io.chatsdk.engine.model.User;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;

import java.lang.System.Logger.Level;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.Optional;

/**
 * Authenticates every request of the chat API, GetStream style: the API key ({@code api_key} query parameter or
 * {@code X-Api-Key} header) names the app, the {@code Authorization} header (raw or {@code Bearer}) carries an HS256
 * JWT signed with the app's secret. Then it enforces {@link ServerOnly} and the {@link Limited rate limits}, and
 * adds the {@code X-RateLimit-*} headers to the response. Failures are logged by reason, never with the token.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
@ApplicationScoped
public class AuthFilter implements ContainerRequestFilter, ContainerResponseFilter {
    private static final System.Logger LOG = System.getLogger(AuthFilter.class.getName());
    private static final String OUTCOME = "io.chatsdk.jakarta.rate-limit";

    @Inject
    ChatApiContext ctx;

    @Context
    ResourceInfo resourceInfo;

    @Override
    public void filter(ContainerRequestContext request) {
        Method method = resourceInfo.getResourceMethod();
        if (method == null) {
            return; // no matching resource: JAX-RS answers 404/405, mapped to problem+json
        }
        Caller caller;
        try {
            caller = authenticate(request);
        } catch (ApiException e) {
            LOG.log(Level.INFO, "authentication failed: " + e.code() + " for " + request.getMethod() + " /" + request.getUriInfo().getPath());
            throw e;
        }
        request.setProperty(Caller.ATTRIBUTE, caller);
        if ((method.isAnnotationPresent(ServerOnly.class) || method.getDeclaringClass().isAnnotationPresent(ServerOnly.class)) && !caller.server()) {
            throw new ApiException(403, "server_only", "this endpoint needs a server token; user tokens may not call it");
        }
        Limited limited = method.getAnnotation(Limited.class);
        if (limited != null) {
            RateLimiter.Outcome outcome = ctx.rateLimiter().acquire(caller.appId().toString(), caller.server() ? null : caller.userId(), limited.value());
            if (outcome != null) {
                request.setProperty(OUTCOME, outcome);
            }
        }
    }

    private Caller authenticate(ContainerRequestContext request) {
        String apiKey = Optional.ofNullable(request.getUriInfo().getQueryParameters().getFirst("api_key"))
                .orElse(request.getHeaderString("X-Api-Key"));
        if (apiKey == null || apiKey.isBlank()) {
            throw ApiException.unauthorized("api_key_missing", "send the app's API key as the api_key query parameter or the X-Api-Key header");
        }
        AppDirectory.Entry app = ctx.apps().byApiKey(apiKey.strip())
                .orElseThrow(() -> ApiException.unauthorized("api_key_invalid", "the API key does not name an app"));
        if (app.app().disabled()) {
            throw new ApiException(403, "app_disabled", "this app is disabled");
        }
        String header = request.getHeaderString("Authorization");
        if (header == null || header.isBlank()) {
            throw ApiException.unauthorized("token_missing", "send a token in the Authorization header");
        }
        String token = header.strip();
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
        Optional<User> stored = server.users().find(v.userId());
        if (stored.isPresent()) {
            revoked(v, stored.get().revokeTokensIssuedBefore(), "user");
            if (stored.get().deactivated()) {
                throw new ApiException(403, "user_deactivated", "user '" + v.userId() + "' is deactivated");
            }
        }
        return new Caller(app.app().id(), user, false, v.userId(), apiKey);
    }

    private static void revoked(TokenVerifier.Verified v, Instant revokeBefore, String scope) {
        if (revokeBefore != null && (v.issuedAt() == null || v.issuedAt().isBefore(revokeBefore))) {
            throw ApiException.unauthorized("token_revoked", "tokens issued before " + revokeBefore + " were revoked for this " + scope);
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(OUTCOME) instanceof RateLimiter.Outcome o) {
            response.getHeaders().putSingle("X-RateLimit-Limit", o.limit());
            response.getHeaders().putSingle("X-RateLimit-Remaining", o.remaining());
            response.getHeaders().putSingle("X-RateLimit-Reset", o.resetEpochSeconds());
        }
    }
}
