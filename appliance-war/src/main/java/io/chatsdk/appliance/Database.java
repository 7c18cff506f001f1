package io.chatsdk.appliance;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;

/**
 * The appliance's PostgreSQL: the configured external server, or an embedded PostgreSQL 17 (real binaries from the
 * zonky artifact) whose data lives under {@code <data dir>/postgres} and survives restarts. Connections go through a
 * HikariCP pool. Stopping the application stops the embedded server; a JVM shutdown hook does too, as a backstop.
 */
@ApplicationScoped
public class Database {
    private static final System.Logger LOG = System.getLogger(Database.class.getName());

    @Inject
    ApplianceConfig config;

    private EmbeddedPostgres embedded;
    private HikariDataSource pool;
    private Thread shutdownHook;

    public synchronized DataSource dataSource() {
        if (pool == null) {
            start();
        }
        return pool;
    }

    private void start() {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("chatsdk");
        // named explicitly: java.sql.DriverManager does not see drivers inside a web application's class loader
        hc.setDriverClassName("org.postgresql.Driver");
        hc.setMaximumPoolSize(32);
        // fail fast while the database is down (503 with Retry-After) instead of holding requests for 30 s
        hc.setConnectionTimeout(5000);
        if (config.embedded()) {
            Path dir = config.dataDir().resolve("postgres");
            stopLeftover(dir);
            String superPassword = config.databaseSuperuserPassword();
            Path pwfile = config.dataDir().resolve("postgres.pwfile");
            try {
                writeSecretFile(pwfile, superPassword);
                EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                        .setDataDirectory(dir)
                        .setCleanDataDirectory(false)
                        .setRegisterShutdownHook(false) // ours (below) runs while the application's classes are still loadable
                        .setServerConfig("max_connections", "100")
                        // zonky's defaults are for tests (fsync and synchronous_commit off); the appliance acknowledges
                        // only what is on disk
                        .setServerConfig("fsync", "on")
                        .setServerConfig("synchronous_commit", "on")
                        // autovacuum looks for work every 5 s instead of every minute: the tables a send writes and the
                        // relay empties (outbox_event, audit_pending) gather dead rows fast, and a hot channel sent 1.2
                        // times as many messages at 0.7 of the CPU with them vacuumed sooner (docs/performance.md)
                        .setServerConfig("autovacuum_naptime", "5s")
                        // the JVM inside Payara prefers IPv6, so zonky's readiness probe dials ::1
                        .setServerConfig("listen_addresses", "127.0.0.1,::1")
                        .setPGStartupWait(java.time.Duration.ofSeconds(60))
                        // no trust (issue #14 item 8): a new cluster's roles log in with scram-sha-256 passwords, the
                        // superuser's from the pwfile (these two flags come after zonky's own -A trust, so they win)
                        .setLocaleConfig("auth", "scram-sha-256")
                        .setLocaleConfig("pwfile", pwfile.toString())
                        .setConnectConfig("password", superPassword);
                embedded = startEmbedded(builder, dir);
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the embedded PostgreSQL in " + dir + ": " + e.getMessage()
                        + (e.getCause() == null ? "" : " (" + e.getCause() + ")"), e);
            } finally {
                try {
                    java.nio.file.Files.deleteIfExists(pwfile);
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "could not delete " + pwfile + ": " + e.getMessage());
                }
            }
            shutdownHook = new Thread(this::stopEmbedded, "chatsdk-postgres-stop");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            requirePasswords(dir, superPassword);
            createRuntimeRole();
            hc.setJdbcUrl(embedded.getJdbcUrl(RUNTIME_ROLE, "postgres"));
            hc.setUsername(RUNTIME_ROLE);
            hc.setPassword(config.runtimeRolePassword());
            LOG.log(Level.INFO, "embedded PostgreSQL started on port " + embedded.getPort() + " with data in " + dir);
        } else {
            hc.setJdbcUrl(config.jdbcUrl().orElseThrow());
            hc.setUsername(config.jdbcUser());
            hc.setPassword(config.jdbcPassword());
        }
        pool = new HikariDataSource(hc);
    }

    /**
     * A data directory made by an older appliance trusts every local connection. Give the superuser its password, then
     * make every line of {@code pg_hba.conf} ask for scram-sha-256 and reload: from then on no local process connects
     * without a password (the superuser's is in {@code secrets.properties}, mode 600, beside the data).
     */
    private void requirePasswords(Path dir, String superPassword) {
        Path hba = dir.resolve("pg_hba.conf");
        try {
            String conf = java.nio.file.Files.readString(hba);
            java.util.regex.Pattern trust = java.util.regex.Pattern.compile("(?m)^(?!\\s*#)(.*\\s)(trust|password|md5)\\s*$");
            if (!trust.matcher(conf).find()) {
                return;
            }
            try (var c = embedded.getPostgresDatabase().getConnection(); var s = c.createStatement()) {
                // the password is generated (url-safe base64), never user input
                s.execute("alter role postgres password '" + superPassword + "'");
                java.nio.file.Files.writeString(hba, trust.matcher(conf).replaceAll("$1scram-sha-256"));
                s.execute("select pg_reload_conf()");
            }
            LOG.log(Level.WARNING, "the embedded PostgreSQL in " + dir + " trusted local connections; it now asks every role for its password");
        } catch (IOException | java.sql.SQLException e) {
            throw new IllegalStateException("could not make the embedded PostgreSQL in " + dir + " ask for passwords: " + e.getMessage(), e);
        }
    }

    /** Writes a secret to a file only its owner may read. */
    private static void writeSecretFile(Path file, String secret) throws IOException {
        java.nio.file.Files.deleteIfExists(file);
        java.nio.file.Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        java.nio.file.Files.writeString(file, secret + "\n");
    }

    /** The embedded database's login role for the engine; it owns nothing and may not change the audit log. */
    static final String RUNTIME_ROLE = "chatsdk_app";

    private void createRuntimeRole() {
        try (var c = embedded.getPostgresDatabase().getConnection(); var s = c.createStatement()) {
            // the password is generated (url-safe base64), never user input
            String password = config.runtimeRolePassword();
            s.execute("do $$ begin if not exists (select from pg_roles where rolname = '" + RUNTIME_ROLE + "') then "
                    + "create role " + RUNTIME_ROLE + " login; end if; end $$");
            s.execute("alter role " + RUNTIME_ROLE + " password '" + password + "'");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("could not create the database role " + RUNTIME_ROLE + ": " + e.getMessage(), e);
        }
    }

    /** The schema owner, for migrations: the embedded superuser, or {@code CHATSDK_JDBC_MIGRATION_USER}; null means the pool's user. */
    public synchronized DataSource ownerDataSource() {
        dataSource();
        if (embedded != null) {
            return embedded.getPostgresDatabase();
        }
        if (config.jdbcMigrationUser() == null) {
            return null;
        }
        org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
        ds.setURL(config.jdbcUrl().orElseThrow());
        ds.setUser(config.jdbcMigrationUser());
        ds.setPassword(config.jdbcMigrationPassword());
        return ds;
    }

    /** The role the pool logs in as when it differs from the schema owner; null when they are the same. */
    public String runtimeRole() {
        if (config.embedded()) {
            return RUNTIME_ROLE;
        }
        return config.jdbcMigrationUser() == null ? null : config.jdbcUser();
    }

    /**
     * An appliance killed with {@code kill -9} leaves its embedded PostgreSQL running (it is a separate process). Stop
     * that one cleanly before starting ours on the same data directory; PostgreSQL's crash recovery covers the rest.
     */
    private static void stopLeftover(Path dir) {
        Path pidFile = dir.resolve("postmaster.pid");
        try {
            if (!java.nio.file.Files.exists(pidFile)) {
                return;
            }
            java.util.Optional<ProcessHandle> leftover = postmaster(java.nio.file.Files.readAllLines(pidFile));
            if (leftover.isEmpty()) {
                return; // a stale pid file: PostgreSQL itself deals with it
            }
            LOG.log(Level.WARNING, "stopping the embedded PostgreSQL (pid " + leftover.get().pid() + ") left running in " + dir);
            leftover.get().destroy(); // SIGTERM: PostgreSQL's smart shutdown; its clients are gone with the old process
            // on timeout the handle itself (still alive), not null: a null here used to end in a caught NullPointerException
            // and no forced stop
            if (!leftover.get().onExit().completeOnTimeout(leftover.get(), 30, java.util.concurrent.TimeUnit.SECONDS).join().isAlive()) {
                return;
            }
            leftover.get().destroyForcibly();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not check for a leftover PostgreSQL in " + dir + ": " + e.getMessage());
        }
    }

    /**
     * Starts the embedded server. zonky gives it 60 s to accept connections (and waits that long even for a server that
     * died at once), but crash recovery of a large database can take longer. If the server is still recovering then,
     * this waits for the recovery to end (up to {@link #RECOVERY_WAIT}, as its pid file tells) before it stops the
     * server cleanly and fails the start: the restart that follows finds a consistent database and starts at once.
     * Exiting at once would abort the recovery, and every restart would begin it again. (No second start here: zonky's
     * failed instance keeps its lock on the directory in this JVM.) On any failure the server is stopped, so a failed
     * start leaves none running.
     */
    private static EmbeddedPostgres startEmbedded(EmbeddedPostgres.Builder builder, Path dir) throws IOException {
        try {
            return builder.start();
        } catch (IOException e) {
            if (awaitRecovery(dir)) {
                LOG.log(Level.WARNING, "the embedded PostgreSQL in " + dir + " has finished its recovery; it is stopped cleanly, "
                        + "and the next start will find it consistent");
            }
            stopLeftover(dir);   // whatever its state: a failed start leaves no server running
            throw e;
        }
    }

    static final java.time.Duration RECOVERY_WAIT = java.time.Duration.ofMinutes(30);

    /**
     * Waits while this directory's server says it is starting (recovering); true once it says it is ready after it had
     * said it was starting. False at once for a server that is ready, stopping or gone.
     */
    private static boolean awaitRecovery(Path dir) {
        long deadline = System.nanoTime() + RECOVERY_WAIT.toNanos();
        boolean told = false;
        while (System.nanoTime() < deadline) {
            String status = postmasterStatus(dir);
            if (!"starting".equals(status)) {
                return told && "ready".equals(status);
            }
            if (!told) {
                LOG.log(Level.WARNING, "the embedded PostgreSQL in " + dir + " is still starting (recovering after a crash?); waiting for it, up to "
                        + RECOVERY_WAIT.toMinutes() + " minutes");
                told = true;
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /**
     * What the running server of this data directory says of itself in its pid file's status line ({@code starting},
     * {@code ready}, {@code stopping}, ...; {@code starting} while the line is not written yet), or null when no server
     * of this directory runs.
     */
    static String postmasterStatus(Path dir) {
        try {
            java.util.List<String> lines = java.nio.file.Files.readAllLines(dir.resolve("postmaster.pid"));
            if (postmaster(lines).isEmpty()) {
                return null;
            }
            return lines.size() > 7 ? lines.get(7).strip() : "starting";
        } catch (IOException | RuntimeException e) {
            return null;   // no pid file, or one being written
        }
    }

    /**
     * The live PostgreSQL process a pid file names: its pid (line 1) must be a running {@code postgres} that started when
     * line 3 says (epoch seconds), so that a pid reused by another cluster's server, after this one was killed, is not
     * taken for it.
     */
    private static java.util.Optional<ProcessHandle> postmaster(java.util.List<String> pidFile) {
        long pid = Long.parseLong(pidFile.get(0).strip());
        java.util.OptionalLong started = pidFile.size() > 2 ? java.util.OptionalLong.of(Long.parseLong(pidFile.get(2).strip()))
                : java.util.OptionalLong.empty();
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(ph -> ph.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .filter(ph -> started.isEmpty() || ph.info().startInstant()
                        .map(t -> Math.abs(t.getEpochSecond() - started.getAsLong()) <= 2).orElse(true));
    }

    /** Is the database answering? For the readiness check. */
    public boolean ping() {
        try (var c = dataSource().getConnection(); var s = c.createStatement(); var rs = s.executeQuery("select 1")) {
            return rs.next();
        } catch (Exception e) {
            return false;
        }
    }

    @PreDestroy
    synchronized void stop() {
        if (pool != null) {
            pool.close();
        }
        stopEmbedded();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting; the hook runs or has run
            }
        }
    }

    private synchronized void stopEmbedded() {
        if (embedded != null) {
            try {
                embedded.close();
                LOG.log(Level.INFO, "embedded PostgreSQL stopped");
            } catch (IOException e) {
                LOG.log(Level.WARNING, "embedded PostgreSQL did not stop cleanly: " + e.getMessage());
            }
            embedded = null;
        }
    }
}
