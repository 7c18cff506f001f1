package io.chatsdk.connectors.artemis;

import io.chatsdk.engine.spi.Job;
import io.chatsdk.engine.spi.JobQueue;
import io.chatsdk.engine.spi.JobQueueContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The JobQueue contract on a real embedded Artemis broker over TCP, plus durability across a broker restart. */
class ArtemisJobQueueIT extends JobQueueContract {
    static Path dir;
    static ArtemisBroker broker;
    static String url;

    @BeforeAll
    static void start() throws Exception {
        url = ArtemisSecurityIT.freeTcpUrl();
        dir = Files.createTempDirectory(Path.of("target"), "artemis-jobs-");
        broker = ArtemisBroker.start(dir, url, ArtemisSecurityIT.LOGIN);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Override
    protected JobQueue newQueue() {
        return ArtemisJobQueue.connect(url, 1, ArtemisSecurityIT.LOGIN);
    }

    @Test
    void queuedJobsSurviveABrokerRestart() {
        String kind = kind();
        try (JobQueue q = newQueue()) {
            q.submit(new Job(kind, "kept-1", "{\"n\":1}"));
            q.submit(new Job(kind, "kept-2", "{\"n\":2}"));
        }
        broker.close();
        broker = ArtemisBroker.start(dir, url, ArtemisSecurityIT.LOGIN);
        try (JobQueue q = newQueue()) {
            List<String> seen = new CopyOnWriteArrayList<>();
            q.register(kind, (job, attempt) -> seen.add(job.id() + " " + job.payload()), FAST);
            await().atMost(Duration.ofSeconds(15)).until(() -> seen.size() == 2);
            assertThat(seen).containsExactlyInAnyOrder("kept-1 {\"n\":1}", "kept-2 {\"n\":2}");
        }
    }

    @Test
    void aBatchedWorkerGoesOnAfterTheBrokerRestarts() {
        String kind = kind();
        try (JobQueue q = newQueue()) {
            List<String> done = new CopyOnWriteArrayList<>();
            q.registerBatched(kind, jobs -> jobs.forEach(j -> done.add(j.id())), FAST, 10, Duration.ofMillis(50));
            q.submit(new Job(kind, "before", "{}"));
            await().atMost(Duration.ofSeconds(10)).until(() -> done.contains("before") && q.depth(kind).pending() == 0);   // and committed
            broker.close();
            broker = ArtemisBroker.start(dir, url, ArtemisSecurityIT.LOGIN);
            // the producer's session reconnects too; a submit during that fails, and is tried again
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                q.submit(new Job(kind, "after", "{}"));
                return true;
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> done.contains("after"));
            assertThat(done).containsExactly("before", "after");
        }
    }

    @Test
    void aBrokerThatLostItsQueuesGetsThemAgainFromTheNextSubmit() throws Exception {
        String kind = kind();
        try (JobQueue q = newQueue()) {
            q.submit(new Job(kind, "first", "{}"));   // the kind's queues made sure of, and remembered
            assertThat(q.depth(kind).pending()).isEqualTo(1);
            Path empty = Files.createTempDirectory(Path.of("target"), "artemis-jobs-empty-");
            try {
                broker.close();
                broker = ArtemisBroker.start(empty, url, ArtemisSecurityIT.LOGIN);   // no queue of the kind any more
                // the producer's session reconnects; a submit during that fails, and is tried again
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                    q.submit(new Job(kind, "after", "{}"));
                    return true;
                });
                try (JobQueue fresh = newQueue()) {
                    List<String> seen = new CopyOnWriteArrayList<>();
                    fresh.register(kind, (job, attempt) -> seen.add(job.id()), FAST);
                    await().atMost(Duration.ofSeconds(15)).until(() -> seen.contains("after"));
                    assertThat(seen).containsExactly("after");
                }
            } finally {
                try {
                    broker.close();
                } finally {
                    broker = ArtemisBroker.start(dir, url, ArtemisSecurityIT.LOGIN);   // the other tests' broker again
                    try (var files = Files.walk(empty)) {
                        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                    }
                }
            }
        }
    }

    @Test
    void aMessageThatIsNotAJobIsDeadLetteredAndTheJobsBehindItAreDone() throws Exception {
        String kind = kind();
        try (JobQueue q = newQueue()) {
            q.submit(new Job(kind, "first", "{}"));   // creates the kind's queues
            // a message some other producer put on the kind's queue: no job id, no body
            try (var locator = org.apache.activemq.artemis.api.core.client.ActiveMQClient.createServerLocator(url);
                 var factory = locator.createSessionFactory();
                 var session = factory.createSession(ArtemisSecurityIT.LOGIN.user(), ArtemisSecurityIT.LOGIN.password(), false, true, true, false, 0);
                 var producer = session.createProducer("chatsdk.jobs." + kind)) {
                producer.send(session.createMessage(true));
            }
            q.submit(new Job(kind, "behind", "{}"));
            List<String> done = new CopyOnWriteArrayList<>();
            q.registerBatched(kind, jobs -> jobs.forEach(j -> done.add(j.id())), FAST, 10, Duration.ofMillis(200));
            await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 2 && q.depth(kind).equals(new JobQueue.Depth(0, 1)));
            assertThat(done).containsExactly("first", "behind");
            assertThat(q.deadJobs(kind, 10)).singleElement().satisfies(d -> assertThat(d.job().id()).startsWith("unreadable-"));
        }
    }

    /** A queue with {@code workers} whose handler for job "slow" waits for {@code release}; done jobs go to {@code done}. */
    static JobQueue withASlowJob(int workers, String kind, java.util.concurrent.CountDownLatch release, List<String> done) {
        JobQueue q = ArtemisJobQueue.connect(url, workers, ArtemisSecurityIT.LOGIN);
        q.register(kind, (job, attempt) -> {
            if (job.id().equals("slow")) {
                release.await();   // an endpoint that does not answer
            }
            done.add(job.id());
        }, FAST);
        q.submit(new Job(kind, "slow", "{}"));
        return q;
    }

    @Test
    void aSlowJobHoldsUpOnlyItsOwnWorker() throws Exception {
        String kind = kind();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<String> done = new CopyOnWriteArrayList<>();
        try (JobQueue q = withASlowJob(4, kind, release, done)) {
            for (int i = 0; i < 20; i++) {
                q.submit(new Job(kind, "quick-" + i, "{}"));
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> done.size() == 20);
            assertThat(done).doesNotContain("slow");
            release.countDown();
            await().atMost(Duration.ofSeconds(15)).until(() -> done.contains("slow"));
        }
    }

    @Test
    void withOneWorkerASlowJobHoldsUpTheKind() throws Exception {
        // the baseline of the test above: it shows that test can fail
        String kind = kind();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<String> done = new CopyOnWriteArrayList<>();
        try (JobQueue q = withASlowJob(1, kind, release, done)) {
            q.submit(new Job(kind, "quick", "{}"));
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(done::isEmpty);
            release.countDown();
            await().atMost(Duration.ofSeconds(15)).until(() -> done.size() == 2);
            assertThat(done).containsExactly("slow", "quick");
        }
    }

    @Test
    void workersMustBeBetweenOneAnd64() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ArtemisJobQueue.connect(url, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workers");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ArtemisJobQueue.connect(url, 65))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workers");
    }
}
