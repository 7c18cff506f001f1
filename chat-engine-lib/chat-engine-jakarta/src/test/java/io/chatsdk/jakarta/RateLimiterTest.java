package io.chatsdk.jakarta;

import org.junit.jupiter.api.Test;

import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimiterTest {
    /** A shared bucket store that fails every call, as a Hazelcast member shutting down did during a rolling upgrade. */
    static final class FailingStore extends io.github.bucket4j.distributed.proxy.generic.pessimistic_locking.AbstractLockBasedProxyManager<String> {
        int calls;

        FailingStore() {
            super(io.github.bucket4j.distributed.proxy.ClientSideConfig.getDefault());
        }

        @Override
        protected io.github.bucket4j.distributed.proxy.generic.pessimistic_locking.LockBasedTransaction allocateTransaction(String key, java.util.Optional<Long> timeout) {
            calls++;
            throw new IllegalStateException("Cannot cache invocation: ROOT_/");
        }

        @Override
        public void removeProxy(String key) {
        }
    }

    @Test
    void aFailingSharedStoreLetsRequestsThroughInsteadOfFailingThem() {
        ChatApiSettings.RateLimits limits = ChatApiSettings.RateLimits.defaults().with("send_message", new ChatApiSettings.Limit(5, 2));
        FailingStore store = new FailingStore();
        RateLimiter limiter = new RateLimiter(limits, Clock.systemUTC(), store);
        for (int i = 0; i < 10; i++) {
            assertThat(limiter.acquire("app", "u1", "send_message")).isNull();
        }
        assertThat(store.calls).as("the store was asked each time").isEqualTo(20);
        // per-node buckets have no store to fail: their limits hold
        RateLimiter local = new RateLimiter(limits, Clock.systemUTC());
        local.acquire("app", "u1", "send_message");
        local.acquire("app", "u1", "send_message");
        assertThatThrownBy(() -> local.acquire("app", "u1", "send_message")).isInstanceOf(RateLimitedException.class);
    }

    @Test
    void perUserAndPerAppLimits() {
        ChatApiSettings.RateLimits limits = ChatApiSettings.RateLimits.defaults().with("send_message", new ChatApiSettings.Limit(5, 2));
        RateLimiter limiter = new RateLimiter(limits, Clock.systemUTC());
        assertThat(limiter.acquire("app", "u1", "send_message").remaining()).isEqualTo(1);
        assertThat(limiter.acquire("app", "u1", "send_message").remaining()).isZero();
        assertThatThrownBy(() -> limiter.acquire("app", "u1", "send_message")).isInstanceOf(RateLimitedException.class)
                .hasMessageContaining("this user").extracting("status").isEqualTo(429);
        limiter.acquire("app", "u2", "send_message");
        limiter.acquire("app", null, "send_message");
        limiter.acquire("app", null, "send_message");
        // the app bucket had 5: u1 took 2 (the refused third never reached it), u2 1, the server 2
        assertThatThrownBy(() -> limiter.acquire("app", null, "send_message")).hasMessageContaining("this app");
        assertThat(limiter.acquire("other-app", null, "send_message").limit()).isEqualTo(5);
        assertThat(new RateLimiter(limits.disabled(), Clock.systemUTC()).acquire("app", "u1", "send_message")).isNull();
        assertThatThrownBy(() -> limits.limit("nope")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFloodOfDistinctUsersResetsNobodysLimit() {
        ChatApiSettings.RateLimits limits = ChatApiSettings.RateLimits.defaults().with("send_message", new ChatApiSettings.Limit(3, 1_000));
        RateLimiter limiter = new RateLimiter(limits, Clock.systemUTC());
        for (int i = 0; i < 3; i++) {
            limiter.acquire("app", null, "send_message");
        }
        assertThatThrownBy(() -> limiter.acquire("app", null, "send_message")).hasMessageContaining("this app");
        // more distinct users than the old bucket map held before it cleared itself (200,000)
        for (int i = 0; i < 200_001; i++) {
            try {
                limiter.acquire("flood", "user-" + i, "send_message");
            } catch (RateLimitedException expected) {
                // the flood's own app bucket empties quickly; its users each get a bucket all the same
            }
        }
        assertThatThrownBy(() -> limiter.acquire("app", null, "send_message")).hasMessageContaining("this app");
    }
}
