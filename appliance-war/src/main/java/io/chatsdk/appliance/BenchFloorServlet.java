package io.chatsdk.appliance;

import io.chatsdk.jakarta.ApiException;
import io.chatsdk.jakarta.ApiJson;
import io.chatsdk.jakarta.JsonBody;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
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
 * parse and one durable insert, with no authentication, no engine and no audit record.
 *
 * <p>It answers only when {@code CHATSDK_BENCH_ENDPOINTS=true}, as the broadcast endpoint ({@link WebSocketConfig});
 * otherwise 404, as a path the appliance does not serve. Never in production: it has no authentication.
 */
@WebServlet("/bench/floor")
public class BenchFloorServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final boolean ENABLED = "true".equalsIgnoreCase(System.getenv("CHATSDK_BENCH_ENDPOINTS"));
    private static final byte[] ANSWER = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);

    @Inject
    transient Database database;

    private transient volatile boolean tableReady;

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!ENABLED) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        String text;
        try {
            JsonBody body = ApiJson.read(req.getInputStream(), 64 * 1024);
            Object message = body.asMap().get("message");
            text = message instanceof java.util.Map<?, ?> m && m.get("text") instanceof String s ? s : null;
        } catch (ApiException e) {
            resp.sendError(e.status());
            return;
        }
        if (text == null) {
            resp.sendError(HttpServletResponse.SC_BAD_REQUEST);
            return;
        }
        try {
            ensureTable();
            insert(database.dataSource(), text);
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
    private static void insert(DataSource ds, String text) throws SQLException {
        UUID channel = UUID.randomUUID();
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("insert into bench_message (app_id, id, channel_pk, seq, user_id, type, text, "
                    + "attachments, mentioned_users, custom, created_at, updated_at) values (?, ?, ?, nextval('bench_seq'), ?, 'regular', ?, "
                    + "'[]'::jsonb, '{}', '{}'::jsonb, now(), now())")) {
                ps.setObject(1, channel);
                ps.setString(2, UUID.randomUUID().toString());
                ps.setObject(3, channel);
                ps.setString(4, "bench");
                ps.setString(5, text);
                ps.executeUpdate();
            }
            c.commit();
        }
    }

    private synchronized void ensureTable() throws SQLException {
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
