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
                assertThat(node.awaitExit(Duration.ofSeconds(120))).isEqualTo(StartFailure.EXIT_STATUS);
            } finally {
                node.stop();
            }
            assertThat(Files.readString(node.log)).contains("ChatSDK cannot start: the cluster member failed")
                    .contains("the process exits with status 3")
                    .doesNotContain("start-failure-it-secret");
        }
    }
}
