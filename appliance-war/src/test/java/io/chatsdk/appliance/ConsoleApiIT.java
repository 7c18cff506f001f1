package io.chatsdk.appliance;

import io.chatsdk.engine.officers.Totp;

import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin console's sign-in over HTTP on the shared appliance: the operator invites officers (as
 * {@code ./chatsdk console-invite} does), each sets up a password and an authenticator, signs in and gets an HttpOnly,
 * SameSite=Strict cookie; the officer's role decides what of the operator API they reach, changes need the CSRF token,
 * sensitive ones a recent sign-in; the officer's name replaces {@code X-Actor} in the audit log; and each refusal is
 * audited under that name.
 */
class ConsoleApiIT {
    static TestAppliance appliance;
    static final String PASSWORD = "a long console passphrase";

    @BeforeAll
    static void start() throws Exception {
        appliance = TestAppliance.shared();
    }

    /** A signed-in officer: the cookie and CSRF token, and their authenticator's secret. */
    record Officer(String name, String cookie, String csrf, byte[] secret) {
        Map<String, String> headers(boolean withCsrf) {
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Cookie", cookie);
            if (withCsrf) {
                h.put("X-CSRF-Token", csrf);
            }
            return h;
        }
    }

    static Api.Res post(String path, Object body, Map<String, String> headers) throws Exception {
        return Api.send(appliance, "POST", path, body == null ? null : Api.JSON.writeValueAsString(body), "application/json", headers);
    }

    static String code(byte[] secret) {
        return code(secret, 0);
    }

    /** The code {@code offset} steps from now: the server accepts one step either side, each step once and in order. */
    static String code(byte[] secret, int offset) {
        return Totp.code(secret, Totp.step(Instant.now()) + offset);
    }

    /** Invites, sets up and signs in an officer of {@code role}. */
    static Officer officer(String role) throws Exception {
        String name = role + "-" + UUID.randomUUID().toString().substring(0, 8);
        Api.Res invited = Api.operator(appliance, "POST", "/admin/api/officers", Map.of("name", name, "role", role));
        assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
        assertThat(invited.header("Cache-Control")).isEqualTo("no-store");
        String token = (String) invited.json().get("setup_token");
        assertThat((String) invited.json().get("setup_path")).isEqualTo("/console/#/setup/" + token);
        Api.Res setup = post("/admin/api/console/setup", Map.of("token", token, "password", PASSWORD), Map.of());
        assertThat(setup.status()).as(setup.toString()).isEqualTo(200);
        byte[] secret = new Base32().decode((String) setup.json().get("secret"));
        // the previous step's code (still accepted) proves the authenticator, so that sign-in can use the current one
        Api.Res confirmed = post("/admin/api/console/setup/confirm", Map.of("token", token, "code", code(secret, -1)), Map.of());
        assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
        Api.Res login = post("/admin/api/console/login", Map.of("name", name, "password", PASSWORD, "code", code(secret)), Map.of());
        assertThat(login.status()).as(login.toString()).isEqualTo(200);
        String setCookie = login.header("Set-Cookie");
        return new Officer(name, setCookie.substring(0, setCookie.indexOf(';')), (String) login.json().get("csrf_token"), secret);
    }

    static long audited(String actor, String action, String outcome) throws Exception {
        Api.Res r = Api.operator(appliance, "GET", "/admin/api/audit?actor_id=" + actor + "&action=" + action + "&limit=1000", null);
        return r.list("records").stream().filter(x -> outcome.equals(x.get("outcome"))).count();
    }

