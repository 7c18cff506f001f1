package io.chatsdk.appliance;

import io.chatsdk.connectors.artemis.ArtemisBroker;
import io.chatsdk.connectors.artemis.ArtemisEventBus;
import io.chatsdk.connectors.hazelcast.HazelcastPresenceRegistry;
import io.chatsdk.connectors.hazelcast.HazelcastRateLimits;
import io.chatsdk.connectors.hazelcast.HazelcastTypingRegistry;
import io.chatsdk.engine.ChatEngine;
import io.chatsdk.engine.spi.EventBus;
import io.chatsdk.engine.spi.InProcessEventBus;
import io.chatsdk.engine.spi.InMemoryPresenceRegistry;
import io.chatsdk.engine.spi.PresenceRegistry;
import io.chatsdk.engine.spi.TypingRegistry;
import io.chatsdk.engine.spi.AesGcmKeyProvider;
import io.chatsdk.engine.spi.KeyProvider;
import io.chatsdk.engine.spi.Pkcs12KeyProvider;
import io.chatsdk.jakarta.ChatApiSettings;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.List;

/** Wires the engine and the API settings from the appliance's configuration. */
@ApplicationScoped
public class EngineProducer {
    private static final System.Logger LOG = System.getLogger(EngineProducer.class.getName());
    /** Logged at start by a node whose events stay in its JVM ({@link ApplianceConfig#singleNode()}). */
    static final String EVENTS_IN_JVM = "events stay in this JVM: one node, no broker acceptor (the embedded broker carries the durable jobs)";

    @Inject
    ApplianceConfig config;

    @Inject
    Database database;

    // ChatEngine and ChatApiSettings are final, so they cannot be proxied: @Singleton, not @ApplicationScoped.
    private ArtemisBroker broker;
    private String brokerUrl;
    private io.chatsdk.connectors.artemis.ArtemisJobQueue jobs;
    private io.chatsdk.connectors.http.SafeEgress egress;
    private FcmGateways pushGateways;

    /**
     * The event bus between nodes: an external Artemis broker when {@code CHATSDK_ARTEMIS_URL} is set, otherwise an
     * embedded broker with its journal under the data directory. A single node ({@link ApplianceConfig#singleNode()})
     * starts the embedded broker for its durable jobs only, and hands its events to its own subscribers in the JVM: no
     * other node can reach its broker, so a round trip through it would only bring the events back.
     */
    @Produces
    @Singleton
    EventBus eventBus() {
        return StartFailure.guard("the broker and the event bus", this::connectBus);
    }

    private EventBus connectBus() {
        String url = config.artemisUrl().orElse(null);
        if (url == null) {
            broker = ArtemisBroker.start(config.dataDir().resolve("artemis"), config.artemisAcceptor(), config.artemisLogin());
            url = ArtemisBroker.IN_VM;
        }
        brokerUrl = url;
        if (config.singleNode()) {
            LOG.log(System.Logger.Level.INFO, EVENTS_IN_JVM);
            return new InProcessEventBus();
        }
        return ArtemisEventBus.connect(url, "chatsdk.events", config.artemisLogin());
    }

    void closeBus(@Disposes EventBus bus) {
        bus.close();
        if (broker != null) {
            broker.close();
        }
    }

    /** Presence across nodes on Hazelcast when {@code CHATSDK_CLUSTER_MEMBERS} is set; in memory for one node. */
    @Produces
    @Singleton
    PresenceRegistry presence() {
        return StartFailure.guard("the cluster member", this::joinCluster);
    }

    private PresenceRegistry joinCluster() {
        List<String> members = config.clusterMembers();
        if (members.isEmpty()) {
            return new InMemoryPresenceRegistry();
        }
        return HazelcastPresenceRegistry.start(HazelcastPresenceRegistry.clusterName(config.clusterName(), config.clusterSecret()),
                config.clusterHost(), config.clusterPort(), members);
    }

    void closePresence(@Disposes PresenceRegistry presence) {
        presence.close();
    }

    /** Typing state shared by the cluster through Hazelcast; null (the API layer keeps it in memory) for one node. */
    @Produces
    TypingRegistry typing(PresenceRegistry presence) {
        return presence instanceof HazelcastPresenceRegistry hz ? new HazelcastTypingRegistry(hz.instance()) : null;
    }

