package io.chatsdk.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the appliance's embedded PostgreSQL spent a measured run on, statement by statement, from its
 * {@code pg_stat_statements} extension: how often each statement ran, its execution time and the WAL it wrote, and how many of its WAL records were full-page images.
 *
 * <p>The extension must be loaded when PostgreSQL starts, which the appliance does not ask for; so the benchmark starts
 * the appliance once on a data directory of its own, stops it, adds the library to that directory's
 * {@code postgresql.conf} ({@link #enable}) and starts it again there. It connects as the database's superuser, whose
 * password the appliance generated into the data directory's {@code secrets.properties}.
 */
final class PgStatements implements AutoCloseable {
    private static final Pattern PORT = Pattern.compile("embedded PostgreSQL started on port (\\d+)");

    private final Connection connection;

    private PgStatements(Connection connection) {
        this.connection = connection;
    }

    /** One statement's share of a run, divided by the run's sends. */
    record Row(String query, double callsPerSend, double execMicrosPerSend, double rowsPerCall, double walBytesPerSend, double fullPagesPerSend) {
    }

    /** Makes the embedded PostgreSQL of a stopped appliance's data directory load the extension at its next start. */
    static void enable(Path dataDir) throws IOException {
        Files.writeString(dataDir.resolve("postgres").resolve("postgresql.conf"),
                "\n# added by the benchmark (PgStatements)\nshared_preload_libraries = 'pg_stat_statements'\n", StandardOpenOption.APPEND);
    }

    /** Connects to the running appliance's embedded PostgreSQL (its port from the appliance's log) and creates the extension. */
    static PgStatements connect(Path dataDir, Path applianceLog) throws IOException, SQLException {
        Matcher port = PORT.matcher(Files.readString(applianceLog));
        String last = null;
        while (port.find()) {
            last = port.group(1);
        }
        if (last == null) {
            throw new IllegalStateException("the appliance's log does not say which port its PostgreSQL listens on: " + applianceLog);
        }
        Properties secrets = new Properties();
        try (var in = Files.newInputStream(dataDir.resolve("secrets.properties"))) {
            secrets.load(in);
        }
        Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + last + "/postgres", "postgres",
                secrets.getProperty("database-superuser-password"));
        try (Statement s = c.createStatement()) {
            s.execute("create extension if not exists pg_stat_statements");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return new PgStatements(c);
    }

    /** Forgets what was counted so far. */
    void reset() throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("select pg_stat_statements_reset()");
        }
    }

    /** Every statement since the last reset, the most execution time first, each divided by {@code sends}. */
    List<Row> all(double sends) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("select regexp_replace(query, '\\s+', ' ', 'g'), calls, total_exec_time, rows, wal_bytes, wal_fpi "
                     + "from pg_stat_statements where query not like '%pg_stat_statements%' order by total_exec_time desc")) {
            while (rs.next()) {
                long calls = rs.getLong(2);
                out.add(new Row(rs.getString(1), calls / sends, rs.getDouble(3) * 1000 / sends, calls == 0 ? 0 : (double) rs.getLong(4) / calls,
                        rs.getBigDecimal(5).doubleValue() / sends, rs.getLong(6) / sends));
            }
        }
        return out;
    }

    /** The sum of {@code rows}: every figure added up, rows per call weighted by calls. */
    static Row total(List<Row> rows) {
        double calls = rows.stream().mapToDouble(Row::callsPerSend).sum();
        double rowCount = rows.stream().mapToDouble(r -> r.rowsPerCall() * r.callsPerSend()).sum();
        return new Row("all statements", calls, rows.stream().mapToDouble(Row::execMicrosPerSend).sum(), calls == 0 ? 0 : rowCount / calls,
                rows.stream().mapToDouble(Row::walBytesPerSend).sum(), rows.stream().mapToDouble(Row::fullPagesPerSend).sum());
    }

    /** Prints the {@code n} statements that took the most execution time, and the total of all, as a Markdown table. */
    void print(String label, int n, double sends) throws SQLException {
        System.out.println();
        System.out.println(label + ": the embedded PostgreSQL's statements during the measured run (`pg_stat_statements`), per send; "
                + "execution time is wall time in the executor, without parsing, planning, the protocol or the commit's flush:");
        System.out.println();
        System.out.println("| statement | calls per send | execution µs per send | rows per call | WAL bytes per send | WAL full-page images per send |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        List<Row> all = all(sends);
        List<Row> rows = new ArrayList<>(all.subList(0, Math.min(n, all.size())));
        rows.add(total(all));
        for (Row r : rows) {
            String q = r.query().length() > 120 ? r.query().substring(0, 117) + "..." : r.query();
            System.out.printf(Locale.ROOT, "| `%s` | %.2f | %.1f | %.1f | %.0f | %.2f |%n", q.replace("|", "\\|"), r.callsPerSend(), r.execMicrosPerSend(),
                    r.rowsPerCall(), r.walBytesPerSend(), r.fullPagesPerSend());
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