    @Test
    void anOfficerSignsInWithACookieThePageCannotReadAndTheirRoleDecides() throws Exception {
        Officer compliance = officer("compliance");
        Api.Res login = post("/admin/api/console/login", Map.of("name", compliance.name(), "password", PASSWORD, "code", code(compliance.secret())), Map.of());
        assertThat(login.status()).as("the code just used, again").isEqualTo(401);
        assertThat(login.code()).isEqualTo("invalid_credentials");

        // the cookie of the first sign-in: HttpOnly, SameSite=Strict, only for the operator API, not Secure over plain http
        Api.Res again = post("/admin/api/console/login", Map.of("name", compliance.name(), "password", "wrong password!!", "code", "000000"), Map.of());
        assertThat(again.status()).isEqualTo(401);
        Api.Res session = Api.send(appliance, "GET", "/admin/api/console/session", null, null, compliance.headers(false));
        assertThat(session.status()).isEqualTo(200);
        assertThat(session.obj("officer")).containsEntry("name", compliance.name()).containsEntry("role", "compliance");

        // compliance reads the audit log; may not reach operator-only endpoints
        assertThat(Api.send(appliance, "GET", "/admin/api/audit?limit=5", null, null, compliance.headers(false)).status()).isEqualTo(200);
        assertThat(Api.send(appliance, "GET", "/admin/api/apps", null, null, compliance.headers(false)).status()).as("listing apps").isEqualTo(200);
        Api.Res apps = Api.send(appliance, "GET", "/admin/api/officers", null, null, compliance.headers(false));
        assertThat(apps.status()).isEqualTo(403);
        assertThat(apps.code()).isEqualTo("forbidden");
        assertThat(audited(compliance.name(), "console.forbidden", "failure")).isEqualTo(1);

        Officer moderator = officer("moderator");
        Api.Res audit = Api.send(appliance, "GET", "/admin/api/audit", null, null, moderator.headers(false));
        assertThat(audit.status()).as("a moderator cannot open the audit log").isEqualTo(403);

        Officer auditor = officer("auditor");
        Api app = Api.newApp(appliance, "console-" + UUID.randomUUID().toString().substring(0, 8));
        assertThat(Api.send(appliance, "GET", "/admin/api/apps/" + app.appId + "/compliance/legal-holds", null, null, auditor.headers(false)).status())
                .isEqualTo(200);
        // the flag queue: moderators (and operators), not compliance officers
        assertThat(Api.send(appliance, "GET", "/admin/api/apps/" + app.appId + "/moderation/flags", null, null, moderator.headers(false)).status())
                .isEqualTo(200);
        assertThat(Api.send(appliance, "GET", "/admin/api/apps/" + app.appId + "/moderation/flags", null, null, compliance.headers(false)).status())
                .isEqualTo(403);
        assertThat(post("/admin/api/apps/" + app.appId + "/moderation/flags/" + UUID.randomUUID() + "/review", Map.of("action", "dismiss"),
                moderator.headers(true)).status()).as("an unknown flag").isEqualTo(404);
        Api.Res change = post("/admin/api/apps/" + app.appId + "/compliance/legal-holds", Map.of("name", "m", "reason", "r", "user_ids", List.of("alice")),
                auditor.headers(true));
        assertThat(change.status()).as("an auditor cannot change anything").isEqualTo(403);

        // a change without the CSRF token, or with a forged one: refused and audited
        Map<String, Object> hold = Map.of("name", "matter", "reason", "litigation", "user_ids", List.of("alice"));
        Api.Res noCsrf = post("/admin/api/apps/" + app.appId + "/compliance/legal-holds", hold, compliance.headers(false));
        assertThat(noCsrf.status()).isEqualTo(403);
        assertThat(noCsrf.code()).isEqualTo("csrf_invalid");
        Map<String, String> forged = compliance.headers(false);
        forged.put("X-CSRF-Token", "forged-" + compliance.csrf().substring(7));
        assertThat(post("/admin/api/apps/" + app.appId + "/compliance/legal-holds", hold, forged).code()).isEqualTo("csrf_invalid");
        assertThat(audited(compliance.name(), "console.csrf_rejected", "failure")).isEqualTo(2);

        // with it, the hold is placed under the officer's own name, whatever X-Actor says
        Map<String, String> ok = compliance.headers(true);
        ok.put("X-Actor", "someone-else");
        Api.Res placed = post("/admin/api/apps/" + app.appId + "/compliance/legal-holds", hold, ok);
        assertThat(placed.status()).as(placed.toString()).isEqualTo(201);
        assertThat(placed.obj("legal_hold")).containsEntry("created_by", compliance.name());
        Api.Res chain = Api.operator(appliance, "GET", "/admin/api/apps/" + app.appId + "/compliance/audit?action=compliance.createHold", null);
        assertThat(chain.list("records")).anySatisfy(r -> assertThat(r).containsEntry("actor_id", compliance.name()).containsEntry("actor_type", "officer"));

        // a forged or ended session
        assertThat(Api.send(appliance, "GET", "/admin/api/audit", null, null, Map.of("Cookie", "chatsdk_console=" + "A".repeat(43))).code())
                .isEqualTo("session_expired");
        assertThat(post("/admin/api/console/logout", null, compliance.headers(true)).status()).isEqualTo(204);
        assertThat(Api.send(appliance, "GET", "/admin/api/audit", null, null, compliance.headers(false)).code()).isEqualTo("session_expired");
    }

