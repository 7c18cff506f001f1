package io.chatsdk.bench;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.ChatEngine;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.SearchPage;
import io.chatsdk.engine.model.SearchQuery;
import io.chatsdk.engine.model.SortField;
import io.chatsdk.engine.model.UserInput;
import io.chatsdk.engine.spi.KeyProvider;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Message search over the blind index against PostgreSQL's own full-text search on the same messages in clear, in one
 * run on one embedded PostgreSQL 17 ({@code fsync=on}).
 *
 * <p>Data: {@code N} messages (default 1,000,000) in 500 channels, 6 to 14 words each, drawn from a vocabulary of
 * 20,000 made-up words with Zipf frequencies (rank 1 is in about one message in nine), plus a rare word in 10 messages.
 * The messages are bulk-inserted, then sealed and indexed by the engine's own re-encryption pass (which is timed);
 * the baseline table holds the same text in clear with a stored {@code to_tsvector('simple', text)} and a GIN index,
 * which is the ceiling: no encryption, no visibility or retention checks, ids only.
 *
 * <p>Queries run as a user who is a member of all 500 channels ({@code members $in [reader]}), 20 hits a page.
 * Run with {@code ./chatsdk bench-search [messages]}; {@code -Dchatsdk.bench.case=TEXT} runs only the cases whose name
 * contains TEXT.
 */
public final class SearchBench {
    static final int CHANNELS = 500;
    static final int VOCABULARY = 20_000;
    static final int ITERATIONS = 200;
    static final String RARE = "quetzalcoatl";

