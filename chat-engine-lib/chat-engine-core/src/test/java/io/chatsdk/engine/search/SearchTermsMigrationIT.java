package io.chatsdk.engine.search;

import com.zaxxer.hikari.HikariDataSource;
import io.chatsdk.engine.testing.TestDatabase;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Migration V17 on a database of the release before it (embedded PostgreSQL, migrated to V16 first): documents already
 * indexed get their terms, removed documents take exactly their terms, and a document written as the earlier release
 * writes it (a node of it during a rolling upgrade) is refused.
 */
class SearchTermsMigrationIT {
    private static final UUID APP = UUID.randomUUID();
    private static final UUID OTHER_APP = UUID.randomUUID();

    private static Flyway flyway(HikariDataSource ds, String target) {
        // the engine's own settings (ChatEngine), stopped at a version
        return Flyway.configure(SearchTermsMigrationIT.class.getClassLoader()).dataSource(ds).locations("classpath:db/migration")
                .table("chatsdk_schema_history").baselineOnMigrate(true).baselineVersion("0").target(target).load();
    }

    @Test
    void documentsGetTheirTermsAndTakeExactlyThemWhenRemoved() throws SQLException {
        try (HikariDataSource ds = TestDatabase.freshDatabase(2)) {
            flyway(ds, "16").migrate();
            // as the release before indexed them: a document, and a row per term
            sql(ds, "insert into message_search_doc (app_id, message_id, key_version, indexed_at) values "
                    + "('" + APP + "', 'm1', 1, '2026-12-01T10:00:00Z'), ('" + APP + "', 'm2', 1, '2026-12-01T10:00:00Z'), "
                    + "('" + OTHER_APP + "', 'm1', 1, '2026-12-01T10:00:00Z')");
            sql(ds, "insert into message_search_term (app_id, term, created_at, message_id) values "
                    + "('" + APP + "', 11, '2026-11-30T09:00:00Z', 'm1'), ('" + APP + "', 12, '2026-11-30T09:00:00Z', 'm1'), "
                    + "('" + APP + "', -13, '2026-11-30T09:00:00Z', 'm1'), "
                    + "('" + OTHER_APP + "', 11, '2026-11-30T09:00:00Z', 'm1')");   // m2 had no words

            flyway(ds, "latest").migrate();

            assertThat(terms(ds, APP, "m1")).containsExactly(-13L, 11L, 12L);
            assertThat(text(ds, "select created_at = '2026-11-30T09:00:00Z' from message_search_doc where app_id = '" + APP + "' and message_id = 'm1'"))
                    .isEqualTo("t");
            assertThat(terms(ds, APP, "m2")).isEmpty();
            assertThat(text(ds, "select created_at = indexed_at from message_search_doc where message_id = 'm2'")).isEqualTo("t");
            assertThat(terms(ds, OTHER_APP, "m1")).containsExactly(11L);

            // removing documents, one or many in a statement, takes their terms and no other document's (the same term and
            // message id in another app)
            sql(ds, "insert into message_search_doc (app_id, message_id, key_version, indexed_at, created_at, terms) values "
                    + "('" + APP + "', 'm5', 1, now(), '2026-11-30T09:05:00Z', '{31,32}')");
            sql(ds, "insert into message_search_term (app_id, term, created_at, message_id) values "
                    + "('" + APP + "', 31, '2026-11-30T09:05:00Z', 'm5'), ('" + APP + "', 32, '2026-11-30T09:05:00Z', 'm5')");
            sql(ds, "delete from message_search_doc where app_id = '" + APP + "' and message_id = 'm1'");
            assertThat(count(ds, "select count(*) from message_search_term where app_id = '" + APP + "'")).isEqualTo(2);
            sql(ds, "delete from message_search_doc where app_id = '" + APP + "'");
            assertThat(count(ds, "select count(*) from message_search_term where app_id = '" + APP + "'")).isZero();
            assertThat(count(ds, "select count(*) from message_search_term where app_id = '" + OTHER_APP + "'")).isEqualTo(1);

            // a node of the earlier release, during a rolling upgrade, writes a document without its terms: refused, so
            // its job is retried or dead-lettered and the message is indexed by this release (no document lacks terms)
            assertThatThrownBy(() -> sql(ds, "insert into message_search_doc (app_id, message_id, key_version, indexed_at) values ('"
                    + APP + "', 'm3', 1, now())"))
                    .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("23502");
        }
    }

    private static Long[] terms(HikariDataSource ds, UUID app, String messageId) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select terms from message_search_doc where app_id = '" + app + "' and message_id = '" + messageId + "'")) {
            assertThat(rs.next()).as("document " + messageId).isTrue();
            Array a = rs.getArray(1);
            Long[] out = (Long[]) a.getArray();
            Arrays.sort(out);
            return out;
        }
    }

    private static String text(HikariDataSource ds, String query) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private static long count(HikariDataSource ds, String query) throws SQLException {
        return Long.parseLong(text(ds, query));
    }

    private static void sql(HikariDataSource ds, String statement) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