    static Api.Res get(Officer o, String path) throws Exception {
        return Api.send(appliance, "GET", path, null, null, o.headers(false));
    }

    /** The dashboard's numbers, users and channels, bans, and the audit chains' verification, each for the roles it is for. */
    @Test
    void theDashboardUsersChannelsAndChainsAnswerEachRoleWhatItMaySee() throws Exception {
        Officer operator = officer("operator");
        Officer moderator = officer("moderator");
        Officer auditor = officer("auditor");
        Api app = Api.newApp(appliance, "console-users-" + UUID.randomUUID().toString().substring(0, 8));
        app.users("ada", "adam", "bob");
        assertThat(app.as("ada", "POST", "/channels/messaging/ops-room/query", Map.of("data", Map.of("name", "Ops room", "members", List.of("ada", "bob"))))
                .status()).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            assertThat(app.as("ada", "POST", "/channels/messaging/ops-room/message", Map.of("message", Map.of("text", "hello " + i))).status()).isEqualTo(201);
        }

        // the dashboard: today's messages of the app, queues, chains; not for moderators
        Api.Res stats = get(auditor, "/admin/api/stats?days=3&app=" + app.appId);
        assertThat(stats.status()).as(stats.toString()).isEqualTo(200);
        List<Map<String, Object>> days = stats.list("days");
        assertThat(days).hasSize(3);
        assertThat(days.get(2)).containsEntry("messages", 3).containsEntry("active_users", 1);
        assertThat(stats.list("queues")).extracting(q -> q.get("kind")).containsExactly("webhook", "push", "search.index");
        assertThat(stats.list("queues")).allSatisfy(q -> assertThat(q.get("dead")).isInstanceOf(Number.class));
        assertThat(stats.list("audit_chains")).anySatisfy(c -> assertThat(c).containsEntry("chain", app.appId));
        assertThat(stats.obj("connections")).containsKey("this_node");
        assertThat(get(moderator, "/admin/api/stats").status()).isEqualTo(403);
        assertThat(get(auditor, "/admin/api/stats?days=91").code()).isEqualTo("validation_error");
        assertThat(get(auditor, "/admin/api/stats?app=" + UUID.randomUUID()).status()).isEqualTo(404);

        // an app's chain verifies whole; an unknown chain is not found
        Api.Res verified = get(auditor, "/admin/api/audit/chains/" + app.appId + "/verification");
        assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
        assertThat(verified.json()).containsEntry("ok", true).containsEntry("status", "intact").containsEntry("problem", null);
        assertThat(((Number) verified.json().get("records")).longValue()).isPositive();
        assertThat(get(auditor, "/admin/api/audit/chains/operator/verification").json()).containsEntry("ok", true);
        assertThat(get(auditor, "/admin/api/audit/chains/" + UUID.randomUUID() + "/verification").status()).isEqualTo(404);
        assertThat(get(moderator, "/admin/api/audit/chains/operator/verification").status()).isEqualTo(403);
        assertThat(get(auditor, "/admin/api/audit/public-key").raw().body()).startsWith("-----BEGIN PUBLIC KEY-----");

