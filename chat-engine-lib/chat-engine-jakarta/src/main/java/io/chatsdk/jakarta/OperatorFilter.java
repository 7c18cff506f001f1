package io.chatsdk.jakarta;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Guards the operator API: {@code Authorization: Bearer <operator token>}, compared in constant time. */
@Provider
@Priority(Priorities.AUTHENTICATION)
@ApplicationScoped
public class OperatorFilter implements ContainerRequestFilter {
    private static final System.Logger LOG = System.getLogger(OperatorFilter.class.getName());

    @Inject
    ChatApiContext ctx;

    @Override
    public void filter(ContainerRequestContext request) {
        String expected = ctx.settings().operatorToken();
        if (expected == null) {
            throw new ApiException(503, "operator_api_disabled", "the operator API is disabled: no operator token is configured");
        }
        String header = request.getHeaderString("Authorization");
        String token = header == null ? "" : header.strip();
        if (token.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = token.substring(7).strip();
        }
        if (!MessageDigest.isEqual(sha256(token), sha256(expected))) {
            LOG.log(Level.WARNING, "operator API: rejected a request with a missing or wrong operator token");
            throw ApiException.unauthorized("operator_token_invalid", "send the operator token as Authorization: Bearer <token>");
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
