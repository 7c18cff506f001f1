package io.chatsdk.bench;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.ChatEngine;
import io.chatsdk.engine.model.AppCredentials;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.UserInput;
import io.chatsdk.engine.spi.KeyProvider;
import io.chatsdk.engine.types.Cid;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The time of one event's audience look-up (the WebSocket hub asks it once per event, on its fan-out thread), for
 * channels of 10, 100 and 1,000 members all connected, against the same statement sent alone over plain JDBC in
 * auto-commit (one round trip, no transaction): the baseline, run in the same process.
 *
 * <p>{@code ./chatsdk bench-audience [calls]}: each case runs {@code calls} look-ups (default 3,000) after as many to
 * warm up; the cases alternate in three rounds and the table gives each one's medians over the rounds.
 */
public final class AudienceBench {
    private static final int[] SIZES = {10, 100, 1_000};

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 && !args[0].isBlank() ? Integer.parseInt(args[0].trim()) : 3_000;
        try (EmbeddedPostgres pg = EngineBench.durablePostgres().start();
             HikariDataSource ds = EngineBench.pool(pg.getJdbcUrl("postgres", "postgres"));
             ChatEngine engine = ChatEngine.builder().dataSource(ds).keyProvider(KeyProvider.aesGcm(EngineBench.randomKey())).build()) {
            AppCredentials creds = engine.apps().create("bench");
            AppHandle app = engine.app(creds.appId());
            List<String> everyone = new ArrayList<>();
            for (int i = 0; i < SIZES[SIZES.length - 1]; i++) {
                everyone.add(String.format(Locale.ROOT, "u%04d", i));
            }
            for (int i = 0; i < everyone.size(); i += 100) {
                app.users().upsertAll(everyone.subList(i, i + 100).stream().map(UserInput::of).toList());
            }
            System.out.println("## Audience look-up benchmark");
            System.out.printf(Locale.ROOT, "JVM %s, %d cores, %,d look-ups per case after as many to warm up, three rounds%n%n",
                    Runtime.version(), Runtime.getRuntime().availableProcessors(), calls);
            System.out.println("| members, all connected | engine p50 µs | engine p90 µs | engine p99 µs | JDBC p50 µs | JDBC p90 µs | JDBC p99 µs | engine / JDBC (p50) |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (int size : SIZES) {
                List<String> members = everyone.subList(0, size);
                Cid cid = app.channels().getOrCreate("messaging", "a" + size, ChannelInput.withMembers("u0000", members.subList(0, Math.min(size, 100))))
                        .channel().cid();
                for (int i = 100; i < size; i += 100) {
                    app.channels().addMembers(cid, members.subList(i, Math.min(size, i + 100)));
                }
                Set<String> authors = Set.of("u0000");
                // the hub passes the key set of its map of connected users
                Set<String> connected = java.util.concurrent.ConcurrentHashMap.newKeySet();
                connected.addAll(members);
                Supplier<List<String>> viaEngine = () -> app.channels().memberIdsExceptBlockersOf(cid, authors, connected, 10_000);
                Supplier<List<String>> viaJdbc = () -> jdbc(ds, creds.appId().value(), cid, authors, connected);
                if (!viaEngine.get().equals(viaJdbc.get()) || viaEngine.get().size() != size) {
                    throw new IllegalStateException("the engine and the baseline disagree on " + cid);
                }
                List<long[]> engineRounds = new ArrayList<>();
                List<long[]> jdbcRounds = new ArrayList<>();
                for (int round = 0; round < 3; round++) {
                    boolean engineFirst = round % 2 == 0;
                    (engineFirst ? engineRounds : jdbcRounds).add(time(engineFirst ? viaEngine : viaJdbc, calls));
                    (engineFirst ? jdbcRounds : engineRounds).add(time(engineFirst ? viaJdbc : viaEngine, calls));
                }
                long[] e = medians(engineRounds);
                long[] j = medians(jdbcRounds);
                System.out.printf(Locale.ROOT, "| %,d | %,d | %,d | %,d | %,d | %,d | %,d | %.2f |%n", size, e[0], e[1], e[2], j[0], j[1], j[2],
                        (double) e[0] / j[0]);
            }
        }
    }

    /** The hub's statement, alone in auto-commit. */
    private static List<String> jdbc(HikariDataSource ds, java.util.UUID appId, Cid cid, Set<String> authors, Set<String> among) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("select m.user_id from channel c join channel_member m on m.channel_pk = c.pk "
                     + "where c.app_id = ? and c.type = ? and c.id = ? and not exists (select 1 from user_block b "
                     + "where b.app_id = c.app_id and b.user_id = m.user_id and b.blocked_id = any(?)) "
                     + "and m.user_id = any(?) order by m.user_id limit 10000")) {
            ps.setObject(1, appId);
            ps.setString(2, cid.type());
            ps.setString(3, cid.id());
            ps.setArray(4, c.createArrayOf("text", authors.toArray()));
            ps.setArray(5, c.createArrayOf("text", among.toArray()));
            List<String> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** p50, p90 and p99 in microseconds of {@code calls} calls, after as many unmeasured. */
    private static long[] time(Supplier<List<String>> lookUp, int calls) {
        long sink = 0;
        for (int i = 0; i < calls; i++) {
            sink += lookUp.get().size();
        }
        long[] nanos = new long[calls];
        for (int i = 0; i < calls; i++) {
            long t0 = System.nanoTime();
            sink += lookUp.get().size();
            nanos[i] = System.nanoTime() - t0;
        }
        if (sink < 0) {
            throw new AssertionError();
        }
        Arrays.sort(nanos);
        // EngineBench's percentiles are in milliseconds
        return new long[] {Math.round(EngineBench.percentile(nanos, 0.50) * 1_000), Math.round(EngineBench.percentile(nanos, 0.90) * 1_000),
                Math.round(EngineBench.percentile(nanos, 0.99) * 1_000)};
    }

    private static long[] medians(List<long[]> rounds) {
        long[] m = new long[3];
        for (int k = 0; k < 3; k++) {
            int kk = k;
            m[k] = rounds.stream().mapToLong(r -> r[kk]).sorted().toArray()[rounds.size() / 2];
        }
        return m;
    }
}
