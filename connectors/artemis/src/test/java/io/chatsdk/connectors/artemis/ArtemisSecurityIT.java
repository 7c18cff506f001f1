package io.chatsdk.connectors.artemis;

import io.chatsdk.engine.spi.ChatEvent;
import io.chatsdk.engine.spi.EventBus;

import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Issue #14 item 7: the embedded broker lets in its one user and no one else, anonymous included, and serves TLS when
 * its acceptor URL asks for it.
 */
class ArtemisSecurityIT {
    /** The broker user of the connector tests. */
    static final BrokerLogin LOGIN = new BrokerLogin("chatsdk", "connector-test-password-0123");

    static String freeTcpUrl() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return "tcp://127.0.0.1:" + s.getLocalPort();
        }
    }

    static ChatEvent event(long id) {
        return new ChatEvent(id, io.chatsdk.engine.types.AppId.parse("00000000-0000-0000-0000-0000000000c1"), "message.new", "messaging:sec", id,
                java.time.Instant.now(), java.util.Map.of("type", "message.new"));
    }

    @Test
    void onlyTheBrokersUserGetsIn() throws Exception {
        String url = freeTcpUrl();
        try (ArtemisBroker broker = ArtemisBroker.start(Files.createTempDirectory(Path.of("target"), "artemis-sec-"), url, LOGIN)) {
            try (EventBus bus = ArtemisEventBus.connect(url, "chatsdk.test.sec", LOGIN)) {
                List<ChatEvent> got = new CopyOnWriteArrayList<>();
                bus.subscribe(got::add);
                bus.publish(event(1));
                await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
            }
            BrokerLogin wrong = new BrokerLogin("chatsdk", "not-the-password-0123456");
            assertThatThrownBy(() -> ArtemisEventBus.connect(url, "chatsdk.test.sec", wrong)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot connect").hasStackTraceContaining("ActiveMQSecurityException");
            assertThatThrownBy(() -> ArtemisEventBus.connect(url, "chatsdk.test.sec", BrokerLogin.NONE)).isInstanceOf(IllegalStateException.class)
                    .hasStackTraceContaining("ActiveMQSecurityException");
            assertThatThrownBy(() -> ArtemisJobQueue.connect(url, 1, new BrokerLogin("intruder", "whatever-password-0123"))).isInstanceOf(IllegalStateException.class)
                    .hasStackTraceContaining("ActiveMQSecurityException");
            // the in-VM acceptor asks too
            assertThatThrownBy(() -> ArtemisEventBus.connect(ArtemisBroker.IN_VM, "chatsdk.test.sec", BrokerLogin.NONE)).isInstanceOf(IllegalStateException.class);
        }
        assertThatThrownBy(() -> ArtemisBroker.start(Path.of("target"), url, BrokerLogin.NONE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BrokerLogin("chatsdk", "short")).isInstanceOf(IllegalArgumentException.class);
        assertThat(LOGIN.toString()).doesNotContain(LOGIN.password());
    }

    @Test
    void aTlsAcceptorServesTlsClientsOnly() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "artemis-tls-");
        Path keystore = dir.resolve("broker.p12");
        Path cert = dir.resolve("broker.cer");
        Path truststore = dir.resolve("trust.p12");
        String pass = "tls-test-password";
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", pass);
        keytool("-exportcert", "-alias", "broker", "-keystore", keystore.toString(), "-storepass", pass, "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "broker", "-file", cert.toString(), "-keystore", truststore.toString(),
                "-storetype", "PKCS12", "-storepass", pass);
        String plain = freeTcpUrl();
        String acceptor = plain + "?sslEnabled=true&keyStorePath=" + keystore + "&keyStorePassword=" + pass;
        String client = plain + "?sslEnabled=true&trustStorePath=" + truststore + "&trustStorePassword=" + pass;
        // an application server's own truststore in javax.net.ssl.trustStore (Payara sets one) must not replace the URL's
        Path other = dir.resolve("container-cacerts.p12");
        keytool("-genkeypair", "-alias", "other", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=other", "-validity", "2",
                "-keystore", other.toString(), "-storetype", "PKCS12", "-storepass", "container-pass");
        System.setProperty("javax.net.ssl.trustStore", other.toString());
        System.setProperty("javax.net.ssl.trustStorePassword", "container-pass");
        try (ArtemisBroker broker = ArtemisBroker.start(dir.resolve("data"), acceptor, LOGIN)) {
            try (EventBus bus = ArtemisEventBus.connect(client, "chatsdk.test.tls", LOGIN)) {
                List<ChatEvent> got = new CopyOnWriteArrayList<>();
                bus.subscribe(got::add);
                bus.publish(event(2));
                await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
            }
            // a client that does not speak TLS is not served, with the right password or not
            assertThatThrownBy(() -> ArtemisEventBus.connect(plain + "?callTimeout=3000", "chatsdk.test.tls", LOGIN))
                    .isInstanceOf(IllegalStateException.class);
            // a refusal names the broker, never the URL's passwords
            assertThatThrownBy(() -> ArtemisEventBus.connect(plain + "?sslEnabled=true&callTimeout=3000&trustStorePath=" + other
                    + "&trustStorePassword=container-pass", "chatsdk.test.tls", LOGIN))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("trustStorePassword=****").hasMessageNotContaining("container-pass");
        } finally {
            for (String p : List.of("javax.net.ssl.trustStore", "javax.net.ssl.trustStorePassword", "org.apache.activemq.ssl.trustStore",
                    "org.apache.activemq.ssl.trustStorePassword", "org.apache.activemq.ssl.trustStoreType")) {
                System.clearProperty(p);
            }
        }
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }
}
