package io.chatsdk.bench;

import io.chatsdk.connectors.embeddings.LocalEmbedder;
import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.ChatEngine;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.MessagePage;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.model.SearchQuery;
import io.chatsdk.engine.model.UserInput;
import io.chatsdk.engine.spi.KeyProvider;
import io.chatsdk.engine.types.Cid;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * The opt-in AI's costs, each next to a baseline measured in the same run (docs/performance.md, "AI"):
 * <ul>
 *   <li>embeddings per second on 1 thread and on every core (all-MiniLM-L6-v2, quantised, in-process), against hashing
 *       the same messages' search terms, which is what indexing does without AI;</li>
 *   <li>indexing throughput of sealed messages with embeddings on, against the same app's indexing with them off;</li>
 *   <li>semantic search ({@code $semantic}) p50/p99 over {@code N} embedded messages (default 20,000, in 50 channels),
 *       against full-text search of one word on the same messages;</li>
 *   <li>smart replies p50/p99;</li>
 *   <li>a catch-up summary of 500 missed messages, against reading those 500 messages.</li>
 * </ul>
 * Messages are sentences made from templates (English chat about work, food, travel, code). Run with
 * {@code ./chatsdk bench-ai [messages]}.
 */
public final class AiBench {
    static final int CHANNELS = 50;
    static final String[] SUBJECTS = {"the release", "the budget", "lunch", "the deploy", "the meeting", "my flight", "the login bug", "the report",
        "the new design", "the database migration", "our offsite", "the customer call", "the invoice", "the test suite", "the hiring plan"};
    static final String[] PREDICATES = {"is moved to Friday", "looks good to me", "needs another review", "was cancelled", "is running late",
        "went better than expected", "is blocked on legal", "is ready for sign-off", "broke again last night", "starts at noon",
        "needs two more people", "is over budget", "shipped this morning", "is on hold until March", "has a typo on page three"};
    static final String[] TAILS = {"", "?", ", can you check?", " - thoughts?", ", thanks!", " again", ", as far as I know", " :)", ", apparently", "!"};

    private AiBench() {
    }

    static String sentence(Random r) {
        return capital(SUBJECTS[r.nextInt(SUBJECTS.length)]) + " " + PREDICATES[r.nextInt(PREDICATES.length)] + TAILS[r.nextInt(TAILS.length)];
    }

    private static String capital(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    public static void main(String[] args) throws Exception {
        int total = args.length > 0 && !args[0].isBlank() ? Integer.parseInt(args[0].trim()) : 20_000;
        LocalEmbedder model = new LocalEmbedder().warmUp();
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("fsync", "on").setServerConfig("shared_buffers", "256MB").start();
             HikariDataSource ds = EngineBench.pool(pg.getJdbcUrl("postgres", "postgres"));
             ChatEngine engine = ChatEngine.builder().dataSource(ds).keyProvider(KeyProvider.aesGcm(EngineBench.randomKey())).embedder(model)
                     .outboxRelay(false).maintenance(false).build()) {
            run(engine, model, total);
        }
    }

