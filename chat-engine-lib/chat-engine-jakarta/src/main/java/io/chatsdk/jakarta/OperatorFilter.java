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
 *
 * <p>Without an {@code Authorization} header, the admin console's session cookie ({@link #COOKIE}) is accepted instead:
 * the officer's role decides (operator: everything; compliance: {@link ComplianceAccess} methods; auditor: those that
 * only read; moderator: {@link ModeratorAccess} methods), every change must carry the session's CSRF token in
 * {@link #CSRF_HEADER}, {@link RecentSignIn} methods need a recent sign-in, and the officer's name replaces any
 * {@code X-Actor} header. Each refusal of a signed-in officer is audited under their name. Methods marked
 * {@link Public} (sign-in, setup) need neither.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
@ApplicationScoped
public class OperatorFilter implements ContainerRequestFilter {
    static final String ROLE = "io.chatsdk.jakarta.operator-role";
    /** The signed-in console officer's name, when the request came with a session. */
    static final String OFFICER = "io.chatsdk.jakarta.officer";
    /** The console's session cookie. */
    public static final String COOKIE = "chatsdk_console";
    /** The header that carries the session's CSRF token on every change. */
    public static final String CSRF_HEADER = "X-CSRF-Token";
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
        Method resource = resourceInfo.getResourceMethod();
        if (resource != null && resource.isAnnotationPresent(Public.class)) {
            return;
        }
        String header = request.getHeaderString("Authorization");
        jakarta.ws.rs.core.Cookie cookie = request.getCookies().get(COOKIE);
        if ((header == null || header.isBlank()) && cookie != null) {
            officer(request, resource, cookie.getValue());
            return;
        }
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
        Method method = resource;
        if (isCompliance && (method == null || !method.isAnnotationPresent(ComplianceAccess.class))) {
            throw new ApiException(403, "forbidden", "the compliance token may not call this operator endpoint");
        }
    }

    /** Authenticates a console session and applies the officer's role; see the class comment. */
    private void officer(ContainerRequestContext request, Method method, String token) {
        io.chatsdk.engine.officers.Officers officers = ctx.engine().officers();
        String ip = (String) request.getProperty(AuditFilter.REMOTE);
        String what = method == null ? request.getUriInfo().getPath() : method.getDeclaringClass().getSimpleName() + "." + method.getName();
        boolean change = !java.util.Set.of("GET", "HEAD", "OPTIONS").contains(request.getMethod());
        io.chatsdk.engine.officers.Officers.Session s = session(officers, request, token, change, what);
        boolean compliance = method != null && method.isAnnotationPresent(ComplianceAccess.class);
        boolean moderation = method != null && method.isAnnotationPresent(ModeratorAccess.class);
        boolean allowed = switch (s.officer().role()) {
            case OPERATOR -> true;
            case COMPLIANCE -> compliance;
            case AUDITOR -> compliance && !change;
            case MODERATOR -> moderation;
        };
        if (!allowed) {
            officers.auditRefusal(s, "console.forbidden", what, ip, "role " + s.officer().role().wire() + " may not " + request.getMethod() + " this");
            throw new ApiException(403, "forbidden", "your role (" + s.officer().role().wire() + ") may not do this");
        }
        if (method != null && method.isAnnotationPresent(RecentSignIn.class) && !s.recent(java.time.Instant.now())) {
            officers.auditRefusal(s, "console.reauthentication_required", what, ip, "signed in more than "
                    + io.chatsdk.engine.officers.Officers.RECENT.toMinutes() + " minutes ago");
            throw ApiException.unauthorized("reauthentication_required", "confirm your password and a code first: this action needs a recent sign-in");
        }
        request.setProperty(ROLE, switch (s.officer().role()) {
            case OPERATOR -> "operator";
            case MODERATOR -> "moderator";
            default -> "compliance";
        });
        request.setProperty(OFFICER, s.officer().name());
        request.getHeaders().putSingle("X-Actor", s.officer().name());   // what resources name the actor by: the officer, not a header
    }

    /**
     * The console session of {@code token} ({@code 401 session_expired} if none); for a {@code change}, the request's
     * {@link #CSRF_HEADER} must match the session's token, compared in constant time, else {@code 403 csrf_invalid},
     * audited under the officer's name as a refusal of {@code what}.
     */
    /** Set to {@code 1} on a console GET the page makes by itself; it does not extend the session's idle time. */
    static final String BACKGROUND_HEADER = "X-ChatSDK-Background";

    static io.chatsdk.engine.officers.Officers.Session session(io.chatsdk.engine.officers.Officers officers, ContainerRequestContext request,
                                                                 String token, boolean change, String what) {
        // a page refreshing itself (an export's progress) says so: a GET that does not count as the officer's activity
        boolean background = !change && "1".equals(request.getHeaderString(BACKGROUND_HEADER));
        io.chatsdk.engine.officers.Officers.Session s = officers.session(token, !background)
                .orElseThrow(() -> ApiException.unauthorized("session_expired", "the console session has ended: sign in again"));
        String csrf = request.getHeaderString(CSRF_HEADER);
        if (change && (csrf == null || !MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8), s.csrf().getBytes(StandardCharsets.UTF_8)))) {
            officers.auditRefusal(s, "console.csrf_rejected", what, (String) request.getProperty(AuditFilter.REMOTE), "missing or wrong " + CSRF_HEADER);
            throw new ApiException(403, "csrf_invalid", "send the session's CSRF token in " + CSRF_HEADER + " with every change");
        }
        return s;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
