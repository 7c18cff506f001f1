package io.chatsdk.appliance;

import io.chatsdk.jakarta.ChatApiSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Properties;

/**
 * The appliance's configuration, from MicroProfile Config: system properties, then {@code CHATSDK_*} environment
 * variables (MicroProfile maps {@code chatsdk.jdbc.url} to {@code CHATSDK_JDBC_URL}).
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><td>{@code CHATSDK_JDBC_URL}, {@code _USER}, {@code _PASSWORD}</td><td>external PostgreSQL; unset means embedded PostgreSQL</td></tr>
 *   <tr><td>{@code CHATSDK_DATA_DIR}</td><td>data directory (embedded database, generated secrets); default {@code ./data}</td></tr>
 *   <tr><td>{@code CHATSDK_FILES_DIR}</td><td>uploaded files, sealed; default {@code data/files}</td></tr>
 *   <tr><td>{@code CHATSDK_MAX_UPLOAD_BYTES}</td><td>largest upload in bytes; default 100 MiB</td></tr>
 *   <tr><td>{@code CHATSDK_S3_BUCKET}, {@code CHATSDK_S3_ENDPOINT}, {@code CHATSDK_S3_REGION}, {@code CHATSDK_S3_ACCESS_KEY},
 *       {@code CHATSDK_S3_SECRET_KEY}, {@code CHATSDK_S3_PATH_STYLE}</td><td>files in an S3-compatible bucket instead</td></tr>
 *   <tr><td>{@code CHATSDK_AI_MODEL}</td><td>{@code local} (default): all-MiniLM-L6-v2 in-process, loaded the first time an
 *       app with AI embeddings on needs it; {@code openai-compatible}: a model server the operator runs (below);
 *       {@code none}: no model, so no app can switch embeddings on</td></tr>
 *   <tr><td>{@code CHATSDK_AI_MODEL_URL}, {@code _NAME}, {@code _API_KEY}</td><td>with {@code openai-compatible}: the server's
 *       API root ({@code http://models.internal:8000/v1}), the model's name there, and a bearer key (may be unset). Only
 *       that host and port is let through the SSRF-guarded egress, for embeddings only</td></tr>
 *   <tr><td>{@code CHATSDK_MEILISEARCH_URL}, {@code CHATSDK_MEILISEARCH_API_KEY}</td><td>a Meilisearch server apps may be
 *       switched onto (per app, by the operator); unset: none</td></tr>
 *   <tr><td>{@code CHATSDK_QDRANT_HOST}, {@code _PORT} (6334), {@code _TLS} (false), {@code _API_KEY}</td><td>a Qdrant server
 *       (gRPC) apps with AI embeddings may be switched onto; unset: none</td></tr>
 *   <tr><td>{@code CHATSDK_PORT}</td><td>the HTTP port, for the printed examples (Payara Micro's {@code --port} sets the real one)</td></tr>
 *   <tr><td>{@code CHATSDK_OPERATOR_TOKEN}</td><td>operator API token; generated into the data directory when unset</td></tr>
 *   <tr><td>{@code CHATSDK_JDBC_MIGRATION_USER}, {@code _PASSWORD}</td><td>schema owner for migrations; the runtime user then gets grants without UPDATE/DELETE on the audit log</td></tr>
 *   <tr><td>{@code CHATSDK_COMPLIANCE_TOKEN}</td><td>compliance role token (audit, holds, retention, exports); generated when unset</td></tr>
 *   <tr><td>{@code CHATSDK_KEYSTORE}, {@code CHATSDK_KEYSTORE_PASSWORD}</td><td>PKCS#12 keystore of the key-encryption keys; default {@code data/keystore.p12}, password generated in embedded mode</td></tr>
 *   <tr><td>{@code CHATSDK_MASTER_KEY}</td><td>legacy: base64 of 32 bytes; when set, it wraps keys instead of the keystore</td></tr>
 *   <tr><td>{@code CHATSDK_AUDIT_SIGNING_KEY}</td><td>Ed25519 PKCS#8 PEM that signs audit checkpoints; default {@code data/audit-signing.key}, made when missing</td></tr>
 *   <tr><td>{@code CHATSDK_AUDIT_CHECKPOINT_INTERVAL_SECONDS}, {@code CHATSDK_RETENTION_INTERVAL_SECONDS}</td><td>background job intervals, default 300 and 3600</td></tr>
 *   <tr><td>{@code CHATSDK_MAX_BODY_BYTES}</td><td>largest request body, default 1048576</td></tr>
 *   <tr><td>{@code CHATSDK_ARTEMIS_URL}</td><td>external Artemis broker ({@code tcp://host:61616}); unset means an embedded broker</td></tr>
 *   <tr><td>{@code CHATSDK_ARTEMIS_ACCEPTOR}</td><td>a TCP acceptor for the embedded broker, for other nodes; default none (in-VM only). Setting it sends this node's events through the broker, and turns early delivery off by default ({@link #singleNode()})</td></tr>
 *   <tr><td>{@code CHATSDK_EGRESS_ALLOWLIST}</td><td>internal addresses webhooks may reach ({@code host:port} or CIDR, comma-separated); default none</td></tr>
 *   <tr><td>{@code CHATSDK_JOB_WORKERS}</td><td>concurrent workers per job kind (webhooks, pushes) on each node, 1 to 64, default 4</td></tr>
 *   <tr><td>{@code CHATSDK_FCM_CREDENTIALS_DIR}</td><td>Firebase service-account key files, {@code <app id>.json}; default {@code data/fcm}</td></tr>
 *   <tr><td>{@code CHATSDK_FCM_ENDPOINT}</td><td>tests only: a loopback FCM stand-in ({@code http://127.0.0.1:port}) instead of Google</td></tr>
 *   <tr><td>{@code CHATSDK_AUTH_FAILURES_PER_ADDRESS_PER_MINUTE}</td><td>failed authentications a client address may have a
 *       minute before it is refused with 429 {@code too_many_auth_failures} (default 100)</td></tr>
 *   <tr><td>{@code CHATSDK_AUTH_FAILURES_WINDOW_SECONDS}</td><td>failed authentications are counted this long, then
 *       written as one audit record per address, app and reason (default 10)</td></tr>
 *   <tr><td>{@code CHATSDK_TRUSTED_PROXIES}</td><td>IP addresses of reverse proxies, comma-separated: a request from one
 *       is attributed to the client address in its {@code X-Forwarded-For} (default none)</td></tr>
 *   <tr><td>{@code CHATSDK_ARTEMIS_USER}, {@code CHATSDK_ARTEMIS_PASSWORD}</td><td>this node's broker login (default
 *       {@code chatsdk} and a password generated into {@code secrets.properties}); the embedded broker accepts only it</td></tr>
 *   <tr><td>{@code CHATSDK_CLUSTER_SECRET}</td><td>required with {@code CHATSDK_CLUSTER_MEMBERS}: the secret, the same
 *       on every node, from which the Hazelcast cluster name is derived</td></tr>
 *   <tr><td>{@code CHATSDK_CLUSTER_MEMBERS}</td><td>Hazelcast members {@code host:port,...}; unset means one node, presence in memory</td></tr>
 *   <tr><td>{@code CHATSDK_CLUSTER_HOST}, {@code CHATSDK_CLUSTER_PORT}</td><td>this node's Hazelcast address, default 127.0.0.1:5701</td></tr>
 *   <tr><td>{@code CHATSDK_WS_MAX_QUEUED_EVENTS}</td><td>per-connection outgoing queue, default 1000</td></tr>
 *   <tr><td>{@code CHATSDK_WS_MAX_QUEUED_BYTES}</td><td>per-connection outgoing queue in characters of JSON, default 1 MiB</td></tr>
 *   <tr><td>{@code CHATSDK_CONSOLE_IDLE_TIMEOUT_SECONDS}</td><td>end a console session this long without a request, 10 to 900, default 900</td></tr>
 *   <tr><td>{@code CHATSDK_WS_IDLE_TIMEOUT_SECONDS}</td><td>close a WebSocket silent this long, default 60</td></tr>
 *   <tr><td>{@code CHATSDK_CORS_ALLOWED_ORIGINS}</td><td>web origins whose pages may call {@code /api/*}, comma-separated, or {@code *}; default none</td></tr>
 *   <tr><td>{@code CHATSDK_TOKEN_STATE_TTL_SECONDS}</td><td>how long a node checks tokens against what it remembers of a user's revocation and deactivation, 0 to 60, default 5</td></tr>
 *   <tr><td>{@code CHATSDK_GROUP_COMMIT_LIMIT}</td><td>the most concurrent sends to one channel committed in one transaction, 1 to 1000, default 32</td></tr>
 *   <tr><td>{@code CHATSDK_LOCAL_DELIVERY}</td><td>{@code true}: events this node commits reach its own WebSockets straight after the commit; default true for one node, false in a cluster</td></tr>
 *   <tr><td>{@code CHATSDK_SYNC_RELOAD_THRESHOLD}</td><td>missing messages beyond which sync says "reload", default 1000</td></tr>
 *   <tr><td>{@code CHATSDK_DEMO}</td><td>create the demo app on first start; default true with the embedded database</td></tr>
 *   <tr><td>{@code CHATSDK_RATE_LIMIT_ENABLED}, {@code CHATSDK_RATE_LIMIT_<GROUP>_APP}, {@code _USER}</td><td>per-minute limits</td></tr>
 * </table>
 */