    static void run(ChatEngine engine, LocalEmbedder model, int total) throws Exception {
        Random random = new Random(11);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            texts.add(sentence(random) + " #" + i);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.println("## AI benchmark");
        System.out.printf(Locale.ROOT, "JVM %s, %d cores, model %s, %,d messages in %d channels, PostgreSQL %s (fsync=on)%n%n", Runtime.version(), cores,
                model.model(), total, CHANNELS, "embedded");

        // 1. embeddings per second, against the search terms' hashing of the same texts
        double oneThread = rate(texts, 1, model::embed);
        double allCores = rate(texts, cores, model::embed);
        byte[] key = new byte[32];
        double hashing = rate(texts, 1, t -> io.chatsdk.engine.search.SearchTerms.hashAll(key, io.chatsdk.engine.search.SearchTerms.of(t, List.of())));
        System.out.println("| measure | figure | baseline in the same run | ratio |");
        System.out.println("|---|---:|---:|---:|");
        System.out.printf(Locale.ROOT, "| embeddings/s, 1 thread | %,.0f | %,.0f texts/s hashed into search terms | %.4f |%n", oneThread, hashing, oneThread / hashing);
        System.out.printf(Locale.ROOT, "| embeddings/s, %d threads (per core: %,.0f) | %,.0f | %,.0f on 1 thread | %.2f |%n", cores, allCores / cores, allCores,
                oneThread, allCores / oneThread);

        // the data: messages sent through the engine (sealed, redacted), AI off, then indexed
        AppHandle app = engine.app(engine.apps().create("ai-bench").appId());
        app.users().upsertAll(List.of(UserInput.of("ann"), UserInput.of("ben"), UserInput.of("cy")));
        List<Cid> channels = new ArrayList<>();
        for (int c = 0; c < CHANNELS; c++) {
            channels.add(app.channels().getOrCreate("messaging", "ch" + c, ChannelInput.withMembers("ann", List.of("ben", "cy"))).channel().cid());
        }
        String[] users = {"ann", "ben", "cy"};
        for (int i = 0; i < total; i++) {
            app.as(users[i % 3]).messages().send(channels.get(i % CHANNELS), NewMessage.text(sentence(random)));
        }
        long t0 = System.nanoTime();
        int plain = app.searchIndex().backfill(Integer.MAX_VALUE);
        double plainSeconds = (System.nanoTime() - t0) / 1e9;
        app.ai().update(Map.of("ai_enabled", true, "ai_embeddings", true, "ai_smart_replies", true, "ai_catch_up_summaries", true), "bench");
        long t1 = System.nanoTime();
        int embedded = app.searchIndex().backfill(Integer.MAX_VALUE);
        double embeddedSeconds = (System.nanoTime() - t1) / 1e9;
        System.out.printf(Locale.ROOT, "| indexing with embeddings, messages/s | %,.0f | %,.0f without (the same %,d messages) | %.2f |%n",
                embedded / embeddedSeconds, plain / plainSeconds, plain, (embedded / embeddedSeconds) / (plain / plainSeconds));

        // 2. semantic search against full-text search, as ann (a member of every channel)
        AppHandle ann = app.as("ann");
        Map<String, Object> mine = Map.of("members", Map.of("$in", List.of("ann")));
        double[] semantic = time(() -> ann.search().search(SearchQuery.messages(mine, Map.of("text", Map.of("$semantic", "when is the product launch")))));
        double[] fullText = time(() -> ann.search().search(SearchQuery.text(mine, "release")));
        System.out.printf(Locale.ROOT, "| semantic search p50 / p99 ms (newest 5,000 embedded messages scored) | %.1f / %.1f | full text p50 / p99: %.1f / %.1f "
                + "| %.1f |%n", semantic[0], semantic[1], fullText[0], fullText[1], semantic[0] / fullText[0]);

        // 3. smart replies
        Cid last = channels.get(0);
        app.as("ben").messages().send(last, NewMessage.text("Is lunch at noon today?"));
        double[] replies = time(() -> ann.ai().smartReplies(last, null));
        System.out.printf(Locale.ROOT, "| smart replies p50 / p99 ms | %.1f / %.1f | semantic search p50: %.1f | %.1f |%n", replies[0], replies[1], semantic[0],
                replies[0] / semantic[0]);

        // 4. a catch-up of 500 missed messages, against reading them
        Cid busy = app.channels().getOrCreate("messaging", "busy", ChannelInput.withMembers("ann", List.of("ben", "cy"))).channel().cid();
        Message first = app.as("cy").messages().send(busy, NewMessage.text("before you left"));
        app.as("cy").reads().markRead(busy, first.id(), null);
        for (int i = 0; i < 500; i++) {
            app.as(i % 2 == 0 ? "ann" : "ben").messages().send(busy, NewMessage.text(sentence(random)));
        }
        AppHandle cy = app.as("cy");
        double[] summary = time(() -> cy.ai().catchUp(busy, null));
        double[] read = time(() -> {
            List<Message> all = new ArrayList<>(cy.messages().list(busy, MessagePage.afterSeq(first.seq(), 300)));
            all.addAll(cy.messages().list(busy, MessagePage.afterSeq(all.get(all.size() - 1).seq(), 300)));
            return all;
        });
        System.out.printf(Locale.ROOT, "| catch-up of 500 missed messages p50 / p99 ms | %.1f / %.1f | reading the 500 messages p50: %.1f | %.1f |%n",
                summary[0], summary[1], read[0], summary[0] / read[0]);
    }

    private static double rate(List<String> texts, int threads, java.util.function.Consumer<String> work) throws Exception {
        for (int i = 0; i < 200; i++) {
            work.accept(texts.get(i));   // warm-up
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long t = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int k = 0; k < threads; k++) {
                int from = k;
                done.add(pool.submit(() -> {
                    for (int i = from; i < texts.size(); i += threads) {
                        work.accept(texts.get(i));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            return texts.size() / ((System.nanoTime() - t) / 1e9);
        } finally {
            pool.shutdown();
        }
    }

    private static double[] time(Supplier<Object> work) {
        for (int i = 0; i < 5; i++) {
            work.get();
        }
        long[] nanos = new long[50];
        for (int i = 0; i < nanos.length; i++) {
            long s = System.nanoTime();
            work.get();
            nanos[i] = System.nanoTime() - s;
        }
        Arrays.sort(nanos);
        return new double[] {EngineBench.percentile(nanos, 0.5), EngineBench.percentile(nanos, 0.99)};
    }
}
