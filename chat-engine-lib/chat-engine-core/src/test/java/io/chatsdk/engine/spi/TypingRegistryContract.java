package io.chatsdk.engine.spi;

import io.chatsdk.engine.types.AppId;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What every {@link TypingRegistry} adapter must do. */
public abstract class TypingRegistryContract {

    protected abstract TypingRegistry newRegistry();

    @Test
    void startStopAndExpiry() {
        try (TypingRegistry t = newRegistry()) {
            AppId app = new AppId(UUID.randomUUID());
            List<String> expired = new CopyOnWriteArrayList<>();
            t.onExpired((a, cid, user) -> expired.add(a + "/" + cid + "/" + user));
            assertThat(t.start(app, "messaging:a", "alice", Duration.ofSeconds(30))).isTrue();
            assertThat(t.start(app, "messaging:a", "alice", Duration.ofSeconds(30))).as("still typing").isFalse();
            assertThat(t.stop(app, "messaging:a", "alice")).isTrue();
            assertThat(t.stop(app, "messaging:a", "alice")).isFalse();
            assertThat(t.start(app, "messaging:a", "bob", Duration.ofSeconds(1))).isTrue();
            await().atMost(Duration.ofSeconds(15)).until(() -> expired.contains(app + "/messaging:a/bob"));
            assertThat(expired).doesNotContain(app + "/messaging:a/alice");
            assertThat(t.start(app, "messaging:a", "bob", Duration.ofSeconds(30))).as("expired, so typing anew").isTrue();
        }
    }

    @Test
    void aListenerThatThrowsKeepsNeitherTheOthersNorLaterExpiriesFromTheirs() {
        try (TypingRegistry t = newRegistry()) {
            AppId app = new AppId(UUID.randomUUID());
            List<String> expired = new CopyOnWriteArrayList<>();
            t.onExpired((a, cid, user) -> {
                throw new IllegalStateException("a broken listener");
            });
            t.onExpired((a, cid, user) -> expired.add(cid + "/" + user));
            t.start(app, "messaging:a", "bob", Duration.ofSeconds(1));
            await().atMost(Duration.ofSeconds(15)).until(() -> expired.contains("messaging:a/bob"));
            t.start(app, "messaging:a", "carol", Duration.ofSeconds(1));
            await().atMost(Duration.ofSeconds(15)).until(() -> expired.contains("messaging:a/carol"));
        }
    }
}
