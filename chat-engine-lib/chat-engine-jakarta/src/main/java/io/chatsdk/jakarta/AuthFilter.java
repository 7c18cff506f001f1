package io.chatsdk.jakarta;

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
        refuseIfThrottled(ctx, request);
        if (method.isAnnotationPresent(SignedLink.class) && request.getUriInfo().getQueryParameters().containsKey("sig")) {
            return;   // the method verifies the link's signature; it acts for no caller
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

    /**
     * Refuses, with 429 {@code too_many_auth_failures} and before any work, a request whose address spent its budget of
     * failed authentications (it refills at the same rate a minute); marks the request so that it is counted.
     */
    static void refuseIfThrottled(ChatApiContext ctx, ContainerRequestContext request) {
        if (!ctx.authFailures().allowed((String) request.getProperty(AuditFilter.REMOTE))) {
            request.setProperty(AuditFilter.THROTTLED, Boolean.TRUE);
            throw new ApiException(429, "too_many_auth_failures", "too many failed authentications from this address; retry in a minute");
        }
    }

    /** The request's API key: the {@code api_key} query parameter, else the {@code X-Api-Key} header; null if neither. */
    static String apiKey(ContainerRequestContext request) {
        return Optional.ofNullable(request.getUriInfo().getQueryParameters().getFirst("api_key")).orElse(request.getHeaderString("X-Api-Key"));
    }

    private Caller authenticate(ContainerRequestContext request) {
        return ctx.authenticator().authenticate(apiKey(request), request.getHeaderString("Authorization"));
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
