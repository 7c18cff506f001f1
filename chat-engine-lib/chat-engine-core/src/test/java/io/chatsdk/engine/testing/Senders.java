package io.chatsdk.engine.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Concurrent senders for tests: users u1..uN on threads of their own, released at the same moment. */
public final class Senders {
    private Senders() {
    }

    @FunctionalInterface
    public interface Sender {
        void run(String user, int n) throws Exception;
    }

    /** Runs {@code threads} senders u1..uN (n = 1..N) and waits for all of them (at most 180 s); the first failure is thrown. */
    public static void concurrently(int threads, Sender sender) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> running = new ArrayList<>();
        for (int t = 1; t <= threads; t++) {
            String user = "u" + t;
            int n = t;
            running.add(pool.submit(() -> {
                start.await();
                sender.run(user, n);
                return null;
            }));
        }
        start.countDown();
        try {
            for (Future<?> f : running) {
                f.get(180, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
