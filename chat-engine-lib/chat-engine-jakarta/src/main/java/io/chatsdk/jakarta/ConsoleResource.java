package io.chatsdk.jakarta;

import io.chatsdk.engine.officers.Officers;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The admin console's sign-in (docs/admin-console.md), part of the operator API: setup from a one-time link
 * ({@code POST /console/setup}, then {@code /console/setup/confirm} with the authenticator's code), sign-in with name,
 * password and code ({@code POST /console/login}, which sets the HttpOnly, SameSite=Strict session cookie and answers
 * the CSRF token), the current session ({@code GET /console/session}), re-authentication before sensitive actions and
 * sign-out. Failed sign-ins count against the client address's budget of failed authentications as well as the
 * account's lockout.
 */
@Path("console")
@Produces(MediaType.APPLICATION_JSON)
public class ConsoleResource {
    @Inject
    ChatApiContext ctx;

    @Context
    ContainerRequestContext request;

    private String ip() {
        return (String) request.getProperty(AuditFilter.REMOTE);
    }

    private Officers officers() {
        return ctx.engine().officers();
    }

    /** Step one of setup: {"token", "password"}; answers the authenticator's secret and the recovery codes, once. */
    @POST
    @Path("setup")
    @Public
    @Consumes(MediaType.APPLICATION_JSON)
    public Response setup(InputStream in) {
        JsonBody body = ApiJson.read(in, 16 * 1024).strict(Set.of("token", "password"));
        Officers.Enrolment e = call(() -> officers().beginSetup(body.requireString("token"), body.requireString("password"), ip()));
        return noStore(ApiJson.ok(Map.of("secret", e.secret(), "otpauth_uri", e.otpauthUri(), "recovery_codes", e.recoveryCodes())));
    }

    /** Step two of setup: {"token", "code"}; activates the account. */
    @POST
    @Path("setup/confirm")
    @Public
    @Consumes(MediaType.APPLICATION_JSON)
    public Response confirm(InputStream in) {
        JsonBody body = ApiJson.read(in, 16 * 1024).strict(Set.of("token", "code"));
        Officers.Officer o = call(() -> officers().confirmSetup(body.requireString("token"), body.requireString("code"), ip()));
        return ApiJson.ok(Map.of("officer", wire(o)));
    }

    /** {"name", "password", "code"} (a TOTP code or a recovery code); sets the session cookie. */
    @POST
    @Path("login")
    @Public
    @Consumes(MediaType.APPLICATION_JSON)
    public Response login(InputStream in) {
        JsonBody body = ApiJson.read(in, 16 * 1024).strict(Set.of("name", "password", "code"));
        Officers.Session s;
        try {
            s = officers().login(body.string("name"), body.string("password"), body.string("code"), ip());
        } catch (Officers.AuthException e) {
            throw new ApiException(e.status(), e.code(), e.getMessage());   // AuditFilter counts it against the address's budget
        }
        NewCookie cookie = new NewCookie.Builder(OperatorFilter.COOKIE).value(s.token()).path("/admin/api").httpOnly(true).secure(secure())
                .sameSite(NewCookie.SameSite.STRICT).maxAge((int) Officers.LIFETIME.toSeconds()).build();
        return noStore(Response.fromResponse(ApiJson.ok(session(s))).cookie(cookie).build());
    }

    /** The signed-in officer, the CSRF token and when the session ends; 401 {@code session_expired} otherwise. */
    @GET
    @Path("session")
    @Public
    public Response current() {
        return noStore(ApiJson.ok(session(signedIn(false))));
    }

    /** {"password", "code"}: proves both again, for the sensitive actions of the next minutes. */
    @POST
    @Path("reauthenticate")
    @Public
    @Consumes(MediaType.APPLICATION_JSON)
    public Response reauthenticate(InputStream in) {
        signedIn(true);
        JsonBody body = ApiJson.read(in, 16 * 1024).strict(Set.of("password", "code"));
        Officers.Session s = call(() -> officers().reauthenticate(cookie(), body.string("password"), body.string("code"), ip()));
        return noStore(ApiJson.ok(session(s)));
    }

    /** Ends the session and clears the cookie. */
    @POST
    @Path("logout")
    @Public
    public Response logout() {
        signedIn(true);
        officers().logout(cookie(), ip());
        NewCookie gone = new NewCookie.Builder(OperatorFilter.COOKIE).value("").path("/admin/api").httpOnly(true).secure(secure())
                .sameSite(NewCookie.SameSite.STRICT).maxAge(0).build();
        return Response.noContent().cookie(gone).build();
    }

    private String cookie() {
        Cookie c = request.getCookies().get(OperatorFilter.COOKIE);
        return c == null ? null : c.getValue();
    }

    /** The session of the request's cookie; with {@code change}, the CSRF header must match it. */
    private Officers.Session signedIn(boolean change) {
        return OperatorFilter.session(officers(), request, cookie(), change, "console");
    }

    private boolean secure() {
        return "https".equalsIgnoreCase(request.getUriInfo().getRequestUri().getScheme())
                || "https".equalsIgnoreCase(request.getHeaderString("X-Forwarded-Proto"));
    }

    private static Map<String, Object> session(Officers.Session s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("officer", wire(s.officer()));
        out.put("csrf_token", s.csrf());
        out.put("expires_at", s.expiresAt().toString());
        out.put("recent_until", s.authenticatedAt().plus(Officers.RECENT).toString());
        return out;
    }

    static Map<String, Object> wire(Officers.Officer o) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", o.name());
        out.put("role", o.role().wire());
        out.put("active", o.active());
        out.put("locked_until", o.lockedUntil() == null || o.lockedUntil().isBefore(Instant.now()) ? null : o.lockedUntil().toString());
        out.put("disabled_at", o.disabledAt() == null ? null : o.disabledAt().toString());
        out.put("created_at", o.createdAt().toString());
        out.put("created_by", o.createdBy());
        return out;
    }

    private static Response noStore(Response r) {
        return Response.fromResponse(r).header("Cache-Control", "no-store").build();
    }

    private static <T> T call(java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (Officers.AuthException e) {
            throw new ApiException(e.status(), e.code(), e.getMessage());
        }
    }
}
