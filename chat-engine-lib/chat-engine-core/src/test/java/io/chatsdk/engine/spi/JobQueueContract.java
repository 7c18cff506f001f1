package io.chatsdk.engine.spi;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What every {@link JobQueue} adapter must do. Adapters' tests extend it and say how to make a queue. */
public abstract class JobQueueContract {
    protected static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofMillis(400));

    /** A fresh queue; the test closes it. */
    protected abstract JobQueue newQueue();

    protected static String kind() {
        return "test." + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aJobIsHandledOnceWithItsPayloadIntact() {
        try (JobQueue q = newQueue()) {
            String kind = kind();
            List<String> seen = new CopyOnWriteArrayList<>();
            q.register(kind, (job, attempt) -> seen.add(job.id() + "#" + attempt + " " + job.payload()), FAST);
            q.submit(new Job(kind, "j1", "{\"text\":\"h\u00e9llo \uD83D\uDE00\"}"));
            q.submit(new Job(kind, "j1", "{\"text\":\"a duplicate\"}"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !seen.isEmpty());
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 1);
            assertThat(seen).containsExactly("j1#1 {\"text\":\"h\u00e9llo \uD83D\uDE00\"}");
        }
    }

    @Test
    void aFailingJobIsRetriedWithTheSameIdUntilItSucceeds() {
        try (JobQueue q = newQueue()) {
            String kind = kind();
            List<Integer> attempts = new CopyOnWriteArrayList<>();
            Map<String, Boolean> done = new ConcurrentHashMap<>();
            q.register(kind, (job, attempt) -> {
                attempts.add(attempt);
                if (attempt < 3) {
                    throw new IllegalStateException("receiver down");
                }
                done.put(job.id(), true);
            }, FAST);
            q.submit(new Job(kind, "flaky", "{}"));
            await().atMost(Duration.ofSeconds(10)).until(() -> done.containsKey("flaky"));
            assertThat(attempts).containsExactly(1, 2, 3);
            assertThat(q.deadJobs(kind, 10)).isEmpty();
        }
    }

    @Test
    void aJobThatKeepsFailingIsDeadLetteredAndCanBeRetriedOrDiscarded() {
        try (JobQueue q = newQueue()) {
            String kind = kind();
            AtomicInteger calls = new AtomicInteger();
            AtomicInteger healthyAfter = new AtomicInteger(Integer.MAX_VALUE);
            q.register(kind, (job, attempt) -> {
                if (calls.incrementAndGet() < healthyAfter.get()) {
                    throw new IllegalStateException("still down");
                }
            }, FAST);
            q.submit(new Job(kind, "doomed", "{}"));
            q.submit(new Job(kind, "also-doomed", "{}"));
            await().atMost(Duration.ofSeconds(15)).until(() -> q.deadJobs(kind, 10).size() == 2);
            DeadJob d = q.deadJobs(kind, 10).stream().filter(j -> j.job().id().equals("doomed")).findFirst().orElseThrow();
            assertThat(d.attempts()).isEqualTo(3);
            assertThat(d.lastError()).contains("still down");
            assertThat(q.discard(kind, "also-doomed")).isTrue();
            assertThat(q.discard(kind, "also-doomed")).isFalse();
            healthyAfter.set(calls.get() + 1);
            assertThat(q.retry(kind, "doomed")).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> q.deadJobs(kind, 10).isEmpty());
            assertThat(q.retry(kind, "nothing")).isFalse();
        }
    }

    @Test
    void itsDepthCountsTheJobsWaitingAndTheDead() throws Exception {
        try (JobQueue q = newQueue()) {
            String kind = kind();
            java.util.concurrent.CountDownLatch open = new java.util.concurrent.CountDownLatch(1);
            q.register(kind, (job, attempt) -> {
                if (job.id().startsWith("bad")) {
                    throw new IllegalStateException("down");
                }
                open.await();
            }, FAST);
            assertThat(q.depth(kind)).isEqualTo(new JobQueue.Depth(0, 0));
            q.submit(new Job(kind, "bad-1", "{}"));
            await().atMost(Duration.ofSeconds(15)).until(() -> q.depth(kind).equals(new JobQueue.Depth(0, 1)));
            // handlers that do not return yet (as many as the queue has threads), and jobs behind them
            for (int i = 0; i < 3; i++) {
                q.submit(new Job(kind, "held-" + i, "{}"));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> q.depth(kind).equals(new JobQueue.Depth(3, 1)));
            open.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> q.depth(kind).equals(new JobQueue.Depth(0, 1)));
            q.discard(kind, "bad-1");
            assertThat(q.depth(kind)).isEqualTo(new JobQueue.Depth(0, 0));
        }
    }

    @Test
    void jobsSubmittedBeforeTheirHandlerWaitForIt() {
        try (JobQueue q = newQueue()) {
            String kind = kind();
            q.submit(new Job(kind, "early", "{}"));
            List<String> seen = new CopyOnWriteArrayList<>();
            q.register(kind, (job, attempt) -> seen.add(job.id()), FAST);
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("early"));
        }
    }

    @Test
    void batchedJobsAreEachDoneOnceAndABadJobFailsAlone() {
        try (JobQueue q = newQueue()) {
            String kind = kind();
            List<String> done = new CopyOnWriteArrayList<>();
            List<Integer> sizes = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 5; i++) {
                q.submit(new Job(kind, "good-" + i, "{}"));
            }
            q.submit(new Job(kind, "bad", "{}"));
            for (int i = 5; i < 10; i++) {
                q.submit(new Job(kind, "good-" + i, "{}"));
            }
            q.registerBatched(kind, jobs -> {
                sizes.add(jobs.size());
                if (jobs.stream().anyMatch(j -> j.id().equals("bad"))) {
                    throw new IllegalStateException("one bad job");
                }
                jobs.forEach(j -> done.add(j.id()));
            }, FAST, 4, Duration.ofMillis(200));
            await().atMost(Duration.ofSeconds(20)).until(() -> q.deadJobs(kind, 10).size() == 1 && done.size() == 10);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> done.size() == 10);
            assertThat(done).containsExactlyInAnyOrder(java.util.stream.IntStream.range(0, 10).mapToObj(i -> "good-" + i).toArray(String[]::new));
            assertThat(q.deadJobs(kind, 10)).singleElement().satisfies(d -> {
                assertThat(d.job().id()).isEqualTo("bad");
                assertThat(d.attempts()).isEqualTo(3);
                assertThat(d.lastError()).contains("one bad job");
            });
            assertThat(sizes).allSatisfy(n -> assertThat(n).isBetween(1, 4));
            // every batch was settled: nothing is left waiting but the dead job
            await().atMost(Duration.ofSeconds(10)).until(() -> q.depth(kind).equals(new JobQueue.Depth(0, 1)));
        }
    }

    @Test
    void batchingSettingsOutOfRangeAreRefused() {
        try (JobQueue q = newQueue()) {
            BatchJobHandler none = jobs -> {
            };
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> q.registerBatched(kind(), none, FAST, 0, Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxJobs");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> q.registerBatched(kind(), none, FAST, 1_001, Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxJobs");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> q.registerBatched(kind(), none, FAST, 10, Duration.ofMillis(-1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("linger");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> q.registerBatched(kind(), none, FAST, 10, Duration.ofSeconds(11)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("linger");
        }
    }

    /** Jobs waiting together are handed over together, at most the batch's size at a time. */
    @Test
    void jobsWaitingTogetherAreHandedOverTogether() {
        try (JobQueue q = newQueue()) {
            String kind = kind();
            for (int i = 0; i < 20; i++) {
                q.submit(new Job(kind, "j" + i, "{}"));
            }
            List<Integer> sizes = new CopyOnWriteArrayList<>();
            List<String> done = new CopyOnWriteArrayList<>();
            q.registerBatched(kind, jobs -> {
                sizes.add(jobs.size());
                jobs.forEach(j -> done.add(j.id()));
            }, FAST, 8, Duration.ofMillis(500));
            await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 20);
            assertThat(sizes).containsExactly(8, 8, 4);
            assertThat(done).doesNotHaveDuplicates();
            await().atMost(Duration.ofSeconds(10)).until(() -> q.depth(kind).equals(new JobQueue.Depth(0, 0)));
        }
    }
}