    /** Rate-limit buckets shared by the cluster's nodes through Hazelcast; none (per-node buckets) for one node. */
    @Produces
    ProxyManager<String> rateLimitStore(PresenceRegistry presence) {
        return presence instanceof HazelcastPresenceRegistry hz ? HazelcastRateLimits.proxyManager(hz.instance()) : null;
    }

    @Produces
    @Singleton
    ChatEngine engine(EventBus eventBus, PresenceRegistry presence) {
        return StartFailure.guard("the engine", () -> buildEngine(eventBus, presence));
    }

    private ChatEngine buildEngine(EventBus eventBus, PresenceRegistry presence) {
        pushGateways = new FcmGateways(config.fcmCredentialsDir(), config.fcmEndpoint().orElse(null), java.time.Clock.systemUTC());
        ChatEngine.Builder b = ChatEngine.builder()
                .dataSource(database.dataSource())
                .keyProvider(config.masterKey().<KeyProvider>map(AesGcmKeyProvider::fromBase64)
                        .orElseGet(() -> keystore()))
                .auditSigner(AuditKeys.signer(config.auditSigningKey()))
                .checkpointInterval(config.auditCheckpointInterval())
                .retentionInterval(config.retentionInterval())
                .tokenStateTtl(config.tokenStateTtl())
                .groupCommitLimit(config.groupCommitLimit())
                .officerIdleTimeout(config.consoleIdleTimeout())
                .eventBus(eventBus)
                .jobQueue(jobs = io.chatsdk.connectors.artemis.ArtemisJobQueue.connect(brokerUrl, config.jobWorkers(), config.artemisLogin()))
                .presence(presence)
                .pushGateways(pushGateways)
                .httpSender(webhookSender())
                .blobStore(blobStore())
                .maxUploadBytes(config.maxUploadBytes())
                .syncReloadThreshold(config.syncReloadThreshold());
        config.meilisearchUrl().ifPresent(url -> b.searchEngine(new io.chatsdk.connectors.meilisearch.MeilisearchEngine(url,
                config.meilisearchApiKey().orElse(null))));
        config.qdrantHost().ifPresent(host -> b.searchEngine(new io.chatsdk.connectors.qdrant.QdrantEngine(host, config.qdrantPort(), config.qdrantTls(),
                config.qdrantApiKey().orElse(null))));
        switch (config.aiModel()) {
            case LOCAL -> b.embedder(new io.chatsdk.connectors.embeddings.LocalEmbedder());   // loads on first use: only apps with AI on pay for it
            case OPENAI_COMPATIBLE -> b.embedder(new io.chatsdk.connectors.embeddings.OpenAiCompatibleEmbedder(config.aiModelUrl().orElseThrow(),
                    config.aiModelName().orElseThrow(), config.aiModelApiKey().orElse(null), modelSender(config.aiModelUrl().orElseThrow())));
            case NONE -> { }
        }
        if (database.ownerDataSource() != null) {
            b.migrationDataSource(database.ownerDataSource());
        }
        if (database.runtimeRole() != null) {
            b.runtimeRole(database.runtimeRole());
        }
        ChatEngine built = b.build();
        selfHolder.set(built);
        // keys an operator uploaded (the console's push credentials) come before files in the credentials directory
        pushGateways.useStoredCredentials(app -> built.app(app).pushCredentials());
        return built;
    }

    /**
     * Files in the S3-compatible bucket {@code CHATSDK_S3_BUCKET} names, or else in {@code CHATSDK_FILES_DIR} (default
     * {@code data/files}); sealed before they get to either.
     */
    private io.chatsdk.engine.spi.BlobStore blobStore() {
        if (config.s3Bucket().isPresent()) {
            var b = io.chatsdk.connectors.s3.S3BlobStore.builder().bucket(config.s3Bucket().get()).region(config.s3Region())
                    .pathStyle(config.s3PathStyle());
            config.s3Endpoint().ifPresent(b::endpoint);
            config.s3Credentials().ifPresent(c -> b.credentials(c[0], c[1]));
            return b.build();
        }
        try {
            return new io.chatsdk.engine.spi.FileSystemBlobStore(config.filesDir());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the files directory " + config.filesDir() + " cannot be used: " + e.getMessage(), e);
        }
    }