@ApplicationScoped
public class ApplianceConfig {
    @Inject
    Config config;

    public Optional<String> jdbcUrl() {
        return config.getOptionalValue("chatsdk.jdbc.url", String.class).filter(s -> !s.isBlank());
    }

    public String jdbcUser() {
        return config.getOptionalValue("chatsdk.jdbc.user", String.class).orElse(null);
    }

    public String jdbcPassword() {
        return config.getOptionalValue("chatsdk.jdbc.password", String.class).orElse(null);
    }

    /** The schema owner for migrations with an external database; unset means the runtime user migrates too. */
    public String jdbcMigrationUser() {
        return config.getOptionalValue("chatsdk.jdbc.migration-user", String.class).filter(v -> !v.isBlank()).orElse(null);
    }

    public String jdbcMigrationPassword() {
        return config.getOptionalValue("chatsdk.jdbc.migration-password", String.class).orElse(null);
    }

    /** The embedded database's runtime role password, generated on first start. */
    public String runtimeRolePassword() {
        return generated("database-password", 24);
    }

    /** The embedded PostgreSQL superuser's password (the schema owner's), generated on first start. */
    public String databaseSuperuserPassword() {
        return generated("database-superuser-password", 24);
    }

    public Path keystore() {
        return config.getOptionalValue("chatsdk.keystore", String.class).filter(v -> !v.isBlank()).map(Path::of)
                .orElseGet(() -> dataDir().resolve("keystore.p12")).toAbsolutePath();
    }

