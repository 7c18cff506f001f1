package io.chatsdk.engine.spi;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InProcessJobQueueTest extends JobQueueContract {
    @Override
    protected JobQueue newQueue() {
        return new InProcessJobQueue();
    }

    @Test
    void policiesAndJobsAreValidated() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO)).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> new Job("Bad Kind", "x", "{}")).hasMessageContaining("kind");
        assertThat(RetryPolicy.defaults().delayBefore(2)).isEqualTo(Duration.ofSeconds(1));
        assertThat(RetryPolicy.defaults().delayBefore(4)).isEqualTo(Duration.ofSeconds(4));
        assertThat(new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofSeconds(5)).delayBefore(9)).isEqualTo(Duration.ofSeconds(5));
        assertThat(new Job("k", "id", "{\"secret\":1}").toString()).doesNotContain("secret");
    }
}
