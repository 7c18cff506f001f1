package io.chatsdk.jakarta;

import io.chatsdk.engine.audit.AuditEntry;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.Provider;

import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes an audit record for every request that changes something through the chat API, every request of the
 * operator API (reads included: they show credentials, logs and message content), and every rejected authentication.
 * The record says who (the caller's user, the server, the operator or compliance role, or anonymous), what (the
 * resource method as {@code messages.send}, the resource and its id from the path), from where (remote address, user
 * agent, an unverified {@code X-Forwarded-For} in the details), the outcome (with the problem code on failure) and the
 * app. Bodies, tokens and keys never go in.
 *
 * <p>One subclass per JAX-RS application ({@link Chat}, {@link Operator}): Jersey binds a bean's {@code @Context}
 * proxies to the request scope of the application that injected them, so one bean cannot serve two applications.
 *
 * <p>A change's success record is handed to the engine once the caller is known ({@link Scope}), and commits in the
 * change's own transaction. Otherwise the filter runs after the response was produced: for a success it blocks until
 * the record is durable; if the audit log
 * cannot take it, the response becomes a 503 (the caller retries; idempotent ids make that safe). A failure's record
 * is queued without waiting and retried until the database takes it, so an outage does not slow failing calls.
 */
public abstract class AuditFilter implements ContainerRequestFilter, ContainerResponseFilter {
    /** The client's address (see {@link AuthFailures#clientAddress}), noted before authentication. */
    static final String REMOTE = "io.chatsdk.jakarta.remote-address";
    /** The request's {@link io.chatsdk.engine.audit.AuditScope}, opened once the caller is known. */
    static final String SCOPE = "io.chatsdk.jakarta.audit-scope";
    /** Set when the request was refused because its address spent its failure budget. */
    static final String THROTTLED = "io.chatsdk.jakarta.auth-throttled";
    private static final String METHOD = "io.chatsdk.jakarta.resource-method";
    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");
    private static final Pattern CODE = Pattern.compile("\"code\":\"([a-z_]{1,64})\"");

    @Inject
    ChatApiContext ctx;

    @Context
    ResourceInfo resourceInfo;

    @Context
    HttpServletRequest servletRequest;

    /**
     * Notes the matched method and the client's address while the request scope is active (before authentication,
     * so rejected calls have them too); the response phase, where neither can be looked up, reads them back.
     */
    @Override
    public void filter(ContainerRequestContext request) {
        io.chatsdk.engine.audit.AuditScope.clear();   // nothing of an earlier request on this thread may be recorded as this one's
        request.setProperty(METHOD, resourceInfo.getResourceMethod());
        try {
            request.setProperty(REMOTE, AuthFailures.clientAddress(servletRequest.getRemoteAddr(), request.getHeaderString("X-Forwarded-For"),
                    ctx.settings().authFailures().trustedProxies()));
        } catch (RuntimeException e) {
            // not running on a servlet container: the address stays unknown
        }
    }

    /**
     * Once the caller is known, a change's success record is handed to the engine, which writes it in the change's own
     * transaction (one commit for both; see {@link io.chatsdk.engine.audit.AuditScope}). Runs after authentication.
     */
    @Priority(Priorities.AUTHORIZATION)
    public static final class Scope implements ContainerRequestFilter {
        @Override
        public void filter(ContainerRequestContext request) {
            Object role = request.getProperty(OperatorFilter.ROLE);
            Caller caller = request.getProperty(Caller.ATTRIBUTE) instanceof Caller c ? c : null;
            Method method = (Method) request.getProperty(METHOD);
            if ((caller == null && role == null) || method == null || READS.contains(request.getMethod())) {
                return;
            }
            request.setProperty(SCOPE, io.chatsdk.engine.audit.AuditScope.open(entry(request, caller, role, null, false, null, null)));
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        io.chatsdk.engine.audit.AuditScope scope = (io.chatsdk.engine.audit.AuditScope) request.getProperty(SCOPE);
        if (scope != null) {
            scope.close();
            if (scope.written() && response.getStatus() < 400) {
                return;   // committed with the change it records
            }
        }
        Object role = request.getProperty(OperatorFilter.ROLE);
        Caller caller = request.getProperty(Caller.ATTRIBUTE) instanceof Caller c ? c : null;
        int status = response.getStatus();
        boolean authRejected = status == 401 || (caller == null && role == null && status == 403) || request.getProperty(THROTTLED) != null;
        boolean mutation = !READS.contains(request.getMethod());
        if (!(mutation || authRejected || role != null)) {
            return;
        }
        AppId app = caller != null || role != null ? null : appOfKey(AuthFilter.apiKey(request));
        boolean success = status < 400;
        AuditEntry entry = entry(request, caller, role, app, authRejected, status, success ? null : problemCode(response));
        if (authRejected) {
            // counted, and written once a window per address, app and reason: a flood cannot fill the log (issue #14)
            ctx.authFailures().failed(entry.ip(), app, entry.action(), entry.reason(), entry.userAgent(), entry.details());
            return;
        }
        if (!success) {
            // the caller already failed; it must not wait on a database that may be the reason (the record is retried)
            ctx.engine().audit().recordLater(entry);
            return;
        }
        try {
            ctx.engine().audit().record(entry);
        } catch (ChatException e) {
            // what was done is done, but unaudited success is not reported: the client retries (ids make it idempotent)
            ProblemMappers.Unavailable.noted(e);   // this 503 is not the mapper's, so it says why here
            response.setStatus(503);
            response.getHeaders().putSingle("Retry-After", "5");
            response.setEntity(Problems.of(503, e.code().code(), "the change was made but could not be audited; retry the request", null).getEntity(),
                    new java.lang.annotation.Annotation[0], Problems.PROBLEM_JSON);
        }
    }

