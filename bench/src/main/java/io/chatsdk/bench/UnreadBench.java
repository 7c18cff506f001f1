package io.chatsdk.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.ChatEngine;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.UnreadCounts;
import io.chatsdk.engine.model.UserInput;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The unread-count query for one user who is a member of 500 channels holding 2,000 messages each (1M in all),
 * with 1 % of messages mentioning the user and a random read marker per channel.
 */
final class UnreadBench {
    static final int CHANNELS = 500;
    static final int PER_CHANNEL = 2000;
    static final int ITERATIONS = 300;

    private UnreadBench() {
    }

    static void run(ChatEngine engine, HikariDataSource ds, AppHandle benchApp) throws Exception {
        AppHandle app = engine.app(engine.apps().create("unread-bench").appId());
        app.users().upsertAll(List.of(UserInput.of("reader"), UserInput.of("writer")));
        long t0 = System.nanoTime();
        for (int c = 0; c < CHANNELS; c++) {
            app.channels().getOrCreate("messaging", "ch" + c, ChannelInput.withMembers("writer", List.of("reader")));
        }
        try (Connection conn = ds.getConnection(); Statement s = conn.createStatement()) {
            conn.setAutoCommit(false);
            try (PreparedStatement ps = conn.prepareStatement("insert into message (app_id, id, channel_pk, seq, user_id, type, text, created_at, updated_at) "
                    + "select c.app_id, c.pk::text || '-' || g, c.pk, g, 'writer', 'regular', 'bulk message', now(), now() "
                    + "from channel c cross join generate_series(1, ?) g where c.app_id = ?")) {
                ps.setInt(1, PER_CHANNEL);
                ps.setObject(2, app.id().value());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = conn.prepareStatement("update channel set last_seq = ?, last_message_at = now() where app_id = ?")) {
                ps.setInt(1, PER_CHANNEL);
                ps.setObject(2, app.id().value());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = conn.prepareStatement("update channel_member set last_read_seq = floor(random() * ?) where app_id = ? and user_id = 'reader'")) {
                ps.setInt(1, PER_CHANNEL);
                ps.setObject(2, app.id().value());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = conn.prepareStatement("insert into user_message_flag (app_id, user_id, message_id, channel_pk, seq, flags) "
                    + "select app_id, 'reader', id, channel_pk, seq, 1 from message where app_id = ? and seq % 100 = 0")) {
                ps.setObject(1, app.id().value());
                ps.executeUpdate();
            }
            conn.commit();
            conn.setAutoCommit(true);
            s.execute("vacuum analyze");
        }
        double setup = (System.nanoTime() - t0) / 1e9;
        long total = 0;
        for (int i = 0; i < 20; i++) {
            total += app.reads().unreadCounts("reader").totalUnreadCount();
        }
        long[] nanos = new long[ITERATIONS];
        UnreadCounts last = null;
        for (int i = 0; i < ITERATIONS; i++) {
            long s0 = System.nanoTime();
            last = app.as("reader").reads().unreadCounts(null);
            nanos[i] = System.nanoTime() - s0;
        }
        Arrays.sort(nanos);
        long messages;
        try (Connection conn = ds.getConnection(); Statement s = conn.createStatement();
             var rs = s.executeQuery("select count(*) from message where app_id = '" + app.id() + "'")) {
            rs.next();
            messages = rs.getLong(1);
        }
        System.out.println("### Unread counts");
        System.out.printf(Locale.ROOT, "User in %d channels holding %,d messages (%d unread channels, %,d unread, %,d unread mentions); setup took %.0f s.%n%n",
                CHANNELS, messages, last.unreadChannels(), last.totalUnreadCount(), last.totalUnreadMentions(), setup);
        System.out.println("| query | iterations | p50 ms | p99 ms | max ms |");
        System.out.println("|---|---:|---:|---:|---:|");
        System.out.printf(Locale.ROOT, "| unreadCounts (all 500 channels, with mentions) | %d | %.2f | %.2f | %.2f |%n", ITERATIONS,
                EngineBench.percentile(nanos, 0.5), EngineBench.percentile(nanos, 0.99), nanos[nanos.length - 1] / 1e6);
        if (total < 0) {
            throw new AssertionError("unreachable: keeps the warm-up from being optimised away");
        }
    }
}