    private SearchBench() {
    }

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 && !args[0].isBlank() ? Integer.parseInt(args[0].trim()) : 1_000_000;
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("shared_buffers", "512MB")
                .setServerConfig("max_wal_size", "4GB")
                .start();
             HikariDataSource ds = EngineBench.pool(pg.getJdbcUrl("postgres", "postgres"));
             ChatEngine engine = ChatEngine.builder().dataSource(ds).keyProvider(KeyProvider.aesGcm(EngineBench.randomKey()))
                     .outboxRelay(false).maintenance(false).build()) {
            run(engine, ds, messages);
        }
    }

    static void run(ChatEngine engine, HikariDataSource ds, int total) throws Exception {
        AppHandle app = engine.app(engine.apps().create("search-bench").appId());
        app.users().upsertAll(List.of(UserInput.of("reader"), UserInput.of("writer")));
        List<UUID> channels = new ArrayList<>();
        for (int c = 0; c < CHANNELS; c++) {
            app.channels().getOrCreate("messaging", "ch" + c, ChannelInput.withMembers("writer", List.of("reader")));
        }
        String[] vocabulary = vocabulary(new Random(7));
        long t0 = System.nanoTime();
        try (Connection conn = ds.getConnection(); Statement s = conn.createStatement()) {
            try (ResultSet rs = s.executeQuery("select pk from channel where app_id = '" + app.id() + "' order by id")) {
                while (rs.next()) {
                    channels.add(rs.getObject(1, UUID.class));
                }
            }
            s.execute("create table plain_message (id text primary key, channel_pk uuid not null, created_at timestamptz not null, text text not null, "
                    + "tsv tsvector generated always as (to_tsvector('simple', text)) stored)");
            insert(conn, app, channels, vocabulary, total);
            s.execute("create index plain_message_tsv on plain_message using gin (tsv)");
            s.execute("create index plain_message_time on plain_message (channel_pk, created_at)");
            s.execute("vacuum analyze");
        }
        double loaded = (System.nanoTime() - t0) / 1e9;

        long t1 = System.nanoTime();
        Map<String, Long> sealed = app.compliance().keys().reencrypt();
        double sealAndIndex = (System.nanoTime() - t1) / 1e9;
        try (Connection conn = ds.getConnection(); Statement s = conn.createStatement()) {
            s.execute("vacuum analyze");
        }
        // indexing throughput on sealed rows: drop 20,000 messages' terms and index them again in batches, as backfill does
        int sample = Math.min(20_000, total);
        try (Connection conn = ds.getConnection(); Statement s = conn.createStatement()) {
            s.execute("delete from message_search_doc where message_id in (select message_id from message_search_doc where app_id = '" + app.id()
                    + "' order by random() limit " + sample + ")");
        }
        long t2 = System.nanoTime();
        int reindexed = app.searchIndex().backfill(sample);
        double indexSeconds = (System.nanoTime() - t2) / 1e9;
        long terms;
        long termBytes;
        long messageBytes;
        try (Connection conn = ds.getConnection(); Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery("select (select count(*) from message_search_term), pg_total_relation_size('message_search_term') "
                     + "+ pg_total_relation_size('message_search_doc'), pg_total_relation_size('message')")) {
            rs.next();
            terms = rs.getLong(1);
            termBytes = rs.getLong(2);
            messageBytes = rs.getLong(3);
        }

        System.out.println("## Search benchmark");
        System.out.printf(Locale.ROOT, "JVM %s, %d cores, %,d messages in %d channels, PostgreSQL %s (fsync=on)%n%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), total, CHANNELS, EngineBench.serverVersion(ds));
        System.out.printf(Locale.ROOT, "- bulk load of clear rows and the baseline table with its GIN index: %.0f s%n", loaded);
        System.out.printf(Locale.ROOT, "- the engine's re-encryption pass, sealing %,d messages and indexing them: %.0f s (%,.0f messages/s)%n",
                sealed.get("messages"), sealAndIndex, sealed.get("messages") / sealAndIndex);
        System.out.printf(Locale.ROOT, "- indexing alone, %,d sealed messages in batches of 500: %.1f s, **%,.0f messages/s**%n", reindexed, indexSeconds, reindexed / indexSeconds);
        System.out.printf(Locale.ROOT, "- index: %,d terms (%.1f per message), %,d MB with its indexes; the message table: %,d MB%n%n",
                terms, (double) terms / total, termBytes >> 20, messageBytes >> 20);

        Map<String, Object> mine = Map.of("members", Map.of("$in", List.of("reader")));
        AppHandle reader = app.as("reader");
        UUID[] scope = channels.toArray(UUID[]::new);
        System.out.println("| query | hits | engine p50 ms | engine p99 ms | tsvector p50 ms | tsvector p99 ms | engine / tsvector (p50) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        String common = vocabulary[0];
        String medium = vocabulary[499];
        String uncommon = vocabulary[9999];
        record Case(String name, SearchQuery engine, String tsquery, boolean rank) {
        }
        List<Case> cases = List.of(
                new Case("rare word (10 messages), newest first", SearchQuery.text(mine, RARE).sortedBy(SortField.desc("created_at")), RARE, false),
                new Case("uncommon word (rank 10,000), newest first", SearchQuery.text(mine, uncommon).sortedBy(SortField.desc("created_at")), uncommon, false),
                new Case("medium word (rank 500), newest first", SearchQuery.text(mine, medium).sortedBy(SortField.desc("created_at")), medium, false),
                new Case("most common word, newest first", SearchQuery.text(mine, common).sortedBy(SortField.desc("created_at")), common, false),
                new Case("two words (ranks 500 and 1), newest first", SearchQuery.text(mine, medium + " " + common).sortedBy(SortField.desc("created_at")),
                        medium + " & " + common, false),
                new Case("prefix of 4 letters ($autocomplete), newest first", SearchQuery.messages(mine, Map.of("text", Map.of("$autocomplete", medium.substring(0, 4))))
                        .sortedBy(SortField.desc("created_at")), medium.substring(0, 4) + ":*", false),
                new Case("medium word, by relevance", SearchQuery.text(mine, medium), medium, true),
                new Case("most common word, by relevance (newest 1,000 scored; tsvector ranks all)", SearchQuery.text(mine, common), common, true));
        String only = System.getProperty("chatsdk.bench.case");
        for (Case c : cases) {
            if (only != null && !c.name().contains(only)) {
                continue;
            }
            int[] hits = {0};
            double[] e = time(() -> {
                SearchPage p = reader.search().search(c.engine());
                hits[0] = p.results().size();
                return p;
            });
            double[] b = time(() -> baseline(ds, scope, c.tsquery(), c.rank()));
            System.out.printf(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f |%n", c.name(), hits[0], e[0], e[1], b[0], b[1], e[0] / b[0]);
        }
    }

    private static double[] time(Supplier<Object> query) {
        long first = System.nanoTime();
        query.get();
        first = System.nanoTime() - first;
        // a slow case runs fewer times, so that the whole benchmark stays within minutes
        int iterations = first > 200_000_000L ? 10 : ITERATIONS;
        for (int i = 0; i < (iterations == ITERATIONS ? 20 : 0); i++) {
            query.get();
        }
        long[] nanos = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            long s = System.nanoTime();
            query.get();
            nanos[i] = System.nanoTime() - s;
        }
        Arrays.sort(nanos);
        return new double[] {EngineBench.percentile(nanos, 0.5), EngineBench.percentile(nanos, 0.99)};
    }

    private static List<String> baseline(HikariDataSource ds, UUID[] scope, String tsquery, boolean rank) {
        String sql = "select id, text from plain_message where channel_pk = any(?) and tsv @@ to_tsquery('simple', ?) "
                + (rank ? "order by ts_rank(tsv, to_tsquery('simple', ?)) desc, created_at desc" : "order by created_at desc") + " limit 20";
        try (Connection conn = ds.getConnection(); PreparedStatement ps = conn.prepareStatement(sql)) {
            // planned each time with the word's real frequency, as the engine's searches are (a generic plan is far slower)
            try (Statement s = conn.createStatement()) {
                s.execute("set plan_cache_mode = force_custom_plan");
            }
            ps.setArray(1, conn.createArrayOf("uuid", scope));
            ps.setString(2, tsquery);
            if (rank) {
                ps.setString(3, tsquery);
            }
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Bulk-inserts clear message rows (the engine seals them afterwards) and the baseline's rows, in batches. */
    private static void insert(Connection conn, AppHandle app, List<UUID> channels, String[] vocabulary, int total) throws Exception {
        double[] cumulative = new double[vocabulary.length];
        double sum = 0;
        for (int i = 0; i < vocabulary.length; i++) {
            sum += 1.0 / (i + 1);
            cumulative[i] = sum;
        }
        Random random = new Random(42);
        java.util.Set<Integer> rare = new java.util.HashSet<>();
        while (rare.size() < Math.min(10, total)) {
            rare.add(random.nextInt(total));
        }
        long[] seq = new long[channels.size()];
        Instant start = Instant.now().minusSeconds(30L * 24 * 3600);
        long step = Math.max(1, 30L * 24 * 3600 * 1_000_000 / total);   // microseconds between messages over 30 days
        int batch = 5000;
        conn.setAutoCommit(false);
        try (PreparedStatement msg = conn.prepareStatement("insert into message (app_id, id, channel_pk, seq, user_id, type, text, created_at, updated_at) "
                + "select ?, t.id, t.pk, t.seq, 'writer', 'regular', t.text, t.at, t.at from unnest(?::text[], ?::uuid[], ?::bigint[], ?::text[], ?::timestamptz[]) "
                + "as t(id, pk, seq, text, at)");
             PreparedStatement plain = conn.prepareStatement("insert into plain_message (id, channel_pk, created_at, text) "
                     + "select * from unnest(?::text[], ?::uuid[], ?::timestamptz[], ?::text[])")) {
            for (int from = 0; from < total; from += batch) {
                int n = Math.min(batch, total - from);
                String[] ids = new String[n];
                UUID[] pks = new UUID[n];
                Long[] seqs = new Long[n];
                String[] texts = new String[n];
                Timestamp[] times = new Timestamp[n];
                for (int i = 0; i < n; i++) {
                    int k = from + i;
                    int c = random.nextInt(channels.size());
                    ids[i] = "m" + k;
                    pks[i] = channels.get(c);
                    seqs[i] = ++seq[c];
                    int words = 6 + random.nextInt(9);
                    StringBuilder text = new StringBuilder();
                    for (int w = 0; w < words; w++) {
                        int idx = Arrays.binarySearch(cumulative, random.nextDouble() * sum);
                        text.append(w == 0 ? "" : " ").append(vocabulary[Math.min(vocabulary.length - 1, idx < 0 ? -idx - 1 : idx)]);
                    }
                    if (rare.contains(k)) {
                        text.append(' ').append(RARE);
                    }
                    texts[i] = text.toString();
                    Instant at = start.plusNanos(1000L * step * k);
                    times[i] = Timestamp.from(at);
                }
                msg.setObject(1, app.id().value());
                msg.setArray(2, conn.createArrayOf("text", ids));
                msg.setArray(3, conn.createArrayOf("uuid", pks));
                msg.setArray(4, conn.createArrayOf("bigint", seqs));
                msg.setArray(5, conn.createArrayOf("text", texts));
                msg.setArray(6, conn.createArrayOf("timestamptz", times));
                msg.executeUpdate();
                plain.setArray(1, conn.createArrayOf("text", ids));
                plain.setArray(2, conn.createArrayOf("uuid", pks));
                plain.setArray(3, conn.createArrayOf("timestamptz", times));
                plain.setArray(4, conn.createArrayOf("text", texts));
                plain.executeUpdate();
                conn.commit();
            }
            try (PreparedStatement ps = conn.prepareStatement("update channel c set last_seq = (select coalesce(max(seq), 0) from message m where m.channel_pk = c.pk), "
                    + "last_message_at = now() where app_id = ?")) {
                ps.setObject(1, app.id().value());
                ps.executeUpdate();
            }
            conn.commit();
        } finally {
            conn.setAutoCommit(true);
        }
    }

    /** Made-up lower-case words of 3 to 10 letters, distinct. */
    private static String[] vocabulary(Random random) {
        java.util.LinkedHashSet<String> words = new java.util.LinkedHashSet<>();
        while (words.size() < VOCABULARY) {
            int length = 3 + random.nextInt(8);
            StringBuilder w = new StringBuilder();
            for (int i = 0; i < length; i++) {
                w.append((char) ('a' + random.nextInt(26)));
            }
            if (!w.toString().equals(RARE)) {
                words.add(w.toString());
            }
        }
        return words.toArray(String[]::new);
    }
}