    public char[] keystorePassword() {
        Optional<String> pw = config.getOptionalValue("chatsdk.keystore-password", String.class).filter(v -> !v.isBlank());
        if (pw.isPresent()) {
            return pw.get().toCharArray();
        }
        if (!embedded()) {
            throw new IllegalStateException("CHATSDK_KEYSTORE_PASSWORD is required with an external database (at least 8 characters); "
                    + "the keystore " + keystore() + " holds the keys that protect every tenant's data");
        }
        return generated("keystore-password", 24).toCharArray();
    }

    /** Where the audit checkpoint key (PKCS#8 PEM) lives; made on first start with its public key beside it. */
    public Path auditSigningKey() {
        return config.getOptionalValue("chatsdk.audit.signing-key", String.class).filter(v -> !v.isBlank()).map(Path::of)
                .orElseGet(() -> dataDir().resolve("audit-signing.key")).toAbsolutePath();
    }

    public java.time.Duration auditCheckpointInterval() {
        return java.time.Duration.ofSeconds(config.getOptionalValue("chatsdk.audit.checkpoint-interval-seconds", Long.class).orElse(300L));
    }

    /** The console's idle timeout: at most 15 minutes (PCI DSS 8.2.8); shorter for stricter sites. */
    public java.time.Duration consoleIdleTimeout() {
        return java.time.Duration.ofSeconds(config.getOptionalValue("chatsdk.console.idle-timeout-seconds", Long.class).orElse(900L));
    }

    /** How long a node answers token checks from what it remembers of a user's revocation and deactivation; 0 to 60 s. */
    public java.time.Duration tokenStateTtl() {
        long seconds = config.getOptionalValue("chatsdk.token-state-ttl-seconds", Long.class).orElse(5L);
        if (seconds < 0 || seconds > 60) {
            throw new IllegalStateException("CHATSDK_TOKEN_STATE_TTL_SECONDS must be between 0 and 60, was " + seconds);
        }
        return java.time.Duration.ofSeconds(seconds);
    }

