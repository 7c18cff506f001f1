package io.chatsdk.engine;

import io.chatsdk.engine.apps.Apps;
import io.chatsdk.engine.audit.AuditLog;
import io.chatsdk.engine.audit.AuditSigner;
import io.chatsdk.engine.delivery.EndpointBreakers;
import io.chatsdk.engine.delivery.OutboxRelay;
import io.chatsdk.engine.delivery.Push;
import io.chatsdk.engine.delivery.Webhooks;
import io.chatsdk.engine.internal.BlocklistCache;
import io.chatsdk.engine.internal.ContentKeys;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.internal.Redactors;
import io.chatsdk.engine.messaging.BeforeSendHook;
import io.chatsdk.engine.persistence.Db;
import io.chatsdk.engine.spi.EventBus;
import io.chatsdk.engine.spi.IdGenerator;
import io.chatsdk.engine.spi.InProcessEventBus;
import io.chatsdk.engine.spi.KeyProvider;
import io.chatsdk.engine.types.Actor;
import io.chatsdk.engine.types.AppId;

import org.flywaydb.core.Flyway;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The chat engine: multi-tenant messaging on PostgreSQL, as a plain library.
 *
 * <pre>{@code
 * ChatEngine engine = ChatEngine.builder()
 *         .dataSource(dataSource)                       // a pooled PostgreSQL DataSource; the engine does not close it
 *         .keyProvider(KeyProvider.aesGcm(masterKey))   // wraps app API secrets at rest
 *         .build();                                     // runs the schema migrations unless told not to
 * AppCredentials creds = engine.apps().create("acme");
 * AppHandle app = engine.app(creds.appId());
 * }</pre>
 *
 * <p>Thread-safe. One engine per database per JVM is the intended use; close it on shutdown to stop its outbox relay.
 * Several engines (appliance nodes) may share one database.
 */
public final class ChatEngine implements AutoCloseable {
    /** The most channel member ids one node remembers in all (see {@link Builder#memberListLimit}). */
    public static final long MEMBER_IDS_REMEMBERED = 250_000;
    final EngineContext ctx;
    private final EventBus eventBus;
    private final OutboxRelay relay;
    /** What the relay hands each published event to (webhook, push and search jobs, and the embedder's). */
    private final java.util.List<io.chatsdk.engine.spi.OutboxConsumer> outboxConsumers;
    private final int syncReloadThreshold;
    private final Maintenance maintenance;
    private final io.chatsdk.engine.spi.JobQueue jobs;
    final io.chatsdk.engine.search.SearchIndex searchIndex;
    private final boolean ownsJobs;
    /** Where files are kept; null when the engine has none (uploads are refused). */
    final io.chatsdk.engine.spi.BlobStore blobStore;
    private final Duration officerIdleTimeout;
    /** Writes compliance export jobs into the blob store; null without one. */
    final io.chatsdk.engine.compliance.ExportJobs.Runner exportRunner;
    final long maxUploadBytes;
    /** The before-send hook, null without an HTTP sender; {@link AppHandle#setBeforeSendHook} sets an app's. */
    final BeforeSendHook hook;

    private final EventBus.Subscription tokenStateEvents;

