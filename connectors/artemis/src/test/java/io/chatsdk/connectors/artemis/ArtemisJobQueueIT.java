package io.chatsdk.connectors.artemis;

import io.chatsdk.engine.spi.Job;
import io.chatsdk.engine.spi.JobQueue;
import io.chatsdk.engine.spi.JobQueueContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
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
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        url = "tcp://127.0.0.1:" + port;
        dir = Files.createTempDirectory(Path.of("target"), "artemis-jobs-");
        broker = ArtemisBroker.start(dir, url);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Override
    protected JobQueue newQueue() {
        return ArtemisJobQueue.connect(url);
    }

    @Test
    void queuedJobsSurviveABrokerRestart() {
        String kind = kind();
        try (JobQueue q = newQueue()) {
            q.submit(new Job(kind, "kept-1", "{\"n\":1}"));
            q.submit(new Job(kind, "kept-2", "{\"n\":2}"));
        }
        broker.close();
        broker = ArtemisBroker.start(dir, url);
        try (JobQueue q = newQueue()) {
            List<String> seen = new CopyOnWriteArrayList<>();
            q.register(kind, (job, attempt) -> seen.add(job.id() + " " + job.payload()), FAST);
            await().atMost(Duration.ofSeconds(15)).until(() -> seen.size() == 2);
            assertThat(seen).containsExactlyInAnyOrder("kept-1 {\"n\":1}", "kept-2 {\"n\":2}");
        }
    }
}
