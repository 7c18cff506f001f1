package io.chatsdk.engine;

import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.testing.EngineTest;
import io.chatsdk.engine.types.Cid;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Concurrent writers against real PostgreSQL: seqs stay gap-free and unique, resends stay single. */
class ConcurrencyIT extends EngineTest {

    @Test
    void concurrentSendersGetGapFreeUniqueSeqs() throws Exception {
        AppHandle app = fx.newApp(8);
        List<String> members = List.of("u2", "u3", "u4", "u5", "u6", "u7", "u8");
        Cid cid = app.channels().getOrCreate("messaging", "busy", ChannelInput.withMembers("u1", members)).channel().cid();
        int threads = 8;
        int perThread = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<Long>>> futures = new ArrayList<>();
        for (int t = 1; t <= threads; t++) {
            String user = "u" + t;
            futures.add(pool.submit(() -> {
                go.await();
                List<Long> seqs = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                    seqs.add(app.as(user).messages().send(cid, NewMessage.text(user + " #" + i)).seq());
                }
                return seqs;
            }));
        }
        go.countDown();
        Set<Long> all = ConcurrentHashMap.newKeySet();
        int count = 0;
        for (Future<List<Long>> f : futures) {
            for (long s : f.get(60, TimeUnit.SECONDS)) {
                all.add(s);
                count++;
            }
        }
        pool.shutdown();
        int total = threads * perThread;
        assertThat(count).isEqualTo(total);
        assertThat(all).hasSize(total);
        assertThat(all.stream().mapToLong(Long::longValue).min().orElseThrow()).isEqualTo(1);
        assertThat(all.stream().mapToLong(Long::longValue).max().orElseThrow()).isEqualTo(total);
        assertThat(app.channels().get(cid).lastSeq()).isEqualTo(total);
        // stored rows agree: one per seq, no gaps
        try (Connection c = fx.dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*), count(distinct seq), min(seq), max(seq) from message m join channel ch on ch.pk = m.channel_pk "
                     + "where ch.app_id = '" + app.id() + "' and ch.id = 'busy'")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(total);
            assertThat(rs.getLong(2)).isEqualTo(total);
            assertThat(rs.getLong(3)).isEqualTo(1);
            assertThat(rs.getLong(4)).isEqualTo(total);
        }
    }

    @Test
    void concurrentResendsOfOneClientIdGiveOneMessage() throws Exception {
        AppHandle app = fx.newApp(2);
        Cid cid = app.channels().getOrCreate("messaging", "retry", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
        for (int round = 0; round < 10; round++) {
            String clientId = "retry-" + round;
            int threads = 6;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Callable<Message>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                tasks.add(() -> {
                    go.await();
                    return app.as("u1").messages().send(cid, NewMessage.text("same").withId(clientId));
                });
            }
            List<Future<Message>> futures = new ArrayList<>();
            for (Callable<Message> task : tasks) {
                futures.add(pool.submit(task));
            }
            go.countDown();
            Set<Long> seqs = ConcurrentHashMap.newKeySet();
            for (Future<Message> f : futures) {
                Message m = f.get(30, TimeUnit.SECONDS);
                assertThat(m.id()).isEqualTo(clientId);
                seqs.add(m.seq());
            }
            pool.shutdown();
            assertThat(seqs).as("every resend returns the same stored message").containsExactly((long) round + 1);
        }
        assertThat(app.channels().get(cid).lastSeq()).as("no seq was burnt by a duplicate").isEqualTo(10);
    }

    @Test
    void concurrentGetOrCreateMakesOneChannel() throws Exception {
        AppHandle app = fx.newApp(3);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Cid>> futures = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            futures.add(pool.submit(() -> {
                go.await();
                return app.channels().getOrCreateDistinct("messaging", ChannelInput.withMembers("u1", List.of("u1", "u2"))).channel().cid();
            }));
        }
        go.countDown();
        Set<Cid> cids = ConcurrentHashMap.newKeySet();
        for (Future<Cid> f : futures) {
            cids.add(f.get(30, TimeUnit.SECONDS));
        }
        pool.shutdown();
        assertThat(cids).hasSize(1);
        assertThat(app.channels().get(cids.iterator().next()).memberCount()).isEqualTo(2);
    }
}
