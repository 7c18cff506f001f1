package io.chatsdk.jakarta;

import io.chatsdk.engine.types.AppId;

import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue #14 item 3: a connection's outgoing queue is bounded by characters as well as by events. */
class ConnectionTest {
    /** A client that never finishes reading: the first text stays in flight, the rest queue up. */
    static final class StuckClient {
        final List<String> sent = new CopyOnWriteArrayList<>();
        final List<CloseReason> closed = new CopyOnWriteArrayList<>();
        final Session session;

        StuckClient() {
            RemoteEndpoint.Async async = (RemoteEndpoint.Async) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{RemoteEndpoint.Async.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("sendText") && args.length == 2 && args[1] instanceof SendHandler) {
                            sent.add((String) args[0]);   // never completed
                        }
                        return null;
                    });
            session = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Session.class}, (proxy, method, args) -> switch (method.getName()) {
                case "getAsyncRemote" -> async;
                case "isOpen" -> closed.isEmpty();
                case "close" -> {
                    closed.add((CloseReason) args[0]);
                    yield null;
                }
                default -> null;
            });
        }
    }

    static Connection connection(StuckClient client, int maxEvents, long maxChars) {
        Caller caller = new Caller(new AppId(UUID.randomUUID()), null, false, "ann", "key");
        return new Connection(UUID.randomUUID().toString(), caller, "token", false, client.session, maxEvents, maxChars, Instant.now());
    }

    @Test
    void aFewLargeEventsCloseASlowConnectionAsSurelyAsManySmallOnes() throws Exception {
        StuckClient client = new StuckClient();
        Connection c = connection(client, 1000, 200 * 1024);
        String big = "{\"type\":\"custom\",\"data\":\"" + "x".repeat(60 * 1024) + "\"}";
        assertThat(c.send(big)).as("in flight").isTrue();
        assertThat(c.send(big)).isTrue();
        assertThat(c.send(big)).isTrue();
        assertThat(c.send(big)).isTrue();
        assertThat(c.send(big)).as("a fourth queued event would pass 200 KiB, far below 1,000 events").isFalse();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (client.closed.isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(client.closed.get(0).getCloseCode().getCode()).isEqualTo(Connection.TOO_SLOW);
        assertThat(c.send("{}")).as("closed for good").isFalse();
        assertThat(client.sent).hasSize(1);
    }

    @Test
    void theEventCountStillBoundsSmallEvents() {
        StuckClient client = new StuckClient();
        Connection c = connection(client, 3, 1 << 20);
        assertThat(c.send("{\"n\":0}")).isTrue();
        for (int i = 1; i <= 3; i++) {
            assertThat(c.send("{\"n\":" + i + "}")).isTrue();
        }
        assertThat(c.send("{\"n\":4}")).isFalse();
    }
}
