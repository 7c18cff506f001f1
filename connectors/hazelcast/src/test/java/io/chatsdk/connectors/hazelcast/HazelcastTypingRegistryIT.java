package io.chatsdk.connectors.hazelcast;

import io.chatsdk.engine.spi.TypingRegistry;
import io.chatsdk.engine.spi.TypingRegistryContract;

import java.net.ServerSocket;
import java.util.List;

/** The typing contract on a real Hazelcast member. */
class HazelcastTypingRegistryIT extends TypingRegistryContract {
    @Override
    protected TypingRegistry newRegistry() {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        HazelcastPresenceRegistry member = HazelcastPresenceRegistry.start("typing-" + port, "127.0.0.1", port, List.of("127.0.0.1:" + port));
        HazelcastTypingRegistry typing = new HazelcastTypingRegistry(member.instance());
        return new TypingRegistry() {
            public boolean start(io.chatsdk.engine.types.AppId app, String cid, String userId, java.time.Duration ttl) {
                return typing.start(app, cid, userId, ttl);
            }

            public boolean stop(io.chatsdk.engine.types.AppId app, String cid, String userId) {
                return typing.stop(app, cid, userId);
            }

            public void onExpired(Listener listener) {
                typing.onExpired(listener);
            }

            public void close() {
                typing.close();
                member.close();
            }
        };
    }
}
