package io.chatsdk.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Locale;

/**
 * How long migration V17 (each search document gets its terms) takes on an index of the release before it: embedded
 * PostgreSQL as the appliance runs it, the schema migrated to V16, {@code N} documents (default 200,000) with 30 term
 * rows each written by SQL (random terms, no message rows), {@code VACUUM ANALYZE}, then the remaining migrations timed.
 * Run with {@code ./mvnw -q -pl bench exec:java -Dexec.mainClass=io.chatsdk.bench.SearchMigrationBench -Dexec.args=N}.
 */
public final class SearchMigrationBench {
    private SearchMigrationBench() {
    }

    public static void main(String[] args) throws Exception {
        int documents = args.length > 0 && !args[0].isBlank() ? Integer.parseInt(args[0].trim()) : 200_000;
        try (EmbeddedPostgres pg = EngineBench.durablePostgres().setServerConfig("max_wal_size", "4GB").start();
             HikariDataSource ds = EngineBench.pool(pg.getJdbcUrl("postgres", "postgres"))) {
            migrate(ds, "16");
            long t0 = System.nanoTime();
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("insert into message_search_doc (app_id, message_id, key_version, indexed_at) "
                        + "select ('00000000-0000-0000-0000-00000000000' || (i % 10))::uuid, 'msg-' || i, 1, now() from generate_series(1, " + documents + ") i");
                s.execute("insert into message_search_term (app_id, term, created_at, message_id) "
                        + "select ('00000000-0000-0000-0000-00000000000' || (i % 10))::uuid, hashtextextended(i || ':' || j, 0), "
                        + "timestamptz '2026-01-01' + i * interval '1 second', 'msg-' || i from generate_series(1, " + documents + ") i, generate_series(1, 30) j");
                s.execute("vacuum analyze message_search_doc");
                s.execute("vacuum analyze message_search_term");
            }
            double load = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            migrate(ds, "latest");
            double seconds = (System.nanoTime() - t1) / 1e9;
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select count(*), sum(cardinality(terms)) from message_search_doc")) {
                rs.next();
                System.out.printf(Locale.ROOT, "## Search migration benchmark%n%n- %,d documents with %,d term rows written at V16 in %.0f s%n"
                        + "- the migrations after V16 (V17 gives every document its terms): **%.1f s**, %.1f s per million documents%n",
                        rs.getLong(1), rs.getLong(2), load, seconds, seconds * 1_000_000 / rs.getLong(1));
            }
        }
    }

    private static void migrate(HikariDataSource ds, String target) {
        // the engine's settings (ChatEngine), stopped at a version
        Flyway.configure(SearchMigrationBench.class.getClassLoader()).dataSource(ds).locations("classpath:db/migration")
                .table("chatsdk_schema_history").baselineOnMigrate(true).baselineVersion("0").target(target).load().migrate();
    }
}
