package io.chatsdk.jakarta;

import io.chatsdk.engine.types.AppId;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class WatchersTest {
    private static Connection connection(AppId app, String user) {
        return new Connection(UUID.randomUUID().toString(), new Caller(app, null, false, user, "key"), "token", false, null, 10, 1 << 20, Instant.now());
    }

    @Test
    void stoppingWhatWasNeverWatchedLeavesNothingBehind() {
        Watchers w = new Watchers();
        Connection c = connection(new AppId(UUID.randomUUID()), "u1");
        for (int i = 0; i < 10_000; i++) {
            w.remove(c, "messaging:never-" + i);
        }
        assertThat(w.channels()).isZero();
    }

    @Test
    void anEntryLivesExactlyAsLongAsItsWatchers() {
        Watchers w = new Watchers();
        AppId app = new AppId(UUID.randomUUID());
        Connection a = connection(app, "a");
        Connection b = connection(app, "b");
        w.add(a, "livestream:show");
        w.add(b, "livestream:show");
        assertThat(w.of(app, "livestream:show")).containsExactlyInAnyOrder(a, b);
        assertThat(w.of(new AppId(UUID.randomUUID()), "livestream:show")).as("another app's channel of the same id").isEmpty();
        w.remove(a, "livestream:show");
        assertThat(w.channels()).isEqualTo(1);
        w.remove(b, "livestream:show");
        assertThat(w.channels()).isZero();
        w.add(a, "livestream:gone");
        assertThat(w.removeChannel(app, "livestream:gone")).containsExactly(a);
        assertThat(w.channels()).isZero();
    }
}
