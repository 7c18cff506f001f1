package io.chatsdk.appliance;

import io.chatsdk.jakarta.ApiException;
import io.chatsdk.jakarta.ApiJson;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * {@code POST /bench/floor}: the floor of any durable REST send on this appliance, for the REST benchmark. It reads a
 * send's JSON body, inserts one row like a message (the table {@code bench_message}, made {@code like message}) with
 * its own commit through the appliance's pool, and answers 201 with a small JSON object: Payara's HTTP path, one JSON
 * parse and one durable insert, with no authentication, no engine and no audit record. The body's {@code channel} (a
 * number) picks one of a fixed set of channels, as the benchmark's JDBC baseline writes each thread's rows to its own.
 *
 * <p>Mapped only when {@code CHATSDK_BENCH_ENDPOINTS=true} ({@link Registration}), as the broadcast endpoint is
 * ({@link WebSocketConfig}): otherwise the path is not served at all. Never in production: it has no authentication.
 * It leaves the table {@code bench_message} and the sequence {@code bench_seq} in the database.
 */
public class BenchFloorServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final byte[] ANSWER = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
    private static final UUID[] CHANNELS = new UUID[1024];

    static {
        for (int i = 0; i < CHANNELS.length; i++) {
            CHANNELS[i] = UUID.nameUUIDFromBytes(("bench-floor-" + i).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Maps the servlet when the benchmark's endpoints are switched on, and only then. */
    @WebListener
    public static class Registration implements ServletContextListener {
        @Override
        public void contextInitialized(ServletContextEvent event) {
            if ("true".equalsIgnoreCase(System.getenv("CHATSDK_BENCH_ENDPOINTS"))) {
                event.getServletContext().addServlet("bench-floor", BenchFloorServlet.class).addMapping("/bench/floor");
            }
        }
    }

    private transient volatile boolean tableReady;
    private transient volatile Database database;

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String type = req.getContentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            // a cross-site form or text/plain POST, which needs no preflight, is refused
            resp.sendError(HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE);
            return;
        }
        String text;
        int channel;
        try {
            java.util.Map<String, Object> body = ApiJson.read(req.getInputStream(), 64 * 1024).asMap();
            text = body.get("message") instanceof java.util.Map<?, ?> m && m.get("text") instanceof String s ? s : null;
            channel = body.get("channel") instanceof Number n ? Math.floorMod(n.intValue(), CHANNELS.length) : 0;
        } catch (ApiException e) {
            resp.sendError(e.status());
            return;
        }
        if (text == null) {
            resp.sendError(HttpServletResponse.SC_BAD_REQUEST);
            return;
        }
        try {
            Database db = database;
            if (db == null) {
                db = CDI.current().select(Database.class).get();   // once: a look-up per request would add to the floor
                database = db;
            }
            if (!tableReady) {   // once: the monitor is not taken on every request of the measured path
                ensureTable(db);
            }
            insert(db.dataSource(), CHANNELS[channel], "u" + channel, text);
        } catch (SQLException e) {
            resp.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            return;
        }
        resp.setStatus(HttpServletResponse.SC_CREATED);
        resp.setContentType("application/json");
        resp.setContentLength(ANSWER.length);
        resp.getOutputStream().write(ANSWER);
    }

    /** The same row and statement as the benchmarks' JDBC baseline ({@code EngineBench.baselineInsert}). */
    private static void insert(DataSource ds, UUID channel, String user, String text) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("insert into bench_message (app_id, id, channel_pk, seq, user_id, type, text, "
                    + "attachments, mentioned_users, custom, created_at, updated_at) values (?, ?, ?, nextval('bench_seq'), ?, 'regular', ?, "
                    + "'[]'::jsonb, '{}', '{}'::jsonb, now(), now())")) {
                ps.setObject(1, channel);
                ps.setString(2, UUID.randomUUID().toString());
                ps.setObject(3, channel);
                ps.setString(4, user);
                ps.setString(5, text);
                ps.executeUpdate();
            }
            c.commit();
        }
    }

    private synchronized void ensureTable(Database database) throws SQLException {
        if (tableReady) {
            return;
        }
        DataSource owner = database.ownerDataSource();
        try (Connection c = (owner != null ? owner : database.dataSource()).getConnection(); Statement s = c.createStatement()) {
            s.execute("create table if not exists bench_message (like message including all)");
            s.execute("create sequence if not exists bench_seq");
            String role = database.runtimeRole();
            if (role != null && owner != null) {
                String quoted = "\"" + role.replace("\"", "\"\"") + "\"";   // a role name from the configuration, quoted
                s.execute("grant insert on bench_message to " + quoted);
                s.execute("grant usage on sequence bench_seq to " + quoted);
            }
        }
        tableReady = true;
    }
}
