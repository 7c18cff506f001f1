package io.chatsdk.appliance;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reliability scenario 3: PostgreSQL stops abruptly (SIGQUIT to the postmaster, which is what
 * {@code pg_ctl stop -m immediate} sends) and comes back. During the
 * outage the API answers 503 with {@code Retry-After} (never a 500); afterwards the appliance serves again without a
 * restart, and every acknowledged message is stored once, with no gap.
 */
class DatabaseOutageIT {

    @Test
    void theApplianceRidesOutADatabaseCrash() throws Exception {
        Path base = Files.createDirectories(Path.of("target", "it-outage").toAbsolutePath());
        Path data = Files.createTempDirectory(base, "pg-");
        int pgPort = TestAppliance.freePort();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        EmbeddedPostgres pg = durable(data, pgPort);
        TestAppliance node = TestAppliance.start(Map.of(
                "CHATSDK_JDBC_URL", pg.getJdbcUrl("postgres", "postgres"),
                "CHATSDK_MASTER_KEY", Base64.getEncoder().encodeToString(key),
                "CHATSDK_OPERATOR_TOKEN", TestAppliance.OPERATOR_TOKEN,
                "CHATSDK_DEMO", "false",
                "CHATSDK_RATE_LIMIT_ENABLED", "false"));
        try {
            node.awaitReady(Duration.ofSeconds(180));
            Api api = Api.newApp(node, "outage");
            api.users("writer", "reader");
            api.as("writer", "POST", "/channels/messaging/log/query", Map.of("data", Map.of("members", List.of("writer", "reader"))));
            List<Long> acknowledged = new ArrayList<>();
            acknowledged.add(send(api, "before-0").seq);
            WsClient reader = WsClient.connect(node, api.apiKey, api.userToken("reader"));
            reader.await("health.check", 10);

            // pg_ctl stop -m immediate sends the postmaster SIGQUIT; pg_ctl refuses to run as root, so send it directly
            long postmaster = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip());
            assertThat(new ProcessBuilder("kill", "-QUIT", String.valueOf(postmaster)).inheritIO().start().waitFor()).isZero();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> ProcessHandle.of(postmaster).map(ph -> !ph.isAlive()).orElse(true));
            long down = System.nanoTime();

            // during the outage: 503 with Retry-After, never a 500
            Sent during = send(api, "during-0");
            assertThat(during.status).as(during.raw).isEqualTo(503);
            assertThat(during.retryAfter).isNotNull();
            assertThat(during.code).isEqualTo("unavailable");
            assertThat(Api.send(node, "GET", "/health/ready", null, null, Map.of()).status()).isEqualTo(503);
            // WebSocket clients are told to retry
            assertThat(reader.await("connection.error", 15).get("error")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                    .containsEntry("code", "unavailable").containsKey("retry_after");

            pg.close(); // releases zonky's lock on the data directory; the server is already gone
            EmbeddedPostgres again = durable(data, pgPort);
            long up = System.nanoTime();
            try {
                // the client retries the same client id until it is accepted, as an SDK would
                Sent retried;
                long start = System.nanoTime();
                do {
                    retried = send(api, "during-0");
                    assertThat(retried.status).as(retried.raw).isIn(201, 503);
                    if (retried.status == 503) {
                        Thread.sleep(250);
                    }
                } while (retried.status != 201 && System.nanoTime() - start < Duration.ofSeconds(60).toNanos());
                assertThat(retried.status).isEqualTo(201);
                reader.await("connection.recovered", 15);
                reader.close();
                double recovered = (System.nanoTime() - down) / 1e9;
                double afterUp = (System.nanoTime() - up) / 1e9;
                acknowledged.add(retried.seq);
                for (int i = 0; i < 5; i++) {
                    acknowledged.add(send(api, "after-" + i).seq);
                }
                Api.Res stored = api.as("reader", "GET", "/channels/messaging/log/messages?seq_gt=0&limit=100", null);
                List<Long> seqs = stored.list("messages").stream().map(m -> ((Number) m.get("seq")).longValue()).toList();
                assertThat(seqs).containsExactlyElementsOf(acknowledged);
                assertThat(seqs).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
                // the sends refused during the outage are in the audit log: their records waited for the database
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                        assertThat(Api.operator(node, "GET", "/admin/api/apps/" + api.appId + "/compliance/audit?action=channels.send&limit=1000", null)
                                .list("records")).anySatisfy(r -> assertThat(r).containsEntry("outcome", "failure").containsEntry("reason", "unavailable")));
                System.out.printf("scenario 3: writes accepted again %.1f s after PostgreSQL was back (%.1f s after the crash, "
                        + "including the outage checks and the restart); 0 lost, 0 duplicated, 0 gaps%n", afterUp, recovered);
            } finally {
                node.stop();
                again.close();
            }
        } finally {
            node.stop();
        }
    }

    /** As in production: a crash may lose nothing that was acknowledged (zonky's test defaults turn both off). */
    private static EmbeddedPostgres durable(Path data, int port) throws java.io.IOException {
        return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port)
                .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on").start();
    }

    private record Sent(int status, long seq, String code, String retryAfter, String raw) {
    }

    private static Sent send(Api api, String clientId) throws Exception {
        Api.Res r = api.as("writer", "POST", "/channels/messaging/log/message", Map.of("message", Map.of("id", clientId, "text", clientId)));
        long seq = r.status() == 201 ? ((Number) r.obj("message").get("seq")).longValue() : -1;
        return new Sent(r.status(), seq, r.code(), r.header("Retry-After"), r.toString());
    }
}
