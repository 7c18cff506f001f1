package io.chatsdk.engine.internal;

import io.chatsdk.engine.model.TokenState;
import io.chatsdk.engine.testing.TestClock;
import io.chatsdk.engine.types.AppId;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenStatesTest {
    private final AppId app = new AppId(UUID.randomUUID());
    private final TestClock clock = new TestClock();
    private final TokenStates states = new TokenStates(clock, Duration.ofSeconds(5));
    private final AtomicInteger loads = new AtomicInteger();
    private final TokenState deactivated = new TokenState(null, true);

    private TokenState load(TokenState s) {
        loads.incrementAndGet();
        return s;
    }

    @Test
    void remembersPerAppAndUserUntilForgottenOrOld() {
        assertThat(states.get(app, "u1", () -> load(TokenState.NONE))).isEqualTo(TokenState.NONE);
        assertThat(states.get(app, "u1", () -> load(deactivated))).isEqualTo(TokenState.NONE);
        assertThat(loads).hasValue(1);
        // another user, another app: their own entries
        assertThat(states.get(app, "u2", () -> load(deactivated))).isEqualTo(deactivated);
        assertThat(states.get(new AppId(UUID.randomUUID()), "u1", () -> load(deactivated))).isEqualTo(deactivated);
        states.forget(app, "u1");
        assertThat(states.get(app, "u1", () -> load(deactivated))).isEqualTo(deactivated);
        clock.pass(Duration.ofSeconds(5));
        TokenState revoked = new TokenState(Instant.parse("2026-12-01T00:00:00Z"), false);
        assertThat(states.get(app, "u1", () -> load(revoked))).isEqualTo(revoked);
        assertThat(loads).hasValue(5);
    }

    @Test
    void aLoadOverlappingAForgetIsNotKept() {
        // the change commits and is forgotten while this load is under way: what it read may predate the change
        assertThat(states.get(app, "u1", () -> {
            states.forget(app, "u9");
            return load(TokenState.NONE);
        })).isEqualTo(TokenState.NONE);
        assertThat(states.get(app, "u1", () -> load(deactivated))).isEqualTo(deactivated);
        assertThat(states.get(app, "u1", () -> load(TokenState.NONE))).isEqualTo(deactivated);
        assertThat(loads).hasValue(2);
    }

    @Test
    void zeroRemembersNothingAndNegativeIsRefused() {
        TokenStates none = new TokenStates(clock, Duration.ZERO);
        none.get(app, "u1", () -> load(TokenState.NONE));
        assertThat(none.get(app, "u1", () -> load(deactivated))).isEqualTo(deactivated);
        assertThat(loads).hasValue(2);
        assertThatThrownBy(() -> new TokenStates(clock, Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }
}
