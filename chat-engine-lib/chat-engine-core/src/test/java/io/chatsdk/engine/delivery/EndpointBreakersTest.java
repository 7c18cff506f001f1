package io.chatsdk.engine.delivery;

import io.chatsdk.engine.types.AppId;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class EndpointBreakersTest {
    static final URI A = URI.create("https://a.example.com/hook?token=secret");
    static final URI B = URI.create("https://b.example.com/hook");
    static final AppId APP = AppId.parse(UUID.randomUUID().toString());
    static final AppId OTHER = AppId.parse(UUID.randomUUID().toString());

    long now = 1_000_000_000L;
    final EndpointBreakers breakers = new EndpointBreakers(() -> now);

    void advance(Duration d) {
        now += d.toNanos();
    }

    void fail(URI endpoint, int times) {
        for (int i = 0; i < times; i++) {
            assertThat(breakers.allow(APP, endpoint)).isTrue();
            breakers.failure(APP, endpoint);
        }
    }

    @Test
    void opensAfterFiveFailuresInARowForThatAppAndEndpointOnly() {
        fail(A, EndpointBreakers.THRESHOLD - 1);
        assertThat(breakers.allow(APP, A)).isTrue();
        breakers.failure(APP, A);
        assertThat(breakers.isOpen(APP, A)).isTrue();
        assertThat(breakers.allow(APP, A)).isFalse();
        assertThat(breakers.allow(APP, B)).isTrue();
        assertThat(breakers.allow(OTHER, A)).as("another app's deliveries to the same URL").isTrue();
        advance(EndpointBreakers.OPEN.minusSeconds(1));
        assertThat(breakers.allow(APP, A)).isFalse();
    }

    @Test
    void aSuccessResetsTheCount() {
        fail(A, EndpointBreakers.THRESHOLD - 1);
        breakers.success(APP, A);
        fail(A, EndpointBreakers.THRESHOLD - 1);
        assertThat(breakers.allow(APP, A)).isTrue();
        assertThat(breakers.isOpen(APP, A)).isFalse();
    }

    @Test
    void afterTheOpenPeriodOneTrialGoesOutAndDecides() {
        fail(A, EndpointBreakers.THRESHOLD);
        advance(EndpointBreakers.OPEN);
        assertThat(breakers.allow(APP, A)).as("the trial").isTrue();
        assertThat(breakers.allow(APP, A)).as("others wait for the trial").isFalse();
        breakers.failure(APP, A);
        assertThat(breakers.allow(APP, A)).as("a failed trial opens it again").isFalse();
        advance(EndpointBreakers.OPEN.plusMillis(1));
        assertThat(breakers.allow(APP, A)).isTrue();
        breakers.success(APP, A);
        assertThat(breakers.allow(APP, A)).isTrue();
        assertThat(breakers.allow(APP, A)).isTrue();
    }

    @Test
    void aTrialThatNeverAnswersLetsAnotherOneThroughAfterAnOpenPeriod() {
        fail(A, EndpointBreakers.THRESHOLD);
        advance(EndpointBreakers.OPEN);
        assertThat(breakers.allow(APP, A)).isTrue();   // the trial's caller dies without reporting
        advance(EndpointBreakers.OPEN);
        assertThat(breakers.allow(APP, A)).isTrue();
    }

    @Test
    void oldFailuresAreForgotten() {
        for (int i = 0; i < 100; i++) {
            URI endpoint = URI.create("https://a.example.com/hook?n=" + i);
            breakers.allow(APP, endpoint);
            breakers.failure(APP, endpoint);
        }
        assertThat(breakers.tracked()).isEqualTo(100);
        advance(EndpointBreakers.FORGET.plusMinutes(2));
        breakers.allow(APP, B);
        assertThat(breakers.tracked()).isZero();
    }
}
