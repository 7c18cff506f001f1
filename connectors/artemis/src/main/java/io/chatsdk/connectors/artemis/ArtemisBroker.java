package io.chatsdk.connectors.artemis;

import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

import java.nio.file.Path;

/**
 * An embedded Artemis broker for the single-node default: journal, bindings and paging under {@code dataDir}, an
 * in-VM acceptor ({@code vm://0}) and, when {@code tcpUrl} is given (for example {@code tcp://127.0.0.1:61616}), a
 * TCP acceptor for other nodes.
 *
 * <p>Security is on: the broker knows one user, the {@link BrokerLogin} it is started with, whose role
 * {@value #ROLE} may send, consume, browse and create addresses and queues (not manage the broker or delete durable
 * queues). Anyone else, anonymous included, is refused. For TLS, give the acceptor URL Artemis's TLS parameters, e.g.
 * {@code tcp://0.0.0.0:61617?sslEnabled=true&keyStorePath=/etc/chatsdk/broker.p12&keyStorePassword=...} (add
 * {@code needClientAuth=true&trustStorePath=...} for mutual TLS); nodes then connect with
 * {@code tcp://host:61617?sslEnabled=true&trustStorePath=...&trustStorePassword=...}.
 */
public final class ArtemisBroker implements AutoCloseable {
    public static final String IN_VM = "vm://0";
    /** The role of the appliance's broker user. */
    public static final String ROLE = "chatsdk-node";
    /** Free disk, in bytes, below which the broker blocks producers. */
    static final long MIN_DISK_FREE = 1L << 30;

    private final EmbeddedActiveMQ server;

    private ArtemisBroker(EmbeddedActiveMQ server) {
        this.server = server;
    }

    /** Starts the broker; {@code login} is the one user it accepts. */
    public static ArtemisBroker start(Path dataDir, String tcpUrl, BrokerLogin login) {
        return start(dataDir, tcpUrl, login, MIN_DISK_FREE);
    }

    /** As {@link #start(Path, String, BrokerLogin)}, blocking producers below {@code minDiskFree} bytes of free disk. */
    static ArtemisBroker start(Path dataDir, String tcpUrl, BrokerLogin login, long minDiskFree) {
        if (login.user() == null) {
            throw new IllegalArgumentException("the embedded broker needs a user and password for its clients");
        }
        try {
            Configuration config = new ConfigurationImpl()
                    .setName("chatsdk")
                    .setPersistenceEnabled(true)
                    .setJournalType(JournalType.NIO)
                    .setJournalDirectory(dataDir.resolve("journal").toString())
                    .setBindingsDirectory(dataDir.resolve("bindings").toString())
                    .setPagingDirectory(dataDir.resolve("paging").toString())
                    .setLargeMessagesDirectory(dataDir.resolve("large-messages").toString())
                    // producers are blocked below 1 GiB of free disk, not at Artemis's default of 90 % used: on a large
                    // disk that blocked every event with tens of GB free, and an appliance's start waited on it
                    .setMinDiskFree(minDiskFree)
                    .setSecurityEnabled(true)
                    // send, consume, createDurableQueue, deleteDurableQueue, createNonDurableQueue, deleteNonDurableQueue,
                    // manage, browse, createAddress, deleteAddress, view, edit
                    .putSecurityRoles("#", java.util.Set.of(new Role(ROLE, true, true, true, false, true, true, false, true, true, false, false, false)))
                    .setJMXManagementEnabled(false)
                    .addAcceptorConfiguration("in-vm", IN_VM)
                    .addAddressSetting("#", new AddressSettings().setAutoCreateAddresses(true).setAutoCreateQueues(true));
            if (tcpUrl != null && !tcpUrl.isBlank()) {
                config.addAcceptorConfiguration("tcp", tcpUrl);
            }
            SecurityConfiguration users = new SecurityConfiguration();
            users.addUser(login.user(), login.password());
            users.addRole(login.user(), ROLE);
            EmbeddedActiveMQ server = new EmbeddedActiveMQ().setConfiguration(config)
                    .setSecurityManager(new ActiveMQJAASSecurityManager(InVMLoginModule.class.getName(), users));
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
