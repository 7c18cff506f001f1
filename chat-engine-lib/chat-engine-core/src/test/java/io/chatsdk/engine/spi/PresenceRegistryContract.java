package io.chatsdk.engine.spi;

import io.chatsdk.engine.types.AppId;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link PresenceRegistry} adapter must do. */
public abstract class PresenceRegistryContract {

    protected abstract PresenceRegistry newRegistry();

    @Test
    void onlineWhileAnyConnectionIsOpen() {
        try (PresenceRegistry p = newRegistry()) {
            AppId app = new AppId(UUID.randomUUID());
            AppId other = new AppId(UUID.randomUUID());
            assertThat(p.isOnline(app, "alice")).isFalse();
            assertThat(p.connected(app, "alice", "c1")).as("first connection").isTrue();
            assertThat(p.connected(app, "alice", "c2")).isFalse();
            assertThat(p.isOnline(app, "alice")).isTrue();
            assertThat(p.isOnline(other, "alice")).as("per app").isFalse();
            assertThat(p.disconnected(app, "alice", "c1")).isFalse();
            assertThat(p.disconnected(app, "alice", "c2")).as("last connection").isTrue();
            assertThat(p.isOnline(app, "alice")).isFalse();
            assertThat(p.disconnected(app, "alice", "c2")).as("twice is harmless").isFalse();
        }
    }
}