        // users: found by the start of an id or name, banned and unbanned by a moderator under their name
        String users = "/admin/api/apps/" + app.appId + "/users";
        assertThat(get(moderator, users + "?q=ad").list("users")).extracting(u -> u.get("id")).containsExactly("ada", "adam");
        Api.Res ada = get(auditor, users + "/ada");
        assertThat(ada.obj("user")).containsEntry("id", "ada");
        assertThat(ada.json().get("channels")).isEqualTo(List.of("messaging:ops-room"));
        assertThat(get(auditor, users + "/nobody").code()).isEqualTo("user_not_found");
        assertThat(get(auditor, users + "?banned=yes").json()).containsEntry("field", "banned");
        assertThat(get(auditor, users + "?limit=ten").json()).containsEntry("field", "limit");
        assertThat(get(auditor, users + "?limit=1000").json()).containsEntry("field", "limit");
        assertThat(get(auditor, "/admin/api/stats?days=x").json()).containsEntry("field", "days");
        Api.Res banned = post(users + "/bob/ban", Map.of("reason", "spam", "timeout_minutes", 60), moderator.headers(true));
        assertThat(banned.status()).as(banned.toString()).isEqualTo(200);
        assertThat(banned.obj("user")).containsEntry("banned", true).containsKey("ban_expires");
        assertThat(get(moderator, users + "?banned=true").list("users")).extracting(u -> u.get("id")).containsExactly("bob");
        assertThat(Api.operator(appliance, "GET", "/admin/api/apps/" + app.appId + "/compliance/audit?action=usersadmin.ban", null).list("records"))
                .anySatisfy(r -> assertThat(r).containsEntry("actor_id", moderator.name()).containsEntry("resource_id", app.appId + ":bob"));
        assertThat(post(users + "/bob/unban", null, moderator.headers(true)).obj("user")).containsEntry("banned", false);
        // bad input and the wrong role
        assertThat(post(users + "/bob/ban", Map.of("timeout_minutes", 0), moderator.headers(true)).json()).containsEntry("field", "timeout_minutes");
        assertThat(post(users + "/bob/ban", Map.of("reason", "x", "until", "never"), moderator.headers(true)).code()).isEqualTo("unknown_field");
        // a lone surrogate, escaped in the JSON text (as a raw character it could not even be sent as UTF-8)
        Api.Res lone = Api.send(appliance, "POST", users + "/bob/ban", "{\"reason\": \"bad \\ud800 half\"}", "application/json", moderator.headers(true));
        assertThat(lone.status()).as(lone.toString()).isEqualTo(400);
        assertThat(get(moderator, users + "?banned=true").list("users")).as("nothing half-written").isEmpty();
        assertThat(post(users + "/bob/ban", Map.of(), auditor.headers(true)).status()).as("an auditor bans no one").isEqualTo(403);
        assertThat(post(users + "/bob/deactivate", null, moderator.headers(true)).status()).as("a moderator deactivates no one").isEqualTo(403);
        assertThat(post(users + "/bob/deactivate", null, operator.headers(true)).obj("user")).containsEntry("deactivated", true);
        assertThat(app.as("bob", "POST", "/channels/messaging/ops-room/message", Map.of("message", Map.of("text", "still here?"))).code())
                .isEqualTo("user_deactivated");
        assertThat(post(users + "/bob/reactivate", null, operator.headers(true)).obj("user")).containsEntry("deactivated", false);
        // another app's user is not found through this app
        Api other = Api.newApp(appliance, "console-other-" + UUID.randomUUID().toString().substring(0, 8));
        other.users("zed");
        assertThat(get(operator, users + "/zed").code()).isEqualTo("user_not_found");

