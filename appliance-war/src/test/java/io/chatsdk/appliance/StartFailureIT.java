package io.chatsdk.appliance;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An appliance that cannot start ends its process with status 3, so that a supervisor (systemd's
 * {@code Restart=on-failure}) sees the failure, instead of running on without the application and answering
 * {@code /health/ready} with DOWN forever.
 */
class StartFailureIT {

    @Test
    void aClusterPortThatIsTakenEndsTheProcessWithStatus3() throws Exception {
        try (ServerSocket taken = new ServerSocket(TestAppliance.freePort(), 50, InetAddress.getLoopbackAddress())) {
            String member = "127.0.0.1:" + taken.getLocalPort();
            TestAppliance node = TestAppliance.start(Map.of(
                    "CHATSDK_OPERATOR_TOKEN", TestAppliance.OPERATOR_TOKEN,
                    "CHATSDK_CLUSTER_MEMBERS", member,
                    "CHATSDK_CLUSTER_PORT", String.valueOf(taken.getLocalPort()),
                    "CHATSDK_CLUSTER_SECRET", "start-failure-it-secret-0123456789",
                    "CHATSDK_DEMO", "false"));
            try {
                assertThat(node.awaitExit(Duration.ofSeconds(180))).isEqualTo(StartFailure.EXIT_STATUS);
            } finally {
                node.stop();
            }
            assertThat(Files.readString(node.log)).contains("ChatSDK cannot start: the cluster member failed")
                    .contains("the process exits with status 3")
                    .doesNotContain("start-failure-it-secret");
        }
    }

    /**
     * A bad setting ends the start with its name in the log, whether the engine reads it (the group commit limit) or the
     * HTTP layer does (local delivery, which until 2026-12-06 was read at the first request and failed every request).
     */
    @Test
    void aBadSettingEndsTheProcessAndNamesIt() throws Exception {
        for (Map.Entry<String, String> bad : java.util.List.of(Map.entry("CHATSDK_GROUP_COMMIT_LIMIT", "0"), Map.entry("CHATSDK_LOCAL_DELIVERY", "maybe"))) {
            TestAppliance node = TestAppliance.start(Map.of(
                    "CHATSDK_OPERATOR_TOKEN", TestAppliance.OPERATOR_TOKEN,
                    "CHATSDK_DEMO", "false",
                    bad.getKey(), bad.getValue()));
            try {
                assertThat(node.awaitExit(Duration.ofSeconds(180))).as(bad.getKey()).isEqualTo(StartFailure.EXIT_STATUS);
            } finally {
                node.stop();
            }
            assertThat(Files.readString(node.log)).contains("ChatSDK cannot start:").contains(bad.getKey() + " must be");
            // the embedded PostgreSQL it had started is stopped with it
            java.nio.file.Path pid = node.dataDir.resolve("postgres").resolve("postmaster.pid");
            if (Files.exists(pid)) {
                long postmaster = Long.parseLong(Files.readAllLines(pid).get(0).strip());
                assertThat(ProcessHandle.of(postmaster).filter(ProcessHandle::isAlive)).as("postmaster after " + bad.getKey()).isEmpty();
            }
        }
    }
}
