package io.chatsdk.connectors.artemis;

import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

import java.nio.file.Path;

/**
 * An embedded Artemis broker for the single-node default: journal, bindings and paging under {@code dataDir}, an
 * in-VM acceptor ({@code vm://0}) and, when {@code tcpUrl} is given (for example {@code tcp://127.0.0.1:61616}), a
 * TCP acceptor for other nodes. Security is off, so bind TCP to loopback or a private network only.
 */
public final class ArtemisBroker implements AutoCloseable {
    public static final String IN_VM = "vm://0";

    private final EmbeddedActiveMQ server;

    private ArtemisBroker(EmbeddedActiveMQ server) {
        this.server = server;
    }

    public static ArtemisBroker start(Path dataDir, String tcpUrl) {
        try {
            Configuration config = new ConfigurationImpl()
                    .setName("chatsdk")
                    .setPersistenceEnabled(true)
                    .setJournalType(JournalType.NIO)
                    .setJournalDirectory(dataDir.resolve("journal").toString())
                    .setBindingsDirectory(dataDir.resolve("bindings").toString())
                    .setPagingDirectory(dataDir.resolve("paging").toString())
                    .setLargeMessagesDirectory(dataDir.resolve("large-messages").toString())
                    .setSecurityEnabled(false)
                    .setJMXManagementEnabled(false)
                    .addAcceptorConfiguration("in-vm", IN_VM)
                    .addAddressSetting("#", new AddressSettings().setAutoCreateAddresses(true).setAutoCreateQueues(true));
            if (tcpUrl != null && !tcpUrl.isBlank()) {
                config.addAcceptorConfiguration("tcp", tcpUrl);
            }
            EmbeddedActiveMQ server = new EmbeddedActiveMQ().setConfiguration(config);
            server.start();
            return new ArtemisBroker(server);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the embedded Artemis broker in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the embedded Artemis broker did not stop cleanly", e);
        }
    }
}
