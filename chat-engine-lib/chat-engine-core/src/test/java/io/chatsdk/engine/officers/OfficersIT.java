package io.chatsdk.engine.officers;

import io.chatsdk.engine.officers.Officers.AuthException;
import io.chatsdk.engine.officers.Officers.Enrolment;
import io.chatsdk.engine.officers.Officers.Invitation;
import io.chatsdk.engine.officers.Officers.Role;
import io.chatsdk.engine.officers.Officers.Session;
import io.chatsdk.engine.testing.EngineFixture;
import io.chatsdk.engine.testing.TestClock;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;

import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Console officers on embedded PostgreSQL with a clock the test moves: invitation and two-step setup, sign-in with TOTP
 * and recovery codes, replayed codes, lockout and unlock, idle timeout and lifetime, disabling, re-authentication, hostile
 * input, and the audit records of each.
 */
class OfficersIT {
    static final TestClock CLOCK = new TestClock(Instant.parse("2026-12-04T10:00:00Z"));
    static EngineFixture fx;
    static Officers officers;
    static final String PASSWORD = "correct horse battery staple";

    @BeforeAll
    static void start() {
        fx = new EngineFixture(b -> b.clock(CLOCK));
        officers = fx.engine.officers();
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    /** A set-up officer and the secret their authenticator holds. */
    record Ready(String name, byte[] secret, List<String> recovery) {
        String code() {
            return Totp.code(secret, Totp.step(CLOCK.instant()));
        }
    }

    static Ready ready(Role role) {
        String name = "officer-" + UUID.randomUUID().toString().substring(0, 8);
        Invitation inv = officers.invite(name, role, "operator-cli", "127.0.0.1");
        Enrolment e = officers.beginSetup(inv.setupToken(), PASSWORD, "127.0.0.1");
        byte[] secret = new Base32().decode(e.secret());
        officers.confirmSetup(inv.setupToken(), Totp.code(secret, Totp.step(CLOCK.instant())), "127.0.0.1");
        CLOCK.pass(Duration.ofSeconds(Totp.STEP_SECONDS));   // the setup code is spent; the next login needs the next one
        return new Ready(name, secret, e.recoveryCodes());
    }

    static long audited(String action, String officer, boolean success) {
        return fx.count("select count(*) from audit_log where app_id is null and action = '" + action + "' and resource_id = '" + officer
                + "' and outcome = '" + (success ? "success" : "failure") + "'");
    }

    static void refused(Runnable call, String code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void setupIsTwoStepsAndTheLinkWorksOnce() {
        Invitation inv = officers.invite("Ada.Lovelace", Role.COMPLIANCE, "operator-cli", null);
        assertThat(inv.officer().name()).isEqualTo("ada.lovelace");
        assertThat(inv.officer().active()).isFalse();
        // a weak password, or one with the name in it, is refused and changes nothing
        assertThatThrownBy(() -> officers.beginSetup(inv.setupToken(), "short", null)).isInstanceOf(ChatException.class);
        assertThatThrownBy(() -> officers.beginSetup(inv.setupToken(), "my name is Ada.Lovelace!", null)).isInstanceOf(ChatException.class);
        assertThatThrownBy(() -> officers.beginSetup(inv.setupToken(), "broken \uD800 surrogate password", null)).isInstanceOf(ChatException.class);
        Enrolment e = officers.beginSetup(inv.setupToken(), PASSWORD, null);
        assertThat(e.recoveryCodes()).hasSize(Officers.RECOVERY_CODES).doesNotHaveDuplicates();
        assertThat(e.otpauthUri()).startsWith("otpauth://totp/ChatSDK%3Aada.lovelace?secret=" + e.secret());
        byte[] secret = new Base32().decode(e.secret());
        // not active until the authenticator proves it holds the secret: no sign-in yet
        refused(() -> officers.login("ada.lovelace", PASSWORD, Totp.code(secret, Totp.step(CLOCK.instant())), null), "invalid_credentials");
        assertThatThrownBy(() -> officers.confirmSetup(inv.setupToken(), "000000".equals(Totp.code(secret, Totp.step(CLOCK.instant()))) ? "111111" : "000000", null))
                .isInstanceOf(ChatException.class);
        assertThat(officers.confirmSetup(inv.setupToken(), Totp.code(secret, Totp.step(CLOCK.instant())), null).active()).isTrue();
        refused(() -> officers.beginSetup(inv.setupToken(), PASSWORD, null), "setup_link_invalid");
        assertThatThrownBy(() -> officers.invite("ada.lovelace", Role.OPERATOR, "operator-cli", null))
                .isInstanceOfSatisfying(ChatException.class, x -> assertThat(x.code()).isEqualTo(ErrorCode.CONFLICT));
        // the secret is stored wrapped, the password as an Argon2id hash
        assertThat(fx.count("select count(*) from officer where name = 'ada.lovelace' and password_hash like '$argon2id$v=19$%' "
                + "and position('" + e.secret() + "' in encode(totp_secret, 'escape')) = 0")).isEqualTo(1);
        assertThat(audited("officer.invited", "ada.lovelace", true)).isEqualTo(1);
        assertThat(audited("officer.setup", "ada.lovelace", true)).isEqualTo(1);
        // an expired link
        Invitation late = officers.invite("late-comer", Role.AUDITOR, "operator-cli", null);
        CLOCK.pass(Officers.SETUP_VALIDITY.plusMinutes(1));
        refused(() -> officers.beginSetup(late.setupToken(), PASSWORD, null), "setup_link_invalid");
        refused(() -> officers.beginSetup("forged-" + "x".repeat(36), PASSWORD, null), "setup_link_invalid");
    }

    @Test
    void signInNeedsPasswordAndAFreshCodeAndACodeWorksOnce() {
        Ready r = ready(Role.OPERATOR);
        String code = r.code();
        Session s = officers.login(r.name().toUpperCase(), PASSWORD, code, "10.0.0.1");
        assertThat(s.token()).hasSize(43);
        assertThat(s.officer().role()).isEqualTo(Role.OPERATOR);
        assertThat(officers.session(s.token())).get().extracting(x -> x.officer().name()).isEqualTo(r.name());
        // the same code again (a replay), a wrong password, a wrong code: refused alike, each audited with its reason
        refused(() -> officers.login(r.name(), PASSWORD, code, "10.0.0.1"), "invalid_credentials");
        refused(() -> officers.login(r.name(), "wrong password here", r.code(), "10.0.0.1"), "invalid_credentials");
        refused(() -> officers.login(r.name(), PASSWORD, "12345", "10.0.0.1"), "invalid_credentials");
        refused(() -> officers.login("nobody-" + UUID.randomUUID(), PASSWORD, code, "10.0.0.1"), "invalid_credentials");
        refused(() -> officers.login("bad\u0000name", PASSWORD, code, "10.0.0.1"), "invalid_credentials");
        String typedPassword = "hunter2-" + UUID.randomUUID();
        refused(() -> officers.login(typedPassword, PASSWORD, code, "10.0.0.1"), "invalid_credentials");
        assertThat(fx.count("select count(*) from audit_log where position('" + typedPassword + "' in coalesce(actor_id, '') || coalesce(resource_id, '')) > 0"))
                .as("a password typed as the name is not recorded").isZero();
        assertThat(fx.count("select count(*) from audit_log where action = 'officer.login' and resource_id = '" + r.name()
                + "' and outcome = 'failure' and reason = 'replayed code'")).isEqualTo(1);
        assertThat(audited("officer.login", r.name(), true)).isEqualTo(1);
        // a recovery code signs in once
        String recovery = r.recovery().get(0);
        CLOCK.pass(Duration.ofSeconds(30));
        assertThat(officers.login(r.name(), PASSWORD, recovery.toUpperCase(), null).officer().name()).isEqualTo(r.name());
        refused(() -> officers.login(r.name(), PASSWORD, recovery, null), "invalid_credentials");
        // a forged session token
        assertThat(officers.session("A".repeat(43))).isEmpty();
        assertThat(officers.session(null)).isEmpty();
        assertThat(officers.session("short")).isEmpty();
    }

    @Test
    void concurrentSignInsWithOneCodeOpenOneSession() throws Exception {
        Ready r = ready(Role.AUDITOR);
        String code = r.code();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> tries = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Callable<Boolean> c = () -> {
                    try {
                        officers.login(r.name(), PASSWORD, code, null);
                        return true;
                    } catch (AuthException e) {
                        return false;
                    }
                };
                tries.add(pool.submit(c));
            }
            int opened = 0;
            for (Future<Boolean> f : tries) {
                opened += f.get() ? 1 : 0;
            }
            assertThat(opened).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void tenFailuresLockTheAccountForThirtyMinutesUnlessAnOperatorUnlocksIt() {
        Ready r = ready(Role.MODERATOR);
        for (int i = 0; i < Officers.MAX_FAILURES; i++) {
            refused(() -> officers.login(r.name(), "not the password!", r.code(), "10.9.9.9"), "invalid_credentials");
        }
        // now even the right password and code are refused
        refused(() -> officers.login(r.name(), PASSWORD, r.code(), "10.9.9.9"), "account_locked");
        assertThat(fx.count("select count(*) from audit_log where action = 'officer.login' and resource_id = '" + r.name()
                + "' and reason like '%account locked%'")).isEqualTo(1);
        CLOCK.pass(Officers.LOCKOUT.minusMinutes(1));
        refused(() -> officers.login(r.name(), PASSWORD, r.code(), null), "account_locked");
        officers.unlock(r.name(), "operator-cli", null);
        assertThat(officers.login(r.name(), PASSWORD, r.code(), null).officer().name()).isEqualTo(r.name());
        assertThat(audited("officer.unlocked", r.name(), true)).isEqualTo(1);
        // and after the lockout's time without an unlock
        for (int i = 0; i < Officers.MAX_FAILURES; i++) {
            refused(() -> officers.login(r.name(), "not the password!", r.code(), null), "invalid_credentials");
        }
        CLOCK.pass(Officers.LOCKOUT.plusMinutes(1));
        assertThat(officers.login(r.name(), PASSWORD, r.code(), null).officer().name()).isEqualTo(r.name());
    }

    @Test
    void aStricterSiteSetsAShorterIdleTimeoutButNeverALongerOne() {
        // a second engine on the same database, as a stricter node would be configured
        try (io.chatsdk.engine.ChatEngine engine = io.chatsdk.engine.ChatEngine.builder().dataSource(fx.dataSource)
                .keyProvider(io.chatsdk.engine.spi.KeyProvider.aesGcm(fx.masterKey)).clock(CLOCK).migrate(false).outboxRelay(false)
                .maintenance(false).officerIdleTimeout(Duration.ofMinutes(2)).build()) {
            Officers strict = engine.officers();
            Ready r = ready(Role.AUDITOR);
            Session s = strict.login(r.name(), PASSWORD, r.code(), null);
            CLOCK.pass(Duration.ofSeconds(110));
            assertThat(strict.session(s.token())).isPresent();
            CLOCK.pass(Duration.ofSeconds(121));
            assertThat(strict.session(s.token())).isEmpty();
        }
        for (Duration bad : List.of(Duration.ofSeconds(9), Officers.IDLE.plusSeconds(1))) {
            assertThatThrownBy(() -> io.chatsdk.engine.ChatEngine.builder().officerIdleTimeout(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void sessionsEndWhenIdleAtTheirLifetimeAndWhenTheOfficerIsDisabled() {
        Ready r = ready(Role.COMPLIANCE);
        Session s = officers.login(r.name(), PASSWORD, r.code(), null);
        CLOCK.pass(Officers.IDLE.minusMinutes(1));
        assertThat(officers.session(s.token())).isPresent();   // and it was extended
        CLOCK.pass(Officers.IDLE.minusMinutes(1));
        assertThat(officers.session(s.token())).isPresent();
        CLOCK.pass(Officers.IDLE.plusSeconds(1));
        assertThat(officers.session(s.token())).isEmpty();

        // a page refreshing itself checks the session without extending it
        CLOCK.pass(Duration.ofSeconds(30));
        Session watched = officers.login(r.name(), PASSWORD, r.code(), null);
        CLOCK.pass(Officers.IDLE.minusMinutes(1));
        assertThat(officers.session(watched.token(), false)).isPresent();
        CLOCK.pass(Duration.ofMinutes(1).plusSeconds(1));
        assertThat(officers.session(watched.token(), false)).as("background reads did not extend it").isEmpty();

        CLOCK.pass(Duration.ofSeconds(30));
        Session busy = officers.login(r.name(), PASSWORD, r.code(), null);
        for (Duration d = Duration.ZERO; d.compareTo(Officers.LIFETIME) < 0; d = d.plus(Duration.ofMinutes(10))) {
            CLOCK.pass(Duration.ofMinutes(10));
            officers.session(busy.token());
        }
        assertThat(officers.session(busy.token())).as("at its lifetime").isPresent();
        CLOCK.pass(Duration.ofMinutes(1));
        assertThat(officers.session(busy.token())).as("past its lifetime however active").isEmpty();

        CLOCK.pass(Duration.ofSeconds(30));
        Session a = officers.login(r.name(), PASSWORD, r.code(), null);
        officers.disable(r.name(), "operator-cli", false, null);
        assertThat(officers.session(a.token())).isEmpty();
        CLOCK.pass(Duration.ofSeconds(30));
        refused(() -> officers.login(r.name(), PASSWORD, r.code(), null), "invalid_credentials");
        assertThat(audited("officer.disabled", r.name(), true)).isEqualTo(1);
    }

    @Test
    void sensitiveActionsNeedARecentSignInAndReauthenticationRenewsIt() {
        Ready r = ready(Role.OPERATOR);
        Session s = officers.login(r.name(), PASSWORD, r.code(), null);
        assertThat(officers.session(s.token()).orElseThrow().recent(CLOCK.instant())).isTrue();
        CLOCK.pass(Officers.RECENT.plusMinutes(1));
        assertThat(officers.session(s.token()).orElseThrow().recent(CLOCK.instant())).isFalse();
        refused(() -> officers.reauthenticate(s.token(), "wrong password!!", r.code(), null), "invalid_credentials");
        assertThat(officers.reauthenticate(s.token(), PASSWORD, r.code(), null).recent(CLOCK.instant())).isTrue();
        assertThat(officers.session(s.token()).orElseThrow().recent(CLOCK.instant())).isTrue();
        officers.logout(s.token(), null);
        assertThat(officers.session(s.token())).isEmpty();
        refused(() -> officers.reauthenticate(s.token(), PASSWORD, r.code(), null), "session_expired");
    }

    @Test
    void aReinvitationStartsFromNothingAndADisabledOfficersLinkIsDead() {
        Ready r = ready(Role.COMPLIANCE);
        officers.disable(r.name(), "operator-cli", false, null);
        Invitation again = officers.invite(r.name(), Role.AUDITOR, "operator-cli", null);
        // the old password, authenticator and recovery codes are gone: the link's setup must be done again
        refused(() -> officers.login(r.name(), PASSWORD, r.code(), null), "invalid_credentials");
        assertThatThrownBy(() -> officers.confirmSetup(again.setupToken(), r.code(), null)).isInstanceOf(ChatException.class);
        Enrolment e = officers.beginSetup(again.setupToken(), PASSWORD, null);
        byte[] secret = new Base32().decode(e.secret());
        officers.confirmSetup(again.setupToken(), Totp.code(secret, Totp.step(CLOCK.instant())), null);
        CLOCK.pass(Duration.ofSeconds(30));
        refused(() -> officers.login(r.name(), PASSWORD, r.recovery().get(1), null), "invalid_credentials");
        assertThat(officers.login(r.name(), PASSWORD, Totp.code(secret, Totp.step(CLOCK.instant())), null).officer().role()).isEqualTo(Role.AUDITOR);
        // disabled before finishing setup: the link no longer works
        Invitation pending = officers.invite("pending-" + UUID.randomUUID().toString().substring(0, 6), Role.AUDITOR, "operator-cli", null);
        officers.disable(pending.officer().name(), "operator-cli", false, null);
        refused(() -> officers.beginSetup(pending.setupToken(), PASSWORD, null), "setup_link_invalid");
    }

    @Test
    void failedReauthenticationsCountTowardTheLockoutAndEndTheSession() {
        Ready r = ready(Role.OPERATOR);
        Session s = officers.login(r.name(), PASSWORD, r.code(), null);
        for (int i = 0; i < Officers.MAX_FAILURES - 1; i++) {
            refused(() -> officers.reauthenticate(s.token(), "a guessed password", "123456", null), "invalid_credentials");
        }
        assertThat(officers.session(s.token())).isPresent();
        refused(() -> officers.reauthenticate(s.token(), "a guessed password", "123456", null), "invalid_credentials");
        assertThat(officers.session(s.token())).as("locked: the session ended").isEmpty();
        CLOCK.pass(Duration.ofSeconds(30));
        refused(() -> officers.login(r.name(), PASSWORD, r.code(), null), "account_locked");
    }

    @Test
    void namesAndRolesAreChecked() {
        for (String bad : List.of("", " ", "-dash", "a b", "x".repeat(101), "emoji😀", "null\u0000byte")) {
            assertThatThrownBy(() -> officers.invite(bad, Role.AUDITOR, "operator-cli", null)).as(bad).isInstanceOf(ChatException.class);
        }
        assertThatThrownBy(() -> Role.parse("role", "root")).isInstanceOf(ChatException.class);
        assertThat(Role.parse("role", "auditor")).isEqualTo(Role.AUDITOR);
    }
}
