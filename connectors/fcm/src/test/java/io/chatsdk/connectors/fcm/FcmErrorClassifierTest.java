package io.chatsdk.connectors.fcm;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class FcmErrorClassifierTest {

    final FcmErrorClassifier classifier = new FcmErrorClassifier(
            Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC), Duration.ofSeconds(10));

    @Test
    void retryAfterIsSecondsOrAnHttpDate() {
        assertThat(classifier.parseRetryAfter("7")).isEqualTo(Duration.ofSeconds(7));
        assertThat(classifier.parseRetryAfter(" 0 ")).isEqualTo(Duration.ZERO);
        assertThat(classifier.parseRetryAfter("Wed, 25 Nov 2026 12:01:30 GMT")).isEqualTo(Duration.ofSeconds(90));
        assertThat(classifier.parseRetryAfter("Wed, 25 Nov 2026 11:00:00 GMT")).isEqualTo(Duration.ZERO);
    }

    @Test
    void unusableRetryAfterIsIgnored() {
        assertThat(classifier.parseRetryAfter(null)).isNull();
        assertThat(classifier.parseRetryAfter("")).isNull();
        assertThat(classifier.parseRetryAfter("-5")).isNull();
        assertThat(classifier.parseRetryAfter("soon")).isNull();
    }
}