    private ChatEngine(Builder b) {
        if (b.migrate) {
            DataSource owner = b.migrationDataSource != null ? b.migrationDataSource : b.dataSource;
            Flyway.configure(ChatEngine.class.getClassLoader())
                    .dataSource(owner)
                    .locations("classpath:db/migration")
                    .table("chatsdk_schema_history")
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .load()
                    .migrate();
            if (b.runtimeRole != null) {
                grantRuntimeRole(owner, b.runtimeRole);
            }
        }
        this.eventBus = b.eventBus;
        this.syncReloadThreshold = b.syncReloadThreshold;
        OutboxRelay[] holder = new OutboxRelay[1];
        SecureRandom random = new SecureRandom();
        Db db = new Db(b.dataSource, new ContentKeys(b.keyProvider, random, b.clock), () -> {
            if (holder[0] != null) {
                holder[0].wakeUp();
            }
        });
        db.groupCommitLimit(b.groupCommitLimit);
        this.blobStore = b.blobStore;
        this.officerIdleTimeout = b.officerIdleTimeout;
        this.maxUploadBytes = b.maxUploadBytes;
        this.hook = b.httpSender == null ? null : new BeforeSendHook(b.clock, b.httpSender, this::apps);
        io.chatsdk.engine.internal.TokenStates tokenStates = new io.chatsdk.engine.internal.TokenStates(b.clock, b.tokenStateTtl);
        this.ctx = new EngineContext(db, b.clock, b.ids, b.keyProvider, random, new AuditLog(db, b.clock, b.auditSigner), new Redactors(b.clock),
                new BlocklistCache(b.clock), hook, b.embedder, java.util.List.copyOf(b.searchEngines), tokenStates,
                new io.chatsdk.engine.internal.MemberLists(b.memberListLimit, MEMBER_IDS_REMEMBERED));
        // a change to a user's tokens or deactivation made by another node arrives here as its user.* event
        this.tokenStateEvents = eventBus.subscribe(e -> {
            if (e.type().startsWith("user.") && e.payload().get("user") instanceof java.util.Map<?, ?> user && user.get("id") instanceof String id) {
                tokenStates.forget(e.appId(), id);
            }
        });
        this.jobs = b.jobs != null ? b.jobs : new io.chatsdk.engine.spi.InProcessJobQueue();
        this.ownsJobs = b.jobs == null;
        java.util.List<io.chatsdk.engine.spi.OutboxConsumer> consumers = new java.util.ArrayList<>();
        if (b.httpSender != null) {
            io.chatsdk.engine.spi.HttpSender sender = b.httpSender;
            EndpointBreakers breakers = new EndpointBreakers();
            jobs.register(Webhooks.KIND, (job, attempt) -> Webhooks.deliver(ctx, apps(), sender, breakers, job, attempt), Webhooks.policy());
            consumers.add(io.chatsdk.engine.spi.OutboxConsumer.of("webhooks", e -> Webhooks.enqueue(ctx, apps(), jobs, e)));
        }
        if (b.pushGateways != null) {
            Push push = new Push(ctx, b.pushGateways, b.presence, b.clock);
            jobs.register(Push.KIND, (job, attempt) -> push.deliver(job), Push.policy());
            consumers.add(io.chatsdk.engine.spi.OutboxConsumer.of("push", e -> push.enqueue(jobs, e)));
        }
        this.searchIndex = new io.chatsdk.engine.search.SearchIndex(ctx);
        jobs.registerBatched(io.chatsdk.engine.search.SearchIndex.KIND, searchIndex::run, io.chatsdk.engine.search.SearchIndex.policy(),
                io.chatsdk.engine.search.SearchIndex.JOBS_PER_BATCH, io.chatsdk.engine.search.SearchIndex.LINGER);
        consumers.add(io.chatsdk.engine.spi.OutboxConsumer.batched("search", events -> io.chatsdk.engine.search.SearchIndex.enqueue(jobs, events)));
        consumers.addAll(b.outboxConsumers);
        this.outboxConsumers = java.util.List.copyOf(consumers);
        this.relay = b.relay ? new OutboxRelay(db, eventBus, b.relayPollInterval, outboxConsumers) : null;
        holder[0] = relay;
        if (relay != null) {
            relay.start();
        }
        this.exportRunner = b.blobStore == null ? null : new io.chatsdk.engine.compliance.ExportJobs.Runner(ctx, b.blobStore, Duration.ofSeconds(5));
        this.maintenance = b.maintenance ? new Maintenance(this, b.auditSigner, b.checkpointInterval, b.retentionInterval, b.reencryptInterval) : null;
    }

