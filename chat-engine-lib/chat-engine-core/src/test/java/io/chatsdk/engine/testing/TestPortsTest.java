package io.chatsdk.engine.testing;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Ports asked for one after another, none bound yet, are all different (AnsibleClusterIT once got one port twice). */
class TestPortsTest {
    @Test
    void portsAskedForBeforeAnyIsBoundAreAllDifferent() throws Exception {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            int port = TestPorts.free();
            assertThat(port).isBetween(20_000, 31_999);
            assertThat(ports.add(port)).as("port %d handed out twice", port).isTrue();
        }
    }
}