        // channels: found, frozen by an operator (then sends are refused), not by a moderator
        String channels = "/admin/api/apps/" + app.appId + "/channels";
        assertThat(get(auditor, channels + "?q=Ops").list("channels")).extracting(c -> c.get("cid")).containsExactly("messaging:ops-room");
        assertThat(get(auditor, channels + "?q=nothing-like-it").list("channels")).isEmpty();
        assertThat(post(channels + "/messaging/ops-room/frozen", Map.of("frozen", true), moderator.headers(true)).status()).isEqualTo(403);
        assertThat(post(channels + "/messaging/ops-room/frozen", Map.of(), operator.headers(true)).json()).containsEntry("field", "frozen");
        assertThat(post(channels + "/messaging/ops-room/frozen", Map.of("frozen", true), operator.headers(true)).obj("channel")).containsEntry("frozen", true);
        assertThat(app.as("bob", "POST", "/channels/messaging/ops-room/message", Map.of("message", Map.of("text", "frozen?"))).code())
                .as("a member's send into the frozen channel").isEqualTo("channel_frozen");
        assertThat(post(channels + "/messaging/nope/frozen", Map.of("frozen", true), operator.headers(true)).code()).isEqualTo("channel_not_found");
        assertThat(post(channels + "/messaging/ops-room/frozen", Map.of("frozen", false), operator.headers(true)).obj("channel")).containsEntry("frozen", false);
    }

    @Test
    void sensitiveActionsNeedARecentSignIn() throws Exception {
        Officer operator = officer("operator");
        Api.Res invite = post("/admin/api/officers", Map.of("name", "by-" + operator.name(), "role", "auditor"), operator.headers(true));
        assertThat(invite.status()).as("just signed in").isEqualTo(201);
        // the sign-in is now older than five minutes
        try (Connection c = appliance.runtimeDatabase(); Statement s = c.createStatement()) {
            s.executeUpdate("update officer_session set authed_at = authed_at - interval '6 minutes' where officer_id = (select id from officer where name = '"
                    + operator.name() + "')");
        }
        Api.Res later = post("/admin/api/officers", Map.of("name", "later-" + operator.name(), "role", "auditor"), operator.headers(true));
        assertThat(later.status()).isEqualTo(401);
        assertThat(later.code()).isEqualTo("reauthentication_required");
        // a read is not sensitive
        assertThat(Api.send(appliance, "GET", "/admin/api/officers", null, null, operator.headers(false)).status()).isEqualTo(200);
        Api.Res re = post("/admin/api/console/reauthenticate", Map.of("password", PASSWORD, "code", code(operator.secret(), 1)), operator.headers(true));
        assertThat(re.status()).as(re.toString()).isEqualTo(200);
        assertThat(post("/admin/api/officers", Map.of("name", "later-" + operator.name(), "role", "auditor"), operator.headers(true)).status()).isEqualTo(201);
        // disabling an officer ends their sessions at once
        Officer other = officer("compliance");
        assertThat(post("/admin/api/officers/" + other.name() + "/disable", null, operator.headers(true)).status()).isEqualTo(200);
        assertThat(Api.send(appliance, "GET", "/admin/api/audit", null, null, other.headers(false)).code()).isEqualTo("session_expired");
    }

    @Test
    void theConsolePagesHaveAStrictContentSecurityPolicy() throws Exception {
        Api.Res page = Api.send(appliance, "GET", "/console/", null, null, Map.of());
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.raw().body()).contains("<div id=\"root\">");
        assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'").contains("frame-ancestors 'none'").doesNotContain("unsafe-inline");
        assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(page.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void badSetupAndSignInInputIsRefusedWithStableCodes() throws Exception {
        assertThat(post("/admin/api/console/setup", Map.of("token", "x".repeat(43), "password", PASSWORD), Map.of()).code()).isEqualTo("setup_link_invalid");
        assertThat(post("/admin/api/console/setup", Map.of("token", "x"), Map.of()).status()).isEqualTo(400);
        assertThat(post("/admin/api/console/login", Map.of("name", "x", "password", "y", "code", "1", "extra", true), Map.of()).status()).isEqualTo(400);
        assertThat(Api.send(appliance, "POST", "/admin/api/console/login", "{not json", "application/json", Map.of()).status()).isEqualTo(400);
        assertThat(post("/admin/api/console/login", Map.of("name", "nobody\uD800", "password", "y", "code", "123456"), Map.of()).code())
                .isEqualTo("invalid_credentials");
        Api.Res badRole = Api.operator(appliance, "POST", "/admin/api/officers", Map.of("name", "root-" + UUID.randomUUID().toString().substring(0, 6), "role", "root"));
        assertThat(badRole.status()).isEqualTo(400);
        assertThat(badRole.json()).containsEntry("field", "role");
    }
}