    /** The most concurrent sends to one channel that commit together; 1 to 1,000, 1 for none. */
    public int groupCommitLimit() {
        int n = config.getOptionalValue("chatsdk.group-commit-limit", Integer.class).orElse(32);
        if (n < 1 || n > 1000) {
            throw new IllegalStateException("CHATSDK_GROUP_COMMIT_LIMIT must be between 1 and 1000, was " + n);
        }
        return n;
    }

    /**
     * Whether this node's own events reach its WebSockets straight after their commit ({@code CHATSDK_LOCAL_DELIVERY});
     * by default only when the appliance runs as one node: no cluster members, no external broker, no acceptor for
     * other nodes (in a cluster, another node's event could otherwise be overtaken, see {@link ChatApiSettings#localDelivery()}).
     */
    public boolean localDelivery() {
        String v = config.getOptionalValue("chatsdk.local-delivery", String.class).map(String::strip).filter(s -> !s.isEmpty()).orElse(null);
        if (v == null) {
            return singleNode();
        }
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalStateException("CHATSDK_LOCAL_DELIVERY must be true or false, was " + v);
        }
        return Boolean.parseBoolean(v);
    }

    /**
     * Whether the appliance runs as one node that no other can join: no cluster members, no external broker, and no
     * acceptor through which other nodes could use the embedded broker. Such a node's events stay in its JVM.
     */
    public boolean singleNode() {
        return clusterMembers().isEmpty() && artemisUrl().isEmpty() && artemisAcceptor() == null;
    }

    public java.time.Duration retentionInterval() {
        return java.time.Duration.ofSeconds(config.getOptionalValue("chatsdk.retention.interval-seconds", Long.class).orElse(3600L));
    }

    public String complianceToken() {
        return config.getOptionalValue("chatsdk.compliance-token", String.class).filter(v -> !v.isBlank())
                .orElseGet(() -> generated("compliance-token", 32));
    }

    /** Addresses webhooks may reach although internal: {@code host:port} or CIDR entries, comma-separated. */
    public java.util.List<String> egressAllowlist() {
        return config.getOptionalValue("chatsdk.egress.allowlist", String.class).filter(v -> !v.isBlank())
                .map(v -> java.util.Arrays.stream(v.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList())
                .orElse(java.util.List.of());
    }

    public int jobWorkers() {
        int n = config.getOptionalValue("chatsdk.job.workers", Integer.class).orElse(4);
        if (n < 1 || n > 64) {
            throw new IllegalStateException("CHATSDK_JOB_WORKERS must be between 1 and 64, was " + n);
        }
        return n;
    }

    /** Where the Firebase service-account key files of the apps are: {@code <app id>.json}. */
    public Path fcmCredentialsDir() {
        return config.getOptionalValue("chatsdk.fcm.credentials-dir", String.class).filter(v -> !v.isBlank()).map(Path::of)
                .orElseGet(() -> dataDir().resolve("fcm")).toAbsolutePath();
    }

    /** Where uploaded files are kept (sealed): {@code CHATSDK_FILES_DIR}, default {@code data/files}. */
    public Path filesDir() {
        return config.getOptionalValue("chatsdk.files-dir", String.class).filter(v -> !v.isBlank()).map(Path::of)
                .orElseGet(() -> dataDir().resolve("files")).toAbsolutePath();
    }

    private Optional<String> optional(String key) {
        return config.getOptionalValue(key, String.class).map(String::strip).filter(v -> !v.isEmpty());
    }

    /** A Meilisearch server ({@code CHATSDK_MEILISEARCH_URL}) and its key ({@code CHATSDK_MEILISEARCH_API_KEY}, may be unset). */
    public Optional<String> meilisearchUrl() {
        return optional("chatsdk.meilisearch.url");
    }

    public Optional<String> meilisearchApiKey() {
        return optional("chatsdk.meilisearch.api-key");
    }

    /** A Qdrant server's gRPC host ({@code CHATSDK_QDRANT_HOST}); its port, TLS and key. */
    public Optional<String> qdrantHost() {
        return optional("chatsdk.qdrant.host");
    }

    public int qdrantPort() {
        return optional("chatsdk.qdrant.port").map(Integer::parseInt).orElse(6334);
    }

    public boolean qdrantTls() {
        return optional("chatsdk.qdrant.tls").map(Boolean::parseBoolean).orElse(false);
    }

    public Optional<String> qdrantApiKey() {
        return optional("chatsdk.qdrant.api-key");
    }

    /** The embedding model apps that switch AI on use ({@code CHATSDK_AI_MODEL}). */
    public enum AiModel { LOCAL, OPENAI_COMPATIBLE, NONE }

    /** Which embedding model apps that switch AI on use: {@code CHATSDK_AI_MODEL} local (default), openai-compatible or none. */
    public AiModel aiModel() {
        String v = config.getOptionalValue("chatsdk.ai.model", String.class).filter(x -> !x.isBlank()).orElse("local").strip();
        return switch (v) {
            case "local" -> AiModel.LOCAL;
            case "openai-compatible" -> {
                if (aiModelUrl().isEmpty() || aiModelName().isEmpty()) {
                    throw new IllegalStateException("CHATSDK_AI_MODEL=openai-compatible needs CHATSDK_AI_MODEL_URL and CHATSDK_AI_MODEL_NAME");
                }
                yield AiModel.OPENAI_COMPATIBLE;
            }
            case "none" -> AiModel.NONE;
            default -> throw new IllegalStateException("CHATSDK_AI_MODEL must be local, openai-compatible or none, was '" + v + "'");
        };
    }

    /** The OpenAI-compatible model server's API root ({@code CHATSDK_AI_MODEL_URL}). */
    public Optional<java.net.URI> aiModelUrl() {
        return optional("chatsdk.ai.model-url").map(v -> {
            try {
                return new java.net.URI(v);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException("CHATSDK_AI_MODEL_URL is not a URL: " + e.getReason());
            }
        });
    }

    /** The model's name on that server ({@code CHATSDK_AI_MODEL_NAME}). */
    public Optional<String> aiModelName() {
        return optional("chatsdk.ai.model-name");
    }

    /** The bearer key of that server ({@code CHATSDK_AI_MODEL_API_KEY}), if it needs one. */
    public Optional<String> aiModelApiKey() {
        return optional("chatsdk.ai.model-api-key");
    }

    /** The S3-compatible bucket for files ({@code CHATSDK_S3_BUCKET}); unset keeps them in {@link #filesDir}. */
    public Optional<String> s3Bucket() {
        return config.getOptionalValue("chatsdk.s3.bucket", String.class).filter(v -> !v.isBlank());
    }

    /** {@code CHATSDK_S3_ENDPOINT}: a self-hosted server's URL (MinIO, Ceph); unset means AWS. */
    public Optional<java.net.URI> s3Endpoint() {
        return config.getOptionalValue("chatsdk.s3.endpoint", String.class).filter(v -> !v.isBlank()).map(java.net.URI::create);
    }

    public String s3Region() {
        return config.getOptionalValue("chatsdk.s3.region", String.class).filter(v -> !v.isBlank()).orElse("us-east-1");
    }

    /** {@code CHATSDK_S3_ACCESS_KEY} and {@code CHATSDK_S3_SECRET_KEY}; unset means the AWS SDK's default chain. */
    public Optional<String[]> s3Credentials() {
        Optional<String> access = config.getOptionalValue("chatsdk.s3.access-key", String.class).filter(v -> !v.isBlank());
        Optional<String> secret = config.getOptionalValue("chatsdk.s3.secret-key", String.class).filter(v -> !v.isBlank());
        if (access.isPresent() != secret.isPresent()) {
            throw new IllegalStateException("CHATSDK_S3_ACCESS_KEY and CHATSDK_S3_SECRET_KEY go together: set both or neither");
        }
        return access.map(a -> new String[] {a, secret.orElseThrow()});
    }

    /** {@code CHATSDK_S3_PATH_STYLE}: path-style URLs, the default when an endpoint is set. */
    public boolean s3PathStyle() {
        return config.getOptionalValue("chatsdk.s3.path-style", Boolean.class).orElse(s3Endpoint().isPresent());
    }

    /** The largest upload, in bytes: {@code CHATSDK_MAX_UPLOAD_BYTES}, default 100 MiB. */
    public long maxUploadBytes() {
        long n = config.getOptionalValue("chatsdk.max-upload-bytes", Long.class).orElse(100L * 1024 * 1024);
        if (n < 1024 || n > 5L * 1024 * 1024 * 1024) {
            throw new IllegalStateException("CHATSDK_MAX_UPLOAD_BYTES must be between 1024 and 5 GiB, was " + n);
        }
        return n;
    }

    /** A local FCM stand-in for tests (loopback only); unset means Google's servers. */
    public Optional<java.net.URI> fcmEndpoint() {
        return config.getOptionalValue("chatsdk.fcm.endpoint", String.class).filter(v -> !v.isBlank()).map(java.net.URI::create);
    }

    public boolean embedded() {
        return jdbcUrl().isEmpty();
    }

    public Path dataDir() {
        Path dir = Path.of(config.getOptionalValue("chatsdk.data-dir", String.class).orElse("data")).toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dir, e);
        }
        return dir;
    }

    public int port() {
        return config.getOptionalValue("chatsdk.port", Integer.class).orElse(8080);
    }

    /** Web origins allowed to call the chat API from a browser ({@code CHATSDK_CORS_ALLOWED_ORIGINS}); none by default. */
    public java.util.Set<String> corsAllowedOrigins() {
        return config.getOptionalValue("chatsdk.cors.allowed-origins", String.class)
                .map(v -> java.util.Arrays.stream(v.split(",")).map(String::strip).filter(o -> !o.isEmpty())
                        .collect(java.util.stream.Collectors.toUnmodifiableSet()))
                .orElse(java.util.Set.of());
    }

    public boolean demo() {
        return config.getOptionalValue("chatsdk.demo", Boolean.class).orElse(embedded());
    }

    public String operatorToken() {
        return config.getOptionalValue("chatsdk.operator-token", String.class).filter(s -> !s.isBlank())
                .orElseGet(() -> generated("operator-token", 32));
    }

    /**
     * A legacy in-memory key-encryption key (base64 of 32 bytes), used instead of the keystore when set, or when a data
     * directory from before the keystore holds one in {@code secrets.properties} (its data stays readable).
     */
    public Optional<String> masterKey() {
        Optional<String> configured = config.getOptionalValue("chatsdk.master-key", String.class).filter(s -> !s.isBlank());
        return configured.isPresent() ? configured : Optional.ofNullable(existingSecret("master-key"));
    }

    private synchronized String existingSecret(String name) {
        Path file = dataDir().resolve("secrets.properties");
        if (!Files.exists(file)) {
            return null;
        }
        Properties p = new Properties();
        try (var in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return p.getProperty(name);
    }

    public int syncReloadThreshold() {
        return config.getOptionalValue("chatsdk.sync.reload-threshold", Integer.class).orElse(1000);
    }

    public Optional<String> artemisUrl() {
        return config.getOptionalValue("chatsdk.artemis.url", String.class).filter(s -> !s.isBlank());
    }

    /**
     * The user and password this node logs in to Artemis with: {@code CHATSDK_ARTEMIS_USER} (default {@code chatsdk})
     * and {@code CHATSDK_ARTEMIS_PASSWORD}, generated into {@code secrets.properties} when unset (enough for the
     * embedded broker of one node; nodes sharing a broker must all be given the same password).
     */
    public io.chatsdk.connectors.artemis.BrokerLogin artemisLogin() {
        String user = config.getOptionalValue("chatsdk.artemis.user", String.class).filter(s -> !s.isBlank()).orElse("chatsdk");
        String password = config.getOptionalValue("chatsdk.artemis.password", String.class).filter(s -> !s.isBlank())
                .orElseGet(() -> generated("artemis-password", 24));
        return new io.chatsdk.connectors.artemis.BrokerLogin(user, password);
    }

    /**
     * The Hazelcast cluster's shared secret, {@code CHATSDK_CLUSTER_SECRET}: required with {@code CHATSDK_CLUSTER_MEMBERS},
     * at least 16 characters; the cluster name members must share is derived from it.
     */
    public String clusterSecret() {
        String secret = config.getOptionalValue("chatsdk.cluster.secret", String.class).filter(s -> !s.isBlank()).orElse(null);
        if (secret == null || secret.length() < 16) {
            throw new IllegalStateException("CHATSDK_CLUSTER_MEMBERS is set, so CHATSDK_CLUSTER_SECRET must be too (the same on every node, "
                    + "at least 16 characters): a node without it cannot join the cluster");
        }
        return secret;
    }

    public String artemisAcceptor() {
        return config.getOptionalValue("chatsdk.artemis.acceptor", String.class).filter(s -> !s.isBlank()).orElse(null);
    }

    /** Hazelcast member addresses; empty for a single node. */
    public java.util.List<String> clusterMembers() {
        return config.getOptionalValue("chatsdk.cluster.members", String.class).filter(s -> !s.isBlank())
                .map(s -> java.util.Arrays.stream(s.split(",")).map(String::strip).filter(m -> !m.isEmpty()).toList())
                .orElse(java.util.List.of());
    }

    public String clusterHost() {
        return config.getOptionalValue("chatsdk.cluster.host", String.class).orElse("127.0.0.1");
    }

    public int clusterPort() {
        return config.getOptionalValue("chatsdk.cluster.port", Integer.class).orElse(5701);
    }

    public String clusterName() {
        return config.getOptionalValue("chatsdk.cluster.name", String.class).orElse("chatsdk");
    }

    public ChatApiSettings apiSettings() {
        ChatApiSettings.RateLimits limits = ChatApiSettings.RateLimits.defaults();
        for (String group : ChatApiSettings.RateLimits.GROUPS.split(", ")) {
            ChatApiSettings.Limit dflt = limits.limit(group);
            long app = config.getOptionalValue("chatsdk.rate-limit." + group + ".app", Long.class).orElse(dflt.perApp());
            long user = config.getOptionalValue("chatsdk.rate-limit." + group + ".user", Long.class).orElse(dflt.perUser());
            limits = limits.with(group, new ChatApiSettings.Limit(app, user));
        }
        if (!config.getOptionalValue("chatsdk.rate-limit.enabled", Boolean.class).orElse(true)) {
            limits = limits.disabled();
        }
        return ChatApiSettings.defaults()
                .withMaxBodyBytes(config.getOptionalValue("chatsdk.max-body-bytes", Integer.class).orElse(1024 * 1024))
                .withOperatorToken(operatorToken())
                .withComplianceToken(complianceToken())
                .withRateLimits(limits)
                .withMaxQueuedEvents(config.getOptionalValue("chatsdk.ws.max-queued-events", Integer.class).orElse(1000))
                .withMaxQueuedBytes(config.getOptionalValue("chatsdk.ws.max-queued-bytes", Integer.class).orElse(1024 * 1024))
                .withIdleTimeout(java.time.Duration.ofSeconds(config.getOptionalValue("chatsdk.ws.idle-timeout-seconds", Integer.class).orElse(60)))
                .withLocalDelivery(localDelivery())
                .withAuthFailures(new ChatApiSettings.AuthFailurePolicy(
                        config.getOptionalValue("chatsdk.auth-failures.per-address-per-minute", Integer.class).orElse(100),
                        java.time.Duration.ofSeconds(config.getOptionalValue("chatsdk.auth-failures.window-seconds", Integer.class).orElse(10)),
                        java.util.Set.copyOf(config.getOptionalValue("chatsdk.trusted-proxies", String.class).map(s -> java.util.Arrays.stream(s.split(","))
                                .map(String::strip).filter(a -> !a.isEmpty()).toList()).orElse(java.util.List.of()))));
    }

    /** A random secret kept in {@code data/secrets.properties} (mode 600), made on first use. */
    private synchronized String generated(String name, int bytes) {
        Path file = dataDir().resolve("secrets.properties");
        Properties p = new Properties();
        try {
            if (Files.exists(file)) {
                try (var in = Files.newInputStream(file)) {
                    p.load(in);
                }
            }
            String value = p.getProperty(name);
            if (value == null) {
                byte[] raw = new byte[bytes];
                new SecureRandom().nextBytes(raw);
                value = name.equals("master-key") ? Base64.getEncoder().encodeToString(raw) : Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
                p.setProperty(name, value);
                if (!Files.exists(file)) {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                }
                try (var out = Files.newOutputStream(file)) {
                    p.store(out, "generated by the ChatSDK appliance; keep this file secret");
                }
            }
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }
}
