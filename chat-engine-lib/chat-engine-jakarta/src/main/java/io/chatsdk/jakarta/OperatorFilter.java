package io.chatsdk.jakarta;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;

import java.lang.System.Logger.Level;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Guards the operator API: {@code Authorization: Bearer <token>}, compared in constant time. The operator token may
 * call everything; the compliance token only methods marked {@link ComplianceAccess}. The role found travels as the
 * request property {@link #ROLE} ({@code operator} or {@code compliance}) for auditing.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
@ApplicationScoped
public class OperatorFilter implements ContainerRequestFilter {
    static final String ROLE = "io.chatsdk.jakarta.operator-role";
    private static final System.Logger LOG = System.getLogger(OperatorFilter.class.getName());

    @Inject
    ChatApiContext ctx;

    @Context
    ResourceInfo resourceInfo;

    @Override
    public void filter(ContainerRequestContext request) {
        String operator = ctx.settings().operatorToken();
        String compliance = ctx.settings().complianceToken();
        if (operator == null && compliance == null) {
            throw new ApiException(503, "operator_api_disabled", "the operator API is disabled: no operator token is configured");
        }
        AuthFilter.refuseIfThrottled(ctx, request);
        String header = request.getHeaderString("Authorization");
        String token = header == null ? "" : header.strip();
        if (token.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = token.substring(7).strip();
        }
        byte[] given = sha256(token);
        boolean isOperator = operator != null && MessageDigest.isEqual(given, sha256(operator));
        boolean isCompliance = compliance != null && MessageDigest.isEqual(given, sha256(compliance));
        if (!isOperator && !isCompliance) {
            LOG.log(Level.WARNING, "operator API: rejected a request with a missing or wrong token");
            throw ApiException.unauthorized("operator_token_invalid", "send the operator or compliance token as Authorization: Bearer <token>");
        }
        request.setProperty(ROLE, isOperator ? "operator" : "compliance");
        Method method = resourceInfo.getResourceMethod();
        if (isCompliance && (method == null || !method.isAnnotationPresent(ComplianceAccess.class))) {
            throw new ApiException(403, "forbidden", "the compliance token may not call this operator endpoint");
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