    /**
     * The record of a request: who (the caller, the operator or compliance role, or anonymous), what (the resource
     * method as {@code messages.send}, the resource and its id from the path), from where, and the outcome. A null
     * {@code status} is a record written before the response exists: a success, with no status in the details.
     */
    private static AuditEntry entry(ContainerRequestContext request, Caller caller, Object role, AppId keyApp, boolean authRejected, Integer status,
                                    String reason) {
        Method method = (Method) request.getProperty(METHOD);
        MultivaluedMap<String, String> params = request.getUriInfo().getPathParameters();
        boolean operatorApi = role != null || request.getUriInfo().getPath().startsWith("apps") && caller == null && authRejected;
        String action;
        String resourceType = null;
        String resourceId = null;
        if (authRejected) {
            action = operatorApi ? "operator.auth_rejected" : "auth.rejected";
        } else if (method == null) {
            action = "unmatched." + request.getMethod().toLowerCase();
        } else {
            String group = method.getDeclaringClass().getSimpleName().replace("Resource", "").toLowerCase();
            action = group + "." + method.getName();
            resourceType = group.endsWith("s") ? group.substring(0, group.length() - 1) : group;
            resourceId = resourceId(method, params);
        }
        String apiKey = AuthFilter.apiKey(request);
        AppId app = caller != null ? caller.appId() : role != null ? appOf(params) : keyApp;
        String actorType = caller != null ? (caller.server() ? "server" : "user") : request.getProperty(OperatorFilter.OFFICER) != null ? "officer"
                : role != null ? role.toString() : "anonymous";
        String actorId = caller != null ? (caller.server() ? null : caller.userId()) : role != null ? officer(request, role.toString()) : null;
        Map<String, String> details = new LinkedHashMap<>();
        details.put("method", request.getMethod());
        if (status != null) {
            details.put("status", status.toString());
        }
        String forwarded = request.getHeaderString("X-Forwarded-For");
        if (forwarded != null) {
            details.put("forwarded_for", truncate(forwarded, 200));
        }
        if (caller == null && apiKey != null) {
            details.put("api_key", truncate(apiKey, 64));   // a public identifier, like a user name; never the secret
        }
        String ua = request.getHeaderString("User-Agent");
        return new AuditEntry(app, actorType, actorId, caller == null || caller.server() ? null : "user", action,
                resourceType, resourceId, (String) request.getProperty(REMOTE), ua == null ? null : truncate(ua, 300),
                status == null || status < 400, reason, details);
    }

    /**
     * The operator or compliance officer: a console officer's own name when signed in with a session; else the token's
     * role, with the officer named by {@code X-Actor} when given (unauthenticated: the token is what was checked).
     */
    private static String officer(ContainerRequestContext request, String role) {
        if (request.getProperty(OperatorFilter.OFFICER) instanceof String name) {
            return name;
        }
        String actor = request.getHeaderString("X-Actor");
        return actor != null && actor.matches("[A-Za-z0-9@_.\\-]{1,100}") ? role + "-token:" + actor : role + "-token";
    }

    /** Path parameters joined in the order of the path template ({@code messaging:general}, a message id ...). */
    private static String resourceId(Method method, MultivaluedMap<String, String> params) {
        if (params.isEmpty()) {
            return null;
        }
        jakarta.ws.rs.Path classPath = method.getDeclaringClass().getAnnotation(jakarta.ws.rs.Path.class);
        jakarta.ws.rs.Path methodPath = method.getAnnotation(jakarta.ws.rs.Path.class);
        String template = (classPath == null ? "" : classPath.value()) + "/" + (methodPath == null ? "" : methodPath.value());
        List<String> names = new java.util.ArrayList<>(params.keySet());
        names.sort(java.util.Comparator.comparingInt(n -> template.indexOf("{" + n)));
        StringBuilder sb = new StringBuilder();
        for (String name : names) {
            if (!sb.isEmpty()) {
                sb.append(':');
            }
            sb.append(params.getFirst(name));
        }
        return truncate(sb.toString(), 300);
    }

    private static AppId appOf(MultivaluedMap<String, String> params) {
        String id = params.getFirst("id");
        try {
            return id == null ? null : AppId.parse(id);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * A rejected call is recorded in the chain of the app its API key names when this node knows the key (from its
     * cache: a failing call must not wait on the database again); else in the operator chain, with the key in the details.
     */
    private AppId appOfKey(String apiKey) {
        try {
            return ctx.apps().cachedAppId(apiKey);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String problemCode(ContainerResponseContext response) {
        if (response.getEntity() instanceof String s) {
            Matcher m = CODE.matcher(s);
            if (m.find()) {
                return m.group(1);
            }
        }
        return "http_" + response.getStatus();
    }

    static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    /** The chat API's audit filter. */
    @Provider
    @Priority(Priorities.AUTHENTICATION - 100)
    @ApplicationScoped
    public static class Chat extends AuditFilter {
    }

    /** The operator API's audit filter. */
    @Provider
    @Priority(Priorities.AUTHENTICATION - 100)
    @ApplicationScoped
    public static class Operator extends AuditFilter {
    }
}
