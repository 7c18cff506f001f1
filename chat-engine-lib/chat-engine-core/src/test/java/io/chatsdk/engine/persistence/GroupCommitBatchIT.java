package io.chatsdk.engine.persistence;

import io.chatsdk.engine.internal.ContentKeys;
import io.chatsdk.engine.spi.KeyProvider;
import io.chatsdk.engine.testing.TestDatabase;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link GroupCommit} on its own, against PostgreSQL: work queued behind a running batch forms the next batch (one
 * transaction id for all of it), and a piece that fails, even with an {@link Error}, sends every piece of its batch back
 * to run alone: the others succeed, the failing one gets its own failure, and no thread is left waiting.
 */
class GroupCommitBatchIT {
    static HikariDataSource dataSource;
    static Db db;

    @BeforeAll
    static void start() {
        dataSource = TestDatabase.freshDatabase();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        db = new Db(dataSource, new ContentKeys(KeyProvider.aesGcm(key), new SecureRandom(), Clock.systemUTC()), () -> { });
    }

    @AfterAll
    static void stop() {
        db.close();
        dataSource.close();
    }

    private static long txid(Tx tx) {
        return tx.one("select txid_current()", rs -> rs.getLong(1)).orElseThrow();
    }

    /** Runs {@code first} alone while it blocks, queues the others behind it, then lets it finish; returns each outcome. */
    private static List<Object> queuedBehindOne(String key, List<Function<Tx, Object>> others) throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            CountDownLatch inFirst = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Future<Object> first = pool.submit(() -> db.inGroupCommit(key, tx -> {
                inFirst.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return txid(tx);
            }));
            assertThat(inFirst.await(30, TimeUnit.SECONDS)).isTrue();
            List<Future<Object>> queued = new ArrayList<>();
            for (Function<Tx, Object> w : others) {
                queued.add(pool.submit(() -> {
                    try {
                        return db.inGroupCommit(key, w);
                    } catch (Throwable t) {
                        return t;
                    }
                }));
                Thread.sleep(50);   // queued in this order
            }
            Thread.sleep(300);   // all queued behind the running batch
            release.countDown();
            first.get(30, TimeUnit.SECONDS);
            List<Object> out = new ArrayList<>();
            for (Future<Object> f : queued) {
                out.add(f.get(30, TimeUnit.SECONDS));   // a thread left waiting fails here
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void workQueuedBehindARunningBatchCommitsAsOneTransaction() throws Exception {
        List<Function<Tx, Object>> others = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            others.add(GroupCommitBatchIT::txid);
        }
        List<Object> txids = queuedBehindOne("together", others);
        assertThat(txids).hasSize(5).allSatisfy(t -> assertThat(t).isInstanceOf(Long.class));
        assertThat(new java.util.HashSet<>(txids)).as("the five queued pieces shared one transaction").hasSize(1);
    }

    @Test
    void aPieceThrowingAnErrorFailsAloneAndTheOthersRunAgainAlone() throws Exception {
        Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
        List<Function<Tx, Object>> others = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int n = i;
            others.add(tx -> {
                runs.computeIfAbsent(n, k -> new AtomicInteger()).incrementAndGet();
                if (n == 2) {
                    throw new AssertionError("piece 2 breaks");
                }
                return txid(tx);
            });
        }
        List<Object> out = queuedBehindOne("broken", others);
        assertThat(out.get(2)).isInstanceOf(AssertionError.class).hasFieldOrPropertyWithValue("message", "piece 2 breaks");
        for (int n : new int[] {0, 1, 3}) {
            assertThat(out.get(n)).as("piece " + n).isInstanceOf(Long.class);
        }
        assertThat(new java.util.HashSet<>(List.of(out.get(0), out.get(1), out.get(3)))).as("each ran again in its own transaction").hasSize(3);
        assertThat(runs.get(0).get()).as("piece 0 ran in the batch, then alone").isEqualTo(2);
        assertThat(runs.get(2).get()).isEqualTo(2);
        // the lane is usable afterwards
        assertThat(db.inGroupCommit("broken", GroupCommitBatchIT::txid)).isPositive();
        assertThatThrownBy(() -> db.inGroupCommit("broken", tx -> {
            throw new IllegalArgumentException("alone");
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("alone");
    }
}
