package io.chatsdk.engine;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class EndpointBreakersTest {
    static final URI A = URI.create("https://a.example.com/hook?token=secret");
    static final URI B = URI.create("https://b.example.com/hook");

    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-11-26T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    final MutableClock clock = new MutableClock();
    final EndpointBreakers breakers = new EndpointBreakers(clock);

    void fail(URI endpoint, int times) {
        for (int i = 0; i < times; i++) {
            assertThat(breakers.allow(endpoint)).isTrue();
            breakers.failure(endpoint);
        }
    }

    @Test
    void opensAfterFiveFailuresInARowAndOnlyForThatEndpoint() {
        fail(A, EndpointBreakers.THRESHOLD - 1);
        assertThat(breakers.allow(A)).isTrue();
        breakers.failure(A);
        assertThat(breakers.isOpen(A)).isTrue();
        assertThat(breakers.allow(A)).isFalse();
        assertThat(breakers.allow(B)).isTrue();
        clock.now = clock.now.plus(EndpointBreakers.OPEN.minusSeconds(1));
        assertThat(breakers.allow(A)).isFalse();
    }

    @Test
    void aSuccessResetsTheCount() {
        fail(A, EndpointBreakers.THRESHOLD - 1);
        breakers.success(A);
        fail(A, EndpointBreakers.THRESHOLD - 1);
        assertThat(breakers.allow(A)).isTrue();
        assertThat(breakers.isOpen(A)).isFalse();
    }

    @Test
    void afterTheOpenPeriodOneTrialGoesOutAndDecides() {
        fail(A, EndpointBreakers.THRESHOLD);
        clock.now = clock.now.plus(EndpointBreakers.OPEN);
        assertThat(breakers.allow(A)).as("the trial").isTrue();
        assertThat(breakers.allow(A)).as("others wait for the trial").isFalse();
        breakers.failure(A);
        assertThat(breakers.allow(A)).as("a failed trial opens it again").isFalse();
        clock.now = clock.now.plus(EndpointBreakers.OPEN).plus(Duration.ofMillis(1));
        assertThat(breakers.allow(A)).isTrue();
        breakers.success(A);
        assertThat(breakers.allow(A)).isTrue();
        assertThat(breakers.allow(A)).isTrue();
    }
}