    /**
     * The keystore, made on first start when the database holds no apps yet. A database that already has apps was set up
     * with some keystore: a missing file then is a configuration error (a node without the shared keystore), not a
     * reason to make new keys that the other nodes could not read.
     */
    private KeyProvider keystore() {
        if (!java.nio.file.Files.exists(config.keystore()) && databaseHasApps()) {
            throw new IllegalStateException("the keystore " + config.keystore() + " does not exist, but the database already has apps: "
                    + "every node needs the keystore their keys were wrapped with (CHATSDK_KEYSTORE, CHATSDK_KEYSTORE_PASSWORD)");
        }
        return Pkcs12KeyProvider.open(config.keystore(), config.keystorePassword());
    }

    private boolean databaseHasApps() {
        try (var c = database.dataSource().getConnection(); var st = c.createStatement();
             var rs = st.executeQuery("select exists (select 1 from app)")) {
            return rs.next() && rs.getBoolean(1);
        } catch (java.sql.SQLException e) {
            return false;   // no schema yet: a fresh database
        }
    }

    /**
     * Webhooks leave through the SSRF-guarded egress client: internal addresses are refused unless listed in
     * {@code CHATSDK_EGRESS_ALLOWLIST}, and each refusal is written to the operator chain of the audit log.
     */
    private io.chatsdk.engine.spi.HttpSender webhookSender() {
        io.chatsdk.connectors.http.EgressPolicy.Builder policy = io.chatsdk.connectors.http.EgressPolicy.builder();
        config.egressAllowlist().forEach(policy::allow);
        egress = guarded(policy.build());
        return sender(egress);
    }

    /**
     * The model server's own egress client: the SSRF guard lets through only the configured server's host and port
     * (the operator named it; webhooks cannot reach it unless it is in {@code CHATSDK_EGRESS_ALLOWLIST} too), follows no
     * redirect (one would carry message text elsewhere), waits up to 30 s for an answer and keeps up to 4 MiB of it (a
     * vector of thousands of dimensions in JSON).
     */
    private io.chatsdk.engine.spi.HttpSender modelSender(java.net.URI server) {
        modelEgress = guarded(io.chatsdk.connectors.http.EgressPolicy.builder().allowOrigin(server).maxRedirects(0)
                .responseTimeout(java.time.Duration.ofSeconds(30)).maxResponseBytes(4 << 20).build());
        return sender(modelEgress);
    }

    /** An egress client whose refusals are written to the operator chain of the audit log. */
    private io.chatsdk.connectors.http.SafeEgress guarded(io.chatsdk.connectors.http.EgressPolicy policy) {
        return io.chatsdk.connectors.http.SafeEgress.builder().policy(policy).listener((url, reason) -> {
            ChatEngine e = selfHolder.get();
            if (e != null) {
                e.audit().recordLater(new io.chatsdk.engine.audit.AuditEntry(null, "system", "egress", null, "egress.refused", "url",
                        url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()), null, null, false, reason,
                        java.util.Map.of()));
            }
        }).build();
    }

    private static io.chatsdk.engine.spi.HttpSender sender(io.chatsdk.connectors.http.SafeEgress through) {
        return (url, headers, body) -> {
            io.chatsdk.connectors.http.EgressResponse r = through.post(url, headers, body);
            return new io.chatsdk.engine.spi.HttpSender.Response(r.status(), r.bodyPrefix());
        };
    }

    private final java.util.concurrent.atomic.AtomicReference<ChatEngine> selfHolder = new java.util.concurrent.atomic.AtomicReference<>();
    private io.chatsdk.connectors.http.SafeEgress modelEgress;

    void close(@Disposes ChatEngine engine) {
        engine.close();
        if (jobs != null) {
            jobs.close();
        }
        if (egress != null) {
            egress.close();
        }
        if (modelEgress != null) {
            modelEgress.close();
        }
        if (pushGateways != null) {
            pushGateways.close();
        }
    }

    @Produces
    @Singleton
    ChatApiSettings settings() {
        return config.apiSettings();
    }
}