    /**
     * The runtime role may read and write every table, but only read and append to the audit log: without UPDATE,
     * DELETE or TRUNCATE on it and without owning it (so it cannot drop the append-only triggers either).
     */
    private static void grantRuntimeRole(DataSource owner, String role) {
        try (java.sql.Connection c = owner.getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute("grant usage on schema public to " + role);
            s.execute("grant select, insert, update, delete on all tables in schema public to " + role);
            s.execute("grant usage, select on all sequences in schema public to " + role);
            s.execute("revoke update, delete, truncate on audit_log, audit_checkpoint from " + role);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("could not grant the runtime role " + role + " its privileges: " + e.getMessage(), e);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The server-side handle of one app: trusted, no permission checks. */
    /** The external search engines this engine was built with ({@code meilisearch}, {@code qdrant}), which apps may be switched onto. */
    public java.util.List<String> searchEngineNames() {
        return ctx.searchEngines().stream().map(io.chatsdk.engine.spi.SearchEngine::name).toList();
    }

    public AppHandle app(AppId appId) {
        return new AppHandle(this, ctx, Objects.requireNonNull(appId, "appId"), Actor.SERVER, syncReloadThreshold);
    }

    /** The largest upload any app may store, in bytes. */
    public long maxUploadBytes() {
        return maxUploadBytes;
    }

    /** The durable job queue (webhook deliveries, pushes), for dead-letter administration. */
    public io.chatsdk.engine.spi.JobQueue jobs() {
        return jobs;
    }

    /** The tamper-evident audit log: record, query, checkpoint, export. */
    public AuditLog audit() {
        return ctx.audit();
    }

    /** Operator operations over all apps. */
    public Apps apps() {
        return new Apps(ctx);
    }

    /** The admin console's named officers: invitations, sign-in with TOTP, sessions, lockout (docs/admin-console.md). */
    public io.chatsdk.engine.officers.Officers officers() {
        return new io.chatsdk.engine.officers.Officers(ctx, officerIdleTimeout);
    }

    /** The bus committed events are published to; subscribe here to receive them. */
    public EventBus eventBus() {
        return eventBus;
    }

    /**
     * Sets the one listener told of the events this engine's own transactions write, around their commit and before the
     * outbox relay publishes them to the {@linkplain #eventBus() bus}, where they still arrive (see
     * {@link io.chatsdk.engine.spi.CommitListener}); null removes it. A WebSocket layer serves this node's subscribers
     * from it without the bus round trip.
     */
    public void commitListener(io.chatsdk.engine.spi.CommitListener listener) {
        ctx.db().commitListener(listener);
    }

    /** Removes {@code listener} if it is still the one set (see {@link #commitListener}). */
    public void removeCommitListener(io.chatsdk.engine.spi.CommitListener listener) {
        ctx.db().removeCommitListener(listener);
    }

    /** True when the database answers a trivial query: for health checks. Never throws. */
    public boolean ping() {
        try {
            return ctx.db().read(tx -> tx.one("select 1", rs -> rs.getInt(1)).isPresent());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Deletes outbox rows marked published more than {@code age} ago; returns how many. Versions before 2026-12-06
     * marked the rows they published and pruned them an hour later with the retention run; the relay now deletes the
     * rows it publishes, and marked rows (from a node of an earlier version during a rolling upgrade) unopened, so
     * nothing calls this any more.
     *
     * @deprecated the outbox relay leaves no published row to prune
     */
    @Deprecated(since = "2026-12-06")
    public int pruneOutbox(Duration age) {
        return ctx.db().inTransaction(tx -> tx.update("delete from outbox_event where published_at < ?", ctx.now().minus(age)));
    }

    /** How many group-commit batches ran again, with savepoints, because a send failed in their first run (for tests). */
    long groupCommitReruns() {
        return ctx.db().groupCommitReruns();
    }

    /**
     * Publishes pending outbox events now, on the calling thread, to the bus and to the outbox consumers (webhook, push
     * and search jobs), as the relay does; returns how many. Useful in tests and tools.
     */
    public int relayPendingEvents() {
        return (relay != null ? relay : new OutboxRelay(ctx.db(), eventBus, Duration.ofSeconds(1), outboxConsumers)).relayBatch();
    }

    /** One UTC day's messages and the distinct users who sent them. */
    public record DailyUsage(java.time.LocalDate day, long messages, long activeUsers) {
    }

    /**
     * Messages per UTC day over the last {@code days} days (1-90, today included, days without any as zeros), of one
     * app or of all ({@code app} null), with the users who sent them. For dashboards: counts only, no content.
     */
    public java.util.List<DailyUsage> dailyUsage(AppId app, int days) {
        if (days < 1 || days > 90) {
            throw io.chatsdk.engine.types.ChatException.invalid("days", "must be 1 to 90");
        }
        java.time.LocalDate today = java.time.LocalDate.ofInstant(ctx.now(), java.time.ZoneOffset.UTC);
        java.time.LocalDate first = today.minusDays(days - 1L);
        java.util.Map<java.time.LocalDate, DailyUsage> found = new java.util.HashMap<>();
        java.util.UUID appId = app == null ? null : app.value();
        ctx.db().read(tx -> tx.query("select (created_at at time zone 'UTC')::date as day, count(*), count(distinct user_id) from message "
                + "where created_at >= ? and (?::uuid is null or app_id = ?::uuid) group by 1", rs -> {
            java.time.LocalDate d = rs.getObject(1, java.time.LocalDate.class);
            return found.put(d, new DailyUsage(d, rs.getLong(2), rs.getLong(3)));
        }, first.atStartOfDay(java.time.ZoneOffset.UTC).toInstant(), appId, appId));
        java.util.List<DailyUsage> out = new java.util.ArrayList<>();
        for (java.time.LocalDate d = first; !d.isAfter(today); d = d.plusDays(1)) {
            out.add(found.getOrDefault(d, new DailyUsage(d, 0, 0)));
        }
        return out;
    }

    /** Stops the outbox relay and releases the persistence unit. Does not close the DataSource or the event bus. */
    @Override
    public void close() {
        tokenStateEvents.close();
        if (maintenance != null) {
            maintenance.close();
        }
        if (exportRunner != null) {
            exportRunner.close();
        }
        if (relay != null) {
            relay.close();
        }
        if (ownsJobs) {
            jobs.close();
        }
        if (hook != null) {
            hook.close();
        }
        ctx.audit().close();
        ctx.db().close();
    }

    /**
     * Configures an engine. Each setter validates its argument at once; {@link #build()} checks that the required
     * options (data source, key provider) are present.
     */
    public static final class Builder {
        private DataSource dataSource;
        private KeyProvider keyProvider;
        private EventBus eventBus = new InProcessEventBus();
        private Clock clock = Clock.systemUTC();
        private IdGenerator ids = IdGenerator.uuidV7();
        private boolean migrate = true;
        private boolean relay = true;
        private Duration relayPollInterval = Duration.ofSeconds(1);
        private Duration tokenStateTtl = Duration.ofSeconds(5);
        private int memberListLimit = 10_000;
        private int groupCommitLimit = Db.DEFAULT_GROUP_COMMIT_LIMIT;
        private int syncReloadThreshold = 1000;
        private boolean maintenance = true;
        private Duration officerIdleTimeout = io.chatsdk.engine.officers.Officers.IDLE;
        private DataSource migrationDataSource;
        private io.chatsdk.engine.spi.JobQueue jobs;
        private io.chatsdk.engine.spi.HttpSender httpSender;
        private java.util.function.Function<AppId, io.chatsdk.engine.spi.PushGateway> pushGateways;
        private io.chatsdk.engine.spi.PresenceRegistry presence = new io.chatsdk.engine.spi.InMemoryPresenceRegistry();
        private String runtimeRole;
        private final java.util.List<io.chatsdk.engine.spi.OutboxConsumer> outboxConsumers = new java.util.ArrayList<>();
        private io.chatsdk.engine.spi.BlobStore blobStore;
        private io.chatsdk.engine.spi.Embedder embedder;
        private final java.util.List<io.chatsdk.engine.spi.SearchEngine> searchEngines = new java.util.ArrayList<>();
        private long maxUploadBytes = 100L * 1024 * 1024;
        private AuditSigner auditSigner;
        private Duration checkpointInterval = Duration.ofMinutes(5);
        private Duration retentionInterval = Duration.ofHours(1);
        private Duration reencryptInterval = Duration.ofMinutes(10);

        private Builder() {
        }

        /** The PostgreSQL data source (required). Use a pool; the engine borrows a connection per operation. */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /** Wraps app secrets at rest (required). */
        public Builder keyProvider(KeyProvider keyProvider) {
            this.keyProvider = Objects.requireNonNull(keyProvider, "keyProvider");
            return this;
        }

        /** Where committed events go; defaults to an {@link InProcessEventBus}. */
        public Builder eventBus(EventBus eventBus) {
            this.eventBus = Objects.requireNonNull(eventBus, "eventBus");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder idGenerator(IdGenerator ids) {
            this.ids = Objects.requireNonNull(ids, "idGenerator");
            return this;
        }

        /** Whether {@link #build()} applies pending schema migrations (default true). */
        public Builder migrate(boolean migrate) {
            this.migrate = migrate;
            return this;
        }

        /** Whether this engine runs an outbox relay thread (default true). */
        public Builder outboxRelay(boolean enabled) {
            this.relay = enabled;
            return this;
        }

        /** How often the relay looks for events committed by other engines; 50 ms to 1 minute. */
        public Builder relayPollInterval(Duration interval) {
            Objects.requireNonNull(interval, "relayPollInterval");
            if (interval.compareTo(Duration.ofMillis(50)) < 0 || interval.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("relayPollInterval must be between 50ms and 1 minute, was " + interval);
            }
            this.relayPollInterval = interval;
            return this;
        }

        /**
         * How long a node may answer a token check from what it remembers of the user's revocation and deactivation
         * ({@link io.chatsdk.engine.internal.TokenStates}); 0 to 1 minute, default 5 s, zero to read the user on every check.
         * This node's changes apply at once and other nodes' when their {@code user.*} event arrives on the event bus:
         * the time to live only bounds a late event. Nodes that share a database but no event bus should set zero.
         */
        public Builder tokenStateTtl(Duration ttl) {
            Objects.requireNonNull(ttl, "tokenStateTtl");
            if (ttl.isNegative() || ttl.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("tokenStateTtl must be between 0 and 1 minute, was " + ttl);
            }
            this.tokenStateTtl = ttl;
            return this;
        }

        /**
         * Channels with at most this many members have their member ids remembered on this node, for the audience of the
         * events it delivers ({@link io.chatsdk.engine.internal.MemberLists}): each event then reads one small row instead
         * of every member, until the members change. 0 to 100,000, default 10,000; 0 reads the members for every event.
         * At most {@value #MEMBER_IDS_REMEMBERED} member ids are remembered in all, those of the channels used last.
         */
        public Builder memberListLimit(int maxMembers) {
            if (maxMembers < 0 || maxMembers > 100_000) {
                throw new IllegalArgumentException("memberListLimit must be between 0 and 100,000, was " + maxMembers);
            }
            this.memberListLimit = maxMembers;
            return this;
        }

        /**
         * The most sends to one channel that share a transaction and its commit when they arrive on this node at the same
         * time (group commit); 1 to 1,000, default {@value Db#DEFAULT_GROUP_COMMIT_LIMIT}, 1 to commit every send alone.
         * A send that arrives while none is committing to its channel is never held back.
         */
        public Builder groupCommitLimit(int sends) {
            if (sends < 1 || sends > 1000) {
                throw new IllegalArgumentException("groupCommitLimit must be between 1 and 1000, was " + sends);
            }
            this.groupCommitLimit = sends;
            return this;
        }

        /** Sync answers "reload the channel" instead of messages when more than this many are missing; 1 to 100,000. */
        public Builder syncReloadThreshold(int messages) {
            if (messages < 1 || messages > 100_000) {
                throw new IllegalArgumentException("syncReloadThreshold must be between 1 and 100000, was " + messages);
            }
            this.syncReloadThreshold = messages;
            return this;
        }

        /**
         * Adds a named consumer of committed events, fed by the outbox relay after the built-in {@code webhooks},
         * {@code push} and {@code search} consumers. See {@link io.chatsdk.engine.spi.OutboxConsumer} for its guarantees.
         */
        public Builder outboxConsumer(io.chatsdk.engine.spi.OutboxConsumer consumer) {
            this.outboxConsumers.add(Objects.requireNonNull(consumer, "consumer"));
            return this;
        }

        /** Durable asynchronous work (webhook deliveries); defaults to an in-memory queue the engine closes. */
        public Builder jobQueue(io.chatsdk.engine.spi.JobQueue queue) {
            this.jobs = Objects.requireNonNull(queue, "jobQueue");
            return this;
        }

        /**
         * Mobile push: the gateway of each app (null for an app without push). Without it no push is sent. Members
         * that {@link #presence} says are online are not pushed.
         */
        public Builder pushGateways(java.util.function.Function<AppId, io.chatsdk.engine.spi.PushGateway> gateways) {
            this.pushGateways = Objects.requireNonNull(gateways, "pushGateways");
            return this;
        }

        /** Who is connected (the push trigger skips them); defaults to an in-memory registry. */
        public Builder presence(io.chatsdk.engine.spi.PresenceRegistry presence) {
            this.presence = Objects.requireNonNull(presence, "presence");
            return this;
        }

        /**
         * Where uploaded files are kept (sealed with the apps' data keys before they get there); without one, uploads are
         * refused as {@code feature_disabled}. {@link io.chatsdk.engine.spi.FileSystemBlobStore} keeps them in a directory.
         */
        public Builder blobStore(io.chatsdk.engine.spi.BlobStore store) {
            this.blobStore = Objects.requireNonNull(store, "blobStore");
            return this;
        }

        /**
         * The embedding model for the apps that switch AI on (semantic search, smart replies); without one, embeddings
         * cannot be switched on. It is called only for those apps, on redacted text.
         */
        public Builder embedder(io.chatsdk.engine.spi.Embedder embedder) {
            this.embedder = Objects.requireNonNull(embedder, "embedder");
            return this;
        }

        /**
         * An external search engine (Meilisearch, Qdrant) that the operator may switch on per app; it then receives those
         * apps' message text or vectors. One per name.
         */
        public Builder searchEngine(io.chatsdk.engine.spi.SearchEngine engine) {
            Objects.requireNonNull(engine, "engine");
            if (searchEngines.stream().anyMatch(e -> e.name().equals(engine.name()))) {
                throw new IllegalArgumentException("a search engine named " + engine.name() + " is already set");
            }
            searchEngines.add(engine);
            return this;
        }

        /** The largest upload of any app, in bytes (default 100 MiB); an app's upload settings may only lower it. */
        public Builder maxUploadBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxUploadBytes must be at least 1 byte, was " + bytes);
            }
            this.maxUploadBytes = bytes;
            return this;
        }

        /** Sends webhooks; without it no webhook is delivered (endpoints may still be configured). */
        public Builder httpSender(io.chatsdk.engine.spi.HttpSender sender) {
            this.httpSender = Objects.requireNonNull(sender, "httpSender");
            return this;
        }

        /**
         * Runs the schema migrations through this data source (the schema owner) instead of {@link #dataSource}, so that
         * the runtime connections can use a role that owns nothing. Only used while {@link #build()} runs.
         */
        public Builder migrationDataSource(DataSource owner) {
            this.migrationDataSource = Objects.requireNonNull(owner, "migrationDataSource");
            return this;
        }

        /**
         * The PostgreSQL role of {@link #dataSource}'s connections when it is not the schema owner: after migrating,
         * the owner grants it what the engine needs, and no UPDATE, DELETE or TRUNCATE on the audit log.
         */
        public Builder runtimeRole(String role) {
            if (role == null || !role.matches("[a-z_][a-z0-9_]{0,62}")) {
                throw new IllegalArgumentException("runtimeRole must be a lower-case PostgreSQL identifier, was " + role);
            }
            this.runtimeRole = role;
            return this;
        }

        /**
         * Whether this engine runs the background jobs (default true): audit checkpoints, retention purges and
         * re-encryption after a key rotation. Several engines may run them on one database.
         */
        /**
         * How long a console officer's session lasts without a request: 10 s to 15 minutes (the default and PCI DSS
         * 8.2.8's most); shorter for stricter sites.
         */
        public Builder officerIdleTimeout(Duration idle) {
            if (idle == null || idle.compareTo(Duration.ofSeconds(10)) < 0 || idle.compareTo(io.chatsdk.engine.officers.Officers.IDLE) > 0) {
                throw new IllegalArgumentException("officerIdleTimeout: 10 seconds to 15 minutes");
            }
            this.officerIdleTimeout = idle;
            return this;
        }

        public Builder maintenance(boolean enabled) {
            this.maintenance = enabled;
            return this;
        }

        /** The operator's Ed25519 key that signs audit checkpoints; without it no checkpoints are made. */
        public Builder auditSigner(AuditSigner signer) {
            this.auditSigner = Objects.requireNonNull(signer, "auditSigner");
            return this;
        }

        /** How often chain heads are signed; 1 second to 1 day (default 5 minutes). */
        public Builder checkpointInterval(Duration interval) {
            this.checkpointInterval = within("checkpointInterval", interval, Duration.ofSeconds(1), Duration.ofDays(1));
            return this;
        }

        /** How often retention policies are applied; 1 second to 1 day (default 1 hour). */
        public Builder retentionInterval(Duration interval) {
            this.retentionInterval = within("retentionInterval", interval, Duration.ofSeconds(1), Duration.ofDays(1));
            return this;
        }

        /** How often content under retired keys is re-encrypted; 1 second to 1 day (default 10 minutes). */
        public Builder reencryptInterval(Duration interval) {
            this.reencryptInterval = within("reencryptInterval", interval, Duration.ofSeconds(1), Duration.ofDays(1));
            return this;
        }

        private static Duration within(String name, Duration d, Duration min, Duration max) {
            Objects.requireNonNull(d, name);
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", was " + d);
            }
            return d;
        }

        public ChatEngine build() {
            if (dataSource == null) {
                throw new IllegalStateException("dataSource is required: ChatEngine.builder().dataSource(...)");
            }
            if (keyProvider == null) {
                throw new IllegalStateException("keyProvider is required: app API secrets are stored wrapped under it, "
                        + "e.g. .keyProvider(KeyProvider.aesGcm(32-byte key))");
            }
            return new ChatEngine(this);
        }
    }
}
