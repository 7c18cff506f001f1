package io.chatsdk.engine.search;

import com.zaxxer.hikari.HikariDataSource;
import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.ChatEngine;
import io.chatsdk.engine.internal.Json;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.model.UserInput;
import io.chatsdk.engine.spi.ForwardingJobQueue;
import io.chatsdk.engine.spi.InProcessJobQueue;
import io.chatsdk.engine.spi.Job;
import io.chatsdk.engine.spi.KeyProvider;
import io.chatsdk.engine.testing.TestDatabase;
import io.chatsdk.engine.types.Cid;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The indexing jobs the outbox relay queues, on embedded PostgreSQL with the engine's in-process job queue: one job per
 * relay batch and app, of at most 100 messages; a batch whose jobs the queue refuses stays unpublished and is queued
 * again whole, so no message goes unindexed; jobs queued before batching (one {@code message_id}) still run.
 */
class SearchJobsIT {
    static HikariDataSource ds;
    static ChatEngine engine;
    static ForwardingJobQueue jobs;
    /** Every search job handed to the queue. */
    static final List<Job> submitted = new CopyOnWriteArrayList<>();
    /** While set, the queue refuses search jobs, as a broker that is down does. */
    static final AtomicBoolean refuse = new AtomicBoolean();
    /** How many search jobs the queue refused. */
    static final java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();

    AppHandle app;
    Cid cid;

