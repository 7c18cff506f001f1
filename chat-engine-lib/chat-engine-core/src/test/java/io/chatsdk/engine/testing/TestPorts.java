package io.chatsdk.engine.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/** Ports for servers that tests start as separate processes (appliance nodes, cluster members, brokers). */
public final class TestPorts {
    private static final RandomGenerator RANDOM = new SecureRandom();
    /** Every port handed out in this JVM: free when checked, but not yet bound by whoever asked for it. */
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    private TestPorts() {
    }

    /**
     * A free port below Linux's ephemeral range (32768 and up). A port from that range, as {@code new ServerSocket(0)}
     * gives, can be taken as the local end of an outgoing connection (a pool's, a client's, a proxy's) in the seconds
     * before a process listens on it, or while a node restarts; that process then cannot bind it, and its start fails.
     * A port is never handed out twice in one JVM: a test that asks for several ports before starting anything would
     * otherwise get the same one twice, free each time it was checked (two cluster members once did, and the second
     * could not start).
     */
    public static int free() throws IOException {
        for (int i = 0; i < 200; i++) {
            int port = 20_000 + RANDOM.nextInt(12_000);
            if (!GIVEN.add(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket(port)) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port between 20000 and 32000");
    }
}
