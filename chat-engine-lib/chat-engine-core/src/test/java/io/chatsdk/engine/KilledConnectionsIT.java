package io.chatsdk.engine;

import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.testing.BackendKiller;
import io.chatsdk.engine.testing.EngineTest;
import io.chatsdk.engine.testing.StoredSends;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reliability scenario 6: database connections are killed under load ({@code pg_terminate_backend}). Transactions roll
 * back cleanly, the engine reports {@code unavailable}, the client's retry with the same client id succeeds, and the
 * stored channel has every acknowledged message once, in seq order, with no gap.
 */
class KilledConnectionsIT extends EngineTest {

    @Test
    void terminatedBackendsLoseNothingAndDoubleNothing() throws Exception {
        AppHandle app = fx.newApp(4);
        Cid cid = app.channels().getOrCreate("messaging", "killzone", ChannelInput.withMembers("u1", List.of("u2", "u3", "u4"))).channel().cid();
        AtomicInteger retries = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        BackendKiller killer = BackendKiller.start(fx.dataSource, 15);
        Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        List<Future<?>> senders = new ArrayList<>();
        for (int t = 1; t <= 4; t++) {
            String user = "u" + t;
            senders.add(pool.submit(() -> {
                for (int i = 0; i < 60; i++) {
                    String clientId = user + "-" + i;
                    for (int attempt = 1; ; attempt++) {
                        try {
                            acknowledged.add(app.as(user).messages().send(cid, NewMessage.text("m " + clientId).withId(clientId)).seq());
                            break;
                        } catch (ChatException e) {
                            assertThat(e.code()).as("a killed connection is reported as retryable").isIn(ErrorCode.UNAVAILABLE, ErrorCode.CONFLICT);
                            assertThat(attempt).as("retries of " + clientId).isLessThan(50);
                            retries.incrementAndGet();
                        }
                    }
                }
                return null;
            }));
        }
        try {
            for (Future<?> f : senders) {
                f.get(180, TimeUnit.SECONDS);
            }
        } finally {
            killer.close();
            pool.shutdown();
        }

        StoredSends.assertExactlyAcknowledged(app, cid, acknowledged, 240);
        assertThat(killer.killed()).as("backends were really killed").isPositive();
        System.out.printf("scenario 6: %d backends terminated, %d retries, 240 acknowledged, 240 stored, 0 lost, 0 duplicated, 0 gaps%n",
                killer.killed(), retries.get());
    }
}