    @BeforeAll
    static void start() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        ds = TestDatabase.freshDatabase();
        jobs = new ForwardingJobQueue(new InProcessJobQueue()) {
            @Override
            protected void onSubmit(Job job) {
                if (job.kind().equals(SearchIndex.KIND)) {
                    if (refuse.get()) {
                        refused.incrementAndGet();
                        throw new IllegalStateException("the test's queue refuses search jobs now");
                    }
                    submitted.add(job);
                }
            }
        };
        engine = ChatEngine.builder().dataSource(ds).keyProvider(KeyProvider.aesGcm(key)).relayPollInterval(Duration.ofMillis(100))
                .jobQueue(jobs).build();
    }

    @AfterAll
    static void stop() {
        engine.close();
        ds.close();
    }

    @BeforeEach
    void setUp() {
        refuse.set(false);
        app = engine.app(engine.apps().create("search jobs " + UUID.randomUUID()).appId());
        app.users().upsertAll(List.of(UserInput.of("u1"), UserInput.of("u2")));
        cid = app.channels().getOrCreate("messaging", "jobs", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
        submitted.clear();
    }

    @Test
    void aRefusedBatchStaysUnpublishedThenEveryMessageIsIndexedByJobsOfAtMost100() {
        refuse.set(true);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            ids.add(app.as(i % 2 == 0 ? "u1" : "u2").messages().send(cid, NewMessage.text("batched word" + i + " common")).id());
        }
        // the relay keeps trying: the events stay unpublished, none is indexed. Two more refusals: the second came from a
        // relay pass that began after every send had committed, so the next pass holds all 250
        int before = refused.get();
        await("two more refused relay passes", () -> refused.get() >= before + 2);
        assertThat(count("select count(*) from outbox_event where app_id = '" + app.id() + "' and type = 'message.new' and published_at is null")).isEqualTo(250);
        assertThat(count("select count(*) from message_search_doc where app_id = '" + app.id() + "'")).isZero();

        refuse.set(false);
        await("every message indexed", () -> count("select count(*) from message_search_doc where app_id = '" + app.id() + "'") == 250);
        await("every event published", () -> count("select count(*) from outbox_event where app_id = '" + app.id() + "' and published_at is null") == 0);

        List<List<String>> jobs = submitted.stream().map(j -> messageIds(j.payload())).toList();
        assertThat(jobs).allSatisfy(j -> assertThat(j).hasSizeBetween(1, 100));
        assertThat(jobs.stream().flatMap(List::stream).distinct()).containsExactlyInAnyOrderElementsOf(ids);
        // the 250 waited in one relay batch of up to 500 events, so they went in three jobs, in send order
        assertThat(jobs).hasSize(3);
        assertThat(jobs.get(0)).containsExactlyElementsOf(ids.subList(0, 100));
        assertThat(submitted.get(0).id()).matches("search-\\d+-\\d+-[A-Za-z0-9_-]{22}");
        // each message has one set of terms, and is found
        assertThat(count("select count(distinct message_id) from message_search_term where app_id = '" + app.id() + "'")).isEqualTo(250);
        assertThat(app.as("u2").search().search(io.chatsdk.engine.model.SearchQuery.text(Map.of("members", Map.of("$in", List.of("u2"))), "word249"))
                .results()).extracting(Message::id).containsExactly(ids.get(249));
    }

    @Test
    void aRetriedBatchThatGainedAnEventIsANewJobNotADuplicate() {
        // a relay pass took events 1 and 3 (2 committed late), queued their job, then failed to mark them; the next pass
        // takes 1, 2 and 3: its job must not be dropped as a duplicate of the first, or message 2 is never indexed
        List<io.chatsdk.engine.spi.ChatEvent> events = new CopyOnWriteArrayList<>();
        try (var sub = engine.eventBus().subscribe(e -> {
            if (e.appId().equals(app.id()) && e.type().equals("message.new")) {
                events.add(e);
            }
        })) {
            for (int i = 0; i < 3; i++) {
                app.as("u1").messages().send(cid, NewMessage.text("late " + i));
            }
            await("three events", () -> events.size() >= 3);
        }
        List<io.chatsdk.engine.spi.ChatEvent> firstPass = List.of(events.get(0), events.get(2));
        List<io.chatsdk.engine.spi.ChatEvent> retry = List.of(events.get(0), events.get(1), events.get(2));
        assertThat(SearchIndex.jobId(firstPass)).isNotEqualTo(SearchIndex.jobId(retry)).startsWith("search-" + events.get(0).id() + "-" + events.get(2).id() + "-");
        assertThat(SearchIndex.jobId(List.of(events.get(0), events.get(1), events.get(2)))).as("the same events, the same id").isEqualTo(SearchIndex.jobId(retry));
        assertThat(SearchIndex.jobId(List.of(events.get(1)))).isEqualTo("search-" + events.get(1).id());
    }

    @Test
    void editsAndDeletionsReachTheIndexThroughTheSameJobs() {
        Message m = app.as("u1").messages().send(cid, NewMessage.text("before the edit"));
        await("indexed", () -> count("select count(*) from message_search_doc where message_id = '" + m.id() + "'") == 1);
        app.as("u1").messages().update(m.id(), "after the edit", List.of(), Map.of());
        await("the edit indexed", () -> search("after").contains(m.id()));
        assertThat(search("before")).isEmpty();
        app.as("u1").messages().delete(m.id(), false);
        await("the deletion left the index", () -> count("select count(*) from message_search_doc where message_id = '" + m.id() + "'") == 0);
        assertThat(submitted).allSatisfy(j -> assertThat(messageIds(j.payload())).containsExactly(m.id()));
    }

    @Test
    void aJobQueuedBeforeBatchingWithOneMessageIdStillIndexesIt() {
        Message m = sentThenUnindexed("legacy payload", "legacy");
        Job legacy = new Job(SearchIndex.KIND, "search-legacy-" + m.id(), Json.write(Map.of("app_id", app.id().toString(), "message_id", m.id())));
        jobs.submit(legacy);
        await("the legacy job indexed it", () -> search("legacy").contains(m.id()));
        assertThat(submitted).last().extracting(Job::id).isEqualTo(legacy.id());
    }

    @Test
    void aBatchWithAJobThatCannotRunStillIndexesTheOthers() {
        Message m = sentThenUnindexed("batched beside a broken job", "broken");
        // submitted together, so the queue hands them over in one batch (25 ms linger); the first has no valid app id
        jobs.submit(new Job(SearchIndex.KIND, "search-broken-" + m.id(), Json.write(Map.of("app_id", "not an app", "message_ids", List.of(m.id())))));
        jobs.submit(new Job(SearchIndex.KIND, "search-again-" + m.id(), Json.write(Map.of("app_id", app.id().toString(), "message_ids", List.of(m.id())))));
        await("the good job indexed it, alone after the batch failed", () -> search("broken").contains(m.id()));
    }

    /** A message sent and indexed, whose index document is then deleted: not found by {@code word} until a job indexes it again. */
    private Message sentThenUnindexed(String text, String word) {
        Message m = app.as("u1").messages().send(cid, NewMessage.text(text));
        await("indexed", () -> count("select count(*) from message_search_doc where message_id = '" + m.id() + "'") == 1);
        sql("delete from message_search_doc where message_id = '" + m.id() + "'");
        assertThat(search(word)).isEmpty();
        return m;
    }

    private List<String> search(String word) {
        return app.as("u2").search().search(io.chatsdk.engine.model.SearchQuery.text(Map.of("members", Map.of("$in", List.of("u2"))), word))
                .results().stream().map(Message::id).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<String> messageIds(String payload) {
        Map<String, Object> p = Json.readMap(payload);
        return (List<String>) p.get("message_ids");
    }

    private static long count(String sql) {
        try (var c = ds.getConnection(); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sql(String statement) {
        try (var c = ds.getConnection(); var s = c.createStatement()) {
            s.execute(statement);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
