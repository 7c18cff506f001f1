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
 * transaction id for all of it), and a piece that fails, even with an {@link Error}, gets its own failure while the
 * others commit together (a second run, each piece in a savepoint): nothing of the failed piece stays, and no thread is
 * left waiting.
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

    private static long i0(String v) {
        return Long.parseLong(v.substring(1)) + 1;
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
    void aPieceThrowingAnErrorFailsAloneAndTheOthersCommitTogether() throws Exception {
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
        assertThat(new java.util.HashSet<>(List.of(out.get(0), out.get(1), out.get(3))))
                .as("the others ran again together, each in a savepoint, and committed in one transaction").hasSize(1);
        assertThat(runs.get(0).get()).as("piece 0 ran in the failed batch, then in the second").isEqualTo(2);
        assertThat(runs.get(2).get()).isEqualTo(2);
        // a piece that fails in the second run leaves nothing of its own behind: its writes and its after-commit work
        db.inTransaction(tx -> tx.update("create table if not exists gc_probe (v text)"));
        AtomicInteger afterCommits = new AtomicInteger();
        List<String> heard = java.util.Collections.synchronizedList(new ArrayList<>());
        db.commitListener(new io.chatsdk.engine.spi.CommitListener() {
            @Override
            public void prepared(List<io.chatsdk.engine.spi.ChatEvent> events) {
            }

            @Override
            public void committed(List<io.chatsdk.engine.spi.ChatEvent> events) {
                events.forEach(e -> heard.add(e.type()));
            }

            @Override
            public void aborted(List<io.chatsdk.engine.spi.ChatEvent> events) {
            }
        });
        List<Function<Tx, Object>> writers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String v = "w" + i;
            writers.add(tx -> {
                tx.update("insert into gc_probe (v) values (?)", v);
                tx.afterCommit(afterCommits::incrementAndGet);
                tx.eventWritten(new io.chatsdk.engine.spi.ChatEvent(i0(v), new io.chatsdk.engine.types.AppId(java.util.UUID.randomUUID()), v, "messaging:probe",
                        null, java.time.Instant.now(), java.util.Map.of()));
                if (v.equals("w1")) {
                    throw new IllegalStateException("w1 refused after writing");
                }
                return v;
            });
        }
        List<Object> written = queuedBehindOne("writers", writers);
        assertThat(written.get(0)).isEqualTo("w0");
        assertThat(written.get(1)).isInstanceOf(IllegalStateException.class);
        assertThat(written.get(2)).isEqualTo("w2");
        List<String> rows = db.read(tx -> tx.query("select v from gc_probe order by v", rs -> rs.getString(1)));
        assertThat(rows).containsExactly("w0", "w2");
        assertThat(afterCommits.get()).as("the refused piece's after-commit work was dropped").isEqualTo(2);
        assertThat(heard).as("and so were its events: a commit listener hears only the others'").containsExactly("w0", "w2");
        db.commitListener(null);
        // the lane is usable afterwards
        assertThat(db.inGroupCommit("broken", GroupCommitBatchIT::txid)).isPositive();
        assertThatThrownBy(() -> db.inGroupCommit("broken", tx -> {
            throw new IllegalArgumentException("alone");
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("alone");
    }
}
