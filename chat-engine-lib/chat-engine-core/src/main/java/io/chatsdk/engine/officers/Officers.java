package io.chatsdk.engine.officers;

import io.chatsdk.engine.audit.AuditEntry;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;

import org.apache.commons.codec.binary.Base32;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The admin console's officers (issue #19, docs/admin-console.md): named accounts with a role, an Argon2id password and
 * a mandatory TOTP second factor with recovery codes; lockout after {@value #MAX_FAILURES} failures for
 * {@link #LOCKOUT}; sessions that end after {@link #IDLE} idle or {@link #LIFETIME} in all, and all at once when the
 * officer is disabled. There is no default account: the operator invites the first officer (a one-time setup link),
 * who chooses a password and enrols an authenticator. Every step is written to the operator chain of the audit log
 * under the officer's name. Thread-safe.
 */
public final class Officers {
    /** Failed logins (wrong password or code) before the account locks (PCI DSS 8.3.4: at most 10). */
    public static final int MAX_FAILURES = 10;
    /** How long a locked account stays locked, unless an operator unlocks it (PCI DSS 8.3.4: at least 30 minutes). */
    public static final Duration LOCKOUT = Duration.ofMinutes(30);
    /** A session ends after this long without a request (PCI DSS 8.2.8: 15 minutes). */
    public static final Duration IDLE = Duration.ofMinutes(15);
    /** A session ends this long after its login, however active. */
    public static final Duration LIFETIME = Duration.ofHours(12);
    /** Sensitive actions (exports, erasure, key rotation, officer changes) need a login or re-authentication this recent. */
    public static final Duration RECENT = Duration.ofMinutes(5);
    /** How long a setup link works. */
    public static final Duration SETUP_VALIDITY = Duration.ofHours(24);
    /** How many recovery codes an officer gets. */
    public static final int RECOVERY_CODES = 10;

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._@-]{0,99}");
    private static final Base64.Encoder TOKEN = Base64.getUrlEncoder().withoutPadding();
    /** Verified against when the name is unknown, so that a wrong name takes as long as a wrong password. */
    private static final String DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0000000000000000000000000000000000000000000";

    /** What an officer may do in the console; see docs/admin-console.md. */
    public enum Role {
        /** Apps, keys, jobs, settings: everything. */
        OPERATOR,
        /** Audit, legal holds, retention, exports, data subject requests. */
        COMPLIANCE,
        /** The flag queue and bans. */
        MODERATOR,
        /** Reads what compliance reads; changes nothing. */
        AUDITOR;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Role parse(String field, Object value) {
            if (value instanceof String s) {
                for (Role r : values()) {
                    if (r.wire().equals(s)) {
                        return r;
                    }
                }
            }
            throw ChatException.invalid(field, "must be one of operator, compliance, moderator, auditor");
        }
    }

    /** An officer as the console shows them. {@code active}: setup is done; {@code lockedUntil} null when not locked. */
    public record Officer(UUID id, String name, Role role, boolean active, Instant lockedUntil, Instant disabledAt, Instant createdAt, String createdBy) {
    }

    /** A new officer or a new setup link: {@code setupToken} is shown once and goes in the link. */
    public record Invitation(Officer officer, String setupToken, Instant expiresAt) {
    }

    /** What setup shows once: the authenticator's secret (base32, and as an otpauth link) and the recovery codes. */
    public record Enrolment(String secret, String otpauthUri, List<String> recoveryCodes) {
    }

    /**
     * A signed-in officer. {@code token} (the cookie's value) is known only right after login; {@code csrf} must come
     * back in a header with every change.
     */
    public record Session(String token, String csrf, Officer officer, Instant authenticatedAt, Instant expiresAt) {
        /** Whether the officer proved password and code within {@link #RECENT}. */
        public boolean recent(Instant now) {
            return !authenticatedAt.plus(RECENT).isBefore(now);
        }
    }

    /** A refused sign-in or session, with a stable code and the HTTP status it maps to. */
    public static final class AuthException extends RuntimeException {
        private final String code;
        private final int status;

        AuthException(String code, int status, String message) {
            super(message);
            this.code = code;
            this.status = status;
        }

        public String code() {
            return code;
        }

        public int status() {
            return status;
        }
    }

    private final EngineContext ctx;
    private final Duration idle;

    public Officers(EngineContext ctx) {
        this(ctx, IDLE);
    }

    /** With sessions that end after {@code idle} without a request: 10 seconds to {@link #IDLE} (never longer, PCI DSS 8.2.8). */
    public Officers(EngineContext ctx, Duration idle) {
        if (idle.compareTo(Duration.ofSeconds(10)) < 0 || idle.compareTo(IDLE) > 0) {
            throw new IllegalArgumentException("the console's idle timeout must be 10 s to 15 minutes, not " + idle);
        }
        this.ctx = ctx;
        this.idle = idle;
    }

    /** All officers, by name. */
    public List<Officer> list() {
        return ctx.db().read(tx -> tx.query("select * from officer order by name", Officers::officer));
    }

    /**
     * Creates an officer with {@code role}, or gives an officer who has not finished setup a new link; returns the
     * one-time setup token. An active officer is a conflict: disable them, or let them use a recovery code.
     */
    public Invitation invite(String name, Role role, String invitedBy, String ip) {
        String n = name(name);
        Instant now = ctx.now();
        String token = token();
        Instant expires = now.plus(SETUP_VALIDITY);
        Officer o = ctx.db().inTransaction(tx -> {
            Optional<Officer> existing = tx.one("select * from officer where name = ? for update", Officers::officer, n);
            if (existing.isPresent() && existing.get().active()) {
                throw new ChatException(ErrorCode.CONFLICT, "officer '" + n + "' is already set up", "name", null);
            }
            if (existing.isPresent()) {
                // a fresh start: nothing of an earlier setup (a password, an authenticator, recovery codes) survives
                tx.update("update officer set role = ?, setup_hash = ?, setup_expires_at = ?, disabled_at = null, password_hash = null, totp_secret = null, "
                        + "totp_last_step = 0, failures = 0, locked_until = null where id = ?", role.wire(), sha256(token), expires, existing.get().id());
                tx.update("delete from officer_recovery_code where officer_id = ?", existing.get().id());
                tx.update("delete from officer_session where officer_id = ?", existing.get().id());
            } else {
                tx.update("insert into officer (id, name, role, setup_hash, setup_expires_at, created_at, created_by) values (?, ?, ?, ?, ?, ?, ?)",
                        UUID.randomUUID(), n, role.wire(), sha256(token), expires, now, invitedBy);
            }
            return tx.one("select * from officer where name = ?", Officers::officer, n).orElseThrow();
        });
        audit("operator", invitedBy, null, "officer.invited", n, ip, true, null, Map.of("role", role.wire()));
        return new Invitation(o, token, expires);
    }

    /**
     * The first step of setup: checks the link's token and the password (12 to 256 characters, not containing the
     * name), stores the password's hash, and makes a TOTP secret and recovery codes, shown once. The account works only
     * after {@link #confirmSetup} proves the authenticator holds the secret; until then this may be called again.
     */
    public Enrolment beginSetup(String setupToken, String password, String ip) {
        Instant now = ctx.now();
        return ctx.db().inTransaction(tx -> {
            Officer o = bySetupToken(tx, setupToken, now);
            requirePassword(password, o.name());
            byte[] secret = new byte[20];
            ctx.random().nextBytes(secret);
            List<String> codes = new ArrayList<>();
            tx.update("delete from officer_recovery_code where officer_id = ?", o.id());
            Base32 base32 = new Base32();
            for (int i = 0; i < RECOVERY_CODES; i++) {
                byte[] r = new byte[8];
                ctx.random().nextBytes(r);
                String code = base32.encodeAsString(r).substring(0, 12).toLowerCase(Locale.ROOT);
                codes.add(code.substring(0, 4) + "-" + code.substring(4, 8) + "-" + code.substring(8));
                tx.update("insert into officer_recovery_code (officer_id, code_hash) values (?, ?)", o.id(), sha256(code));
            }
            tx.update("update officer set password_hash = ?, totp_secret = ?, totp_last_step = 0 where id = ?",
                    PasswordHash.hash(password, ctx.random()), ctx.keys().wrap(secret, context(o.id())), o.id());
            String b32 = base32.encodeAsString(secret).replace("=", "");
            String label = URLEncoder.encode("ChatSDK:" + o.name(), StandardCharsets.UTF_8).replace("+", "%20");
            return new Enrolment(b32, "otpauth://totp/" + label + "?secret=" + b32 + "&issuer=ChatSDK&algorithm=SHA1&digits=6&period=" + Totp.STEP_SECONDS,
                    List.copyOf(codes));
        });
    }

    /** The second step of setup: a current code from the authenticator activates the account and ends the link. */
    public Officer confirmSetup(String setupToken, String code, String ip) {
        Instant now = ctx.now();
        Officer o = ctx.db().inTransaction(tx -> {
            Officer found = bySetupToken(tx, setupToken, now);
            byte[] wrapped = tx.query("select totp_secret from officer where id = ?", rs -> Optional.ofNullable(rs.getBytes(1)), found.id())
                    .stream().findFirst().flatMap(x -> x).orElse(null);
            if (wrapped == null) {
                throw ChatException.invalid("password", "choose a password first");
            }
            long step = Totp.match(ctx.keys().unwrap(wrapped, context(found.id())), code, now, 0);
            if (step < 0) {
                throw ChatException.invalid("code", "is not the authenticator's current code");
            }
            tx.update("update officer set active = true, setup_hash = null, setup_expires_at = null, totp_last_step = ?, failures = 0, locked_until = null "
                    + "where id = ?", step, found.id());
            return tx.one("select * from officer where id = ?", Officers::officer, found.id()).orElseThrow();
        });
        audit("officer", o.name(), o.role(), "officer.setup", o.name(), ip, true, null, Map.of());
        return o;
    }

    /**
     * Signs in with name, password and a current TOTP code (or an unused recovery code, which is then spent). Every
     * refusal says only {@code invalid_credentials} (or {@code account_locked}), counts toward the lockout and is
     * audited; a code already used, or older than the newest used, is refused as a replay.
     */
    public Session login(String name, String password, String code, String ip) {
        Instant now = ctx.now();
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        Optional<Officer> found = NAME.matcher(n).matches() ? ctx.db().read(tx -> tx.one("select * from officer where name = ?", Officers::officer, n))
                : Optional.empty();
        if (found.isEmpty() || !found.get().active() || found.get().disabledAt() != null) {
            PasswordHash.verify(password == null ? "" : password, DUMMY_HASH);   // as long as a real check
            // the typed name is not recorded unless it is an officer's: it may be a password typed into the wrong field
            String who = found.isPresent() ? found.get().name() : null;
            audit("officer", who, null, "officer.login", who == null ? "(unknown)" : who, ip, false, "unknown or inactive officer", Map.of());
            throw invalid();
        }
        Officer o = found.get();
        String stored = ctx.db().read(tx -> tx.one("select coalesce(password_hash, '') from officer where id = ?", rs -> rs.getString(1), o.id()).orElse(null));
        // every path hashes once, so that time tells neither whether the name exists nor whether it is locked
        boolean passwordOk = PasswordHash.verify(password == null || password.length() > 1024 ? "" : password,
                password == null || password.length() > 1024 ? DUMMY_HASH : stored) && password != null && password.length() <= 1024;
        String[] reason = {passwordOk ? null : "wrong password"};
        Instant[] lockedUntil = {null};
        Session s = ctx.db().inTransaction(tx -> {
            // the lock is checked under the officer's row lock: parallel attempts cannot get past it together
            Instant until = tx.query("select locked_until from officer where id = ? for update", rs -> Optional.ofNullable(Tx.instant(rs, "locked_until")),
                    o.id()).stream().findFirst().flatMap(x -> x).orElse(null);
            if (until != null && until.isAfter(now)) {
                lockedUntil[0] = until;
                return null;
            }
            if (passwordOk && !secondFactor(tx, o, code, now, reason)) {
                reason[0] = reason[0] == null ? "wrong code" : reason[0];
            }
            if (reason[0] != null) {
                reason[0] += countFailure(tx, o, now);
                return null;
            }
            tx.update("update officer set failures = 0 where id = ?", o.id());
            return open(tx, o, now, ip);
        });
        if (lockedUntil[0] != null) {
            audit("officer", o.name(), o.role(), "officer.login", o.name(), ip, false, "locked", Map.of());
            throw locked(lockedUntil[0]);
        }
        if (s == null) {
            audit("officer", o.name(), o.role(), "officer.login", o.name(), ip, false, reason[0], Map.of());
            throw invalid();
        }
        audit("officer", o.name(), o.role(), "officer.login", o.name(), ip, true, null, Map.of());
        return s;
    }

    /**
     * Counts a failed sign-in or re-authentication; the {@value #MAX_FAILURES}th locks the account for {@link #LOCKOUT}
     * and ends its sessions. Returns what to add to the audit reason.
     */
    private static String countFailure(Tx tx, Officer o, Instant now) {
        int failures = tx.one("update officer set failures = failures + 1 where id = ? returning failures", rs -> rs.getInt(1), o.id()).orElse(0);
        if (failures < MAX_FAILURES) {
            return "";
        }
        tx.update("update officer set locked_until = ?, failures = 0 where id = ?", now.plus(LOCKOUT), o.id());
        tx.update("delete from officer_session where officer_id = ?", o.id());
        return "; account locked for " + LOCKOUT.toMinutes() + " minutes";
    }

    /** A TOTP code newer than the last accepted, or an unused recovery code; sets {@code reason[0]} on a replay. */
    private boolean secondFactor(Tx tx, Officer o, String code, Instant now, String[] reason) {
        String c = code == null ? "" : code.strip().toLowerCase(Locale.ROOT);
        if (c.matches("[0-9]{6}")) {
            Object[] state = tx.one("select totp_secret, totp_last_step from officer where id = ? for update", rs -> new Object[]{rs.getBytes(1), rs.getLong(2)},
                    o.id()).orElseThrow();
            byte[] secret = ctx.keys().unwrap((byte[]) state[0], context(o.id()));
            long last = (Long) state[1];
            long step = Totp.match(secret, c, now, last);
            if (step < 0) {
                if (Totp.match(secret, c, now, Long.MIN_VALUE) >= 0) {
                    reason[0] = "replayed code";
                }
                return false;
            }
            tx.update("update officer set totp_last_step = ? where id = ?", step, o.id());
            return true;
        }
        if (c.matches("[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}")) {
            int spent = tx.update("update officer_recovery_code set used_at = ? where officer_id = ? and code_hash = ? and used_at is null",
                    now, o.id(), sha256(c.replace("-", "")));
            if (spent == 1) {
                return true;
            }
            reason[0] = "unknown or used recovery code";
        }
        return false;
    }

    private Session open(Tx tx, Officer o, Instant now, String ip) {
        String token = token();
        String csrf = token();
        tx.update("insert into officer_session (id_hash, officer_id, csrf, created_at, last_seen_at, authed_at, ip) values (?, ?, ?, ?, ?, ?, ?)",
                sha256(token), o.id(), csrf, now, now, now, ip == null || ip.length() > 100 ? null : ip);
        return new Session(token, csrf, o, now, min(now.plus(idle), now.plus(LIFETIME)));
    }

    /**
     * The session whose cookie value is {@code token}, if it is still valid: it is then extended by {@link #IDLE}.
     * A session past its idle timeout or lifetime, or of a disabled officer, is deleted and answers empty.
     */
    public Optional<Session> session(String token) {
        return session(token, true);
    }

    /**
     * {@link #session(String)}; with {@code activity} false (a page refreshing itself, not the officer acting) the
     * session is checked but not extended, so that an open page cannot keep it alive past its idle timeout.
     */
    public Optional<Session> session(String token, boolean activity) {
        if (token == null || token.length() != 43) {
            return Optional.empty();
        }
        Instant now = ctx.now();
        byte[] hash = sha256(token);
        return ctx.db().inTransaction(tx -> {
            record Row(Officer officer, String csrf, Instant created, Instant lastSeen, Instant authed) {
            }
            Optional<Row> row = tx.one("select o.*, s.csrf, s.created_at as s_created, s.last_seen_at, s.authed_at from officer_session s "
                    + "join officer o on o.id = s.officer_id where s.id_hash = ?", rs -> new Row(officer(rs), rs.getString("csrf"),
                    Tx.instant(rs, "s_created"), Tx.instant(rs, "last_seen_at"), Tx.instant(rs, "authed_at")), (Object) hash);
            if (row.isEmpty()) {
                return Optional.empty();
            }
            Row r = row.get();
            if (r.lastSeen().plus(idle).isBefore(now) || r.created().plus(LIFETIME).isBefore(now) || r.officer().disabledAt() != null
                    || !r.officer().active()) {
                tx.update("delete from officer_session where id_hash = ?", (Object) hash);
                return Optional.empty();
            }
            if (!activity) {
                return Optional.of(new Session(null, r.csrf(), r.officer(), r.authed(), min(r.lastSeen().plus(idle), r.created().plus(LIFETIME))));
            }
            tx.update("update officer_session set last_seen_at = ? where id_hash = ?", now, hash);
            return Optional.of(new Session(null, r.csrf(), r.officer(), r.authed(), min(now.plus(idle), r.created().plus(LIFETIME))));
        });
    }

    /** Proves password and a fresh code again within a session, for the sensitive actions that follow. */
    public Session reauthenticate(String token, String password, String code, String ip) {
        Session s = session(token).orElseThrow(Officers::expired);
        Instant now = ctx.now();
        String stored = ctx.db().read(tx -> tx.one("select coalesce(password_hash, '') from officer where id = ?", rs -> rs.getString(1), s.officer().id()).orElse(null));
        String[] reason = {password != null && password.length() <= 1024 && PasswordHash.verify(password, stored) ? null : "wrong password"};
        boolean ok = ctx.db().inTransaction(tx -> {
            if (reason[0] == null && secondFactor(tx, s.officer(), code, now, reason)) {
                tx.update("update officer_session set authed_at = ? where id_hash = ?", now, sha256(token));
                tx.update("update officer set failures = 0 where id = ?", s.officer().id());
                return true;
            }
            reason[0] = (reason[0] == null ? "wrong code" : reason[0]) + countFailure(tx, s.officer(), now);
            return false;
        });
        Officer o = s.officer();
        audit("officer", o.name(), o.role(), "officer.reauthenticated", o.name(), ip, ok, ok ? null : reason[0], Map.of());
        if (!ok) {
            throw invalid();
        }
        return new Session(null, s.csrf(), o, now, s.expiresAt());
    }

    /** Ends the session (its cookie no longer works). */
    public void logout(String token, String ip) {
        session(token).ifPresent(s -> {
            ctx.db().inTransaction(tx -> tx.update("delete from officer_session where id_hash = ?", (Object) sha256(token)));
            audit("officer", s.officer().name(), s.officer().role(), "officer.logout", s.officer().name(), ip, true, null, Map.of());
        });
    }

    /** Disables an officer: every session of theirs ends now, and they cannot sign in until invited again. */
    public Officer disable(String name, String by, boolean byOfficer, String ip) {
        String n = name(name);
        Officer o = ctx.db().inTransaction(tx -> {
            int changed = tx.update("update officer set disabled_at = ?, active = false, setup_hash = null, setup_expires_at = null "
                    + "where name = ? and disabled_at is null", ctx.now(), n);
            if (changed == 0) {
                throw new ChatException(ErrorCode.NOT_FOUND, "no enabled officer '" + n + "'", "name", null);
            }
            tx.update("delete from officer_session where officer_id = (select id from officer where name = ?)", n);
            return tx.one("select * from officer where name = ?", Officers::officer, n).orElseThrow();
        });
        audit(byOfficer ? "officer" : "operator", by, byOfficer ? Role.OPERATOR : null, "officer.disabled", n, ip, true, null, Map.of());
        return o;
    }

    /** Lifts a lockout before its time. */
    public Officer unlock(String name, String by, String ip) {
        String n = name(name);
        Officer o = ctx.db().inTransaction(tx -> {
            if (tx.update("update officer set locked_until = null, failures = 0 where name = ?", n) == 0) {
                throw new ChatException(ErrorCode.NOT_FOUND, "no officer '" + n + "'", "name", null);
            }
            return tx.one("select * from officer where name = ?", Officers::officer, n).orElseThrow();
        });
        audit("operator", by, null, "officer.unlocked", n, ip, true, null, Map.of());
        return o;
    }

    /** Records a refusal the HTTP layer decided (a forged CSRF token, a role's forbidden page) under the officer's name. */
    public void auditRefusal(Session s, String action, String resource, String ip, String reason) {
        audit("officer", s.officer().name(), s.officer().role(), action, resource, ip, false, reason, Map.of());
    }

    private Officer bySetupToken(Tx tx, String setupToken, Instant now) {
        if (setupToken == null || setupToken.length() != 43) {
            throw new AuthException("setup_link_invalid", 400, "this setup link is not valid: ask an operator for a new one");
        }
        Officer o = tx.one("select * from officer where setup_hash = ? and setup_expires_at > ? and disabled_at is null for update", Officers::officer,
                        sha256(setupToken), now)
                .orElseThrow(() -> new AuthException("setup_link_invalid", 400, "this setup link is not valid or has expired: ask an operator for a new one"));
        return o;
    }

    private static void requirePassword(String password, String name) {
        if (password == null) {
            throw ChatException.invalid("password", "is required");
        }
        for (int i = 0; i < password.length(); i++) {
            char c = password.charAt(i);
            if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < password.length() && Character.isLowSurrogate(password.charAt(++i)))) {
                throw ChatException.invalid("password", "is not valid Unicode text");
            }
        }
        int length = password.codePointCount(0, password.length());
        if (length < 12 || length > 256) {
            throw ChatException.invalid("password", "must be 12 to 256 characters long");
        }
        if (password.toLowerCase(Locale.ROOT).contains(name)) {
            throw ChatException.invalid("password", "must not contain the officer's name");
        }
    }

    private static String name(String name) {
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        if (!NAME.matcher(n).matches()) {
            throw ChatException.invalid("name", "1 to 100 of a-z, 0-9, '.', '_', '@' and '-', starting with a letter or digit");
        }
        return n;
    }

    private static Officer officer(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Officer(rs.getObject("id", UUID.class), rs.getString("name"), Role.valueOf(rs.getString("role").toUpperCase(Locale.ROOT)),
                rs.getBoolean("active"), Tx.instant(rs, "locked_until"), Tx.instant(rs, "disabled_at"), Tx.instant(rs, "created_at"),
                rs.getString("created_by"));
    }

    private void audit(String actorType, String actor, Role role, String action, String officer, String ip, boolean success, String reason,
                       Map<String, String> details) {
        ctx.audit().record(new AuditEntry(null, actorType, actor, role == null ? null : role.wire(), action, "officer", officer, ip, null, success, reason,
                new LinkedHashMap<>(details)));
    }

    private String token() {
        byte[] b = new byte[32];
        ctx.random().nextBytes(b);
        return TOKEN.encodeToString(b);
    }

    private static byte[] context(UUID officer) {
        return ("officer-totp:" + officer).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static AuthException invalid() {
        return new AuthException("invalid_credentials", 401, "the name, password or code is wrong");
    }

    private static AuthException locked(Instant until) {
        return new AuthException("account_locked", 403, "this account is locked after too many failed sign-ins until " + until
                + "; an operator can unlock it sooner");
    }

    private static AuthException expired() {
        return new AuthException("session_expired", 401, "the session has ended: sign in again");
    }
}
