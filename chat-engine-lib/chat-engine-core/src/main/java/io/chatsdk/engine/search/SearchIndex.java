package io.chatsdk.engine.search;

import io.chatsdk.engine.event.Event;
import io.chatsdk.engine.event.EventJson;
import io.chatsdk.engine.event.EventType;
import io.chatsdk.engine.internal.AppSettings;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.internal.Vectors;
import io.chatsdk.engine.model.AiSettings;
import io.chatsdk.engine.internal.Json;
import io.chatsdk.engine.internal.MessageContent;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.spi.ChatEvent;
import io.chatsdk.engine.spi.Embedder;
import io.chatsdk.engine.spi.Job;
import io.chatsdk.engine.spi.JobQueue;
import io.chatsdk.engine.spi.RetryPolicy;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the blind index ({@code message_search_doc}, {@code message_search_term}) in step with the messages.
 *
 * <p>Indexing is a durable job ({@value #KIND}) per batch of {@code message.new}, {@code message.updated} and
 * {@code message.deleted} events (up to {@value #JOB_MESSAGES} messages of one app), queued by the outbox relay, so a
 * crash loses no index work: no event leaves the outbox until its job is queued, and a queued job survives in the
 * broker. A job holds message ids only (no content reaches the broker's journal), and indexes whatever its messages
 * hold when it runs, replacing their terms in one transaction under a lock of each message: running a job twice, or
 * two jobs at once, leaves exactly one set of terms. Deletions, erasures and purges leave the index in their own
 * transaction (triggers); a deletion that races a running job can leave that job's document behind, which search never
 * shows and {@link #sweep} removes.
 *
 * <p>{@link #backfill} indexes what has no terms yet, or terms under a retired key (messages from before search
 * existed, and after a key rotation); {@link #rebuild} drops an app's index and makes it again from PostgreSQL.
 * Thread-safe.
 */
public final class SearchIndex {
    /** The job kind. */
    public static final String KIND = "search.index";
    /** The most messages a maintenance backfill embeds in one pass (about 12 s on 2 cores), so other maintenance is not held up. */
    public static final int EMBED_PER_PASS = 5_000;
    /** What an embedding is sealed as (bound to its message id). */
    public static final String EMBEDDING_PURPOSE = "embedding";
    private static final int BATCH = 500;
    /** The most messages one indexing job names. */
    static final int JOB_MESSAGES = 100;
    /** The most indexing jobs a worker takes at once. */
    public static final int JOBS_PER_BATCH = 50;
    /**
     * How long a worker holding fewer than {@link #JOBS_PER_BATCH} jobs waits for more after the first: one client's
     * steady sends are indexed about ten at a time instead of one by one. A message becomes findable up to this much
     * later, plus the time its batch takes to index.
     */
    public static final Duration LINGER = Duration.ofMillis(25);
    private static final System.Logger LOG = System.getLogger(SearchIndex.class.getName());

    private final EngineContext ctx;

    public SearchIndex(EngineContext ctx) {
        this.ctx = ctx;
    }

    /** Retries with backoff, then dead letters (which an operator can retry, or {@link #backfill} picks up). */
    public static RetryPolicy policy() {
        return new RetryPolicy(6, Duration.ofSeconds(1), Duration.ofMinutes(1));
    }

    /**
     * Queues the indexing of the new, changed and deleted messages of a batch of events (called by the outbox relay
     * once per batch): one job per app for up to {@value #JOB_MESSAGES} messages, named by the events it covers
     * ({@link #jobId}). A job per message cost an indexing transaction and a durable broker round trip each; under load
     * a relay batch carries many messages.
     */
    public static void enqueue(JobQueue jobs, List<ChatEvent> events) {
        /** One app's job being gathered: its messages, and the events that named them. */
        record Chunk(java.util.LinkedHashSet<String> messageIds, List<ChatEvent> events) {
            void submit(JobQueue jobs, AppId app) {
                Map<String, Object> job = new LinkedHashMap<>();
                job.put("app_id", app.toString());
                job.put("message_ids", List.copyOf(messageIds));
                jobs.submit(new Job(KIND, jobId(events), Json.write(job)));
                messageIds.clear();
                events.clear();
            }
        }
        Map<AppId, Chunk> chunks = new LinkedHashMap<>();
        for (ChatEvent e : events) {
            if (!e.type().equals(EventType.MESSAGE_NEW.wireName()) && !e.type().equals(EventType.MESSAGE_UPDATED.wireName())
                    && !e.type().equals(EventType.MESSAGE_DELETED.wireName())) {
                continue;
            }
            if (!(EventJson.read(e.type(), e.cid(), e.payload()) instanceof Event.MessageEvent m)) {
                continue;
            }
            Chunk chunk = chunks.computeIfAbsent(e.appId(), a -> new Chunk(new java.util.LinkedHashSet<>(), new ArrayList<>()));
            if (chunk.messageIds().size() == JOB_MESSAGES && !chunk.messageIds().contains(m.messageId())) {
                chunk.submit(jobs, e.appId());
            }
            chunk.messageIds().add(m.messageId());
            chunk.events().add(e);
        }
        chunks.forEach((app, chunk) -> chunk.submit(jobs, app));
    }

    /**
     * A job's id: the same for the same events (a relay retry of a batch is dropped as a duplicate), and different for
     * any other set, even one with the same first and last event (a retry whose batch gained an event committed late), as
     * queues drop a job whose id they have seen.
     */
    static String jobId(List<ChatEvent> events) {
        long first = events.get(0).id();
        if (events.size() == 1) {
            return "search-" + first;
        }
        java.security.MessageDigest sha;
        try {
            sha = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        java.nio.ByteBuffer ids = java.nio.ByteBuffer.allocate(8 * events.size());
        events.forEach(e -> ids.putLong(e.id()));
        String digest = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(sha.digest(ids.array())).substring(0, 22);
        return "search-" + first + "-" + events.get(events.size() - 1).id() + "-" + digest;
    }

    /** Runs one indexing job: its messages in one transaction (jobs queued before batching name one, as {@code message_id}). */
    public void run(Job job) {
        run(List.of(job));
    }

    /**
     * Runs a batch of indexing jobs (the job queue hands them over together, {@link #JOBS_PER_BATCH} at most, see
     * {@link #LINGER}): each app's messages in transactions of up to {@value #BATCH}, then the app's external engines.
     * One client's sends make one job each; batched, their indexing costs one transaction per batch instead of one per
     * message.
     */
    public void run(List<Job> jobs) {
        Map<AppId, java.util.LinkedHashSet<String>> byApp = new LinkedHashMap<>();
        for (Job job : jobs) {
            Map<String, Object> p = Json.readMap(job.payload());
            AppId app = AppId.parse((String) p.get("app_id"));
            List<String> ids = p.get("message_ids") instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of((String) p.get("message_id"));
            byApp.computeIfAbsent(app, a -> new java.util.LinkedHashSet<>()).addAll(ids);
        }
        byApp.forEach((app, ids) -> {
            try {
                List<String> all = List.copyOf(ids);
                for (int from = 0; from < all.size(); from += BATCH) {
                    index(app, all.subList(from, Math.min(all.size(), from + BATCH)));
                }
                if (!ctx.searchEngines().isEmpty()) {
                    try {
                        new SearchSync(ctx).drain(app);   // the app's external engines, if it has any switched on
                    } catch (RuntimeException down) {
                        // the queued rows stay in search_sync: maintenance sends them when the engine answers again
                        LOG.log(System.Logger.Level.WARNING, "a search engine of app " + app + " refused a batch; it stays queued: "
                                + down.getClass().getName());
                    }
                }
            } catch (ChatException e) {
                if (e.code() != ErrorCode.CONTENT_ERASED && e.code() != ErrorCode.APP_NOT_FOUND) {
                    throw e;
                }
                // the app's keys were destroyed, or the app is gone: there is nothing to index, ever
            }
        });
    }

    /** Indexes one message as it is now (or removes it from the index if it is gone or deleted); returns its term count. */
    public int index(AppId app, String messageId) {
        return index(app, List.of(messageId));
    }

    /**
     * Indexes messages as they are now, in one transaction (a message that is gone or deleted leaves the index); returns
     * the number of terms written.
     */
    public int index(AppId app, List<String> messageIds) {
        return index(app, messageIds, false);
    }

    /**
     * As {@link #index(AppId, List)}; with {@code reseal}, a stored vector of the current model is opened and sealed
     * again under the current key instead of being embedded again (backfills after a key rotation: the text did not
     * change; an edit's own indexing job, which runs with {@code reseal} false, embeds the new text).
     */
    private int index(AppId app, List<String> messageIds, boolean reseal) {
        List<String> ids = messageIds.stream().distinct().sorted().toList();   // one lock order: batches never deadlock
        // the model is asked before the transaction, which holds locks: a slow model server must not hold up deletions
        Embeddings made = embedAhead(app, ids, reseal);
        return ctx.db().inTransaction(tx -> {
            // one statement, in the list's order (unnest keeps it)
            tx.one("select count(pg_advisory_xact_lock(hashtext(?::text || k))) from unnest(?::text[]) as t(k)",
                    rs -> true, "chatsdk-search:" + app.value() + ":", ids);
            record Row(String id, Instant createdAt, MessageContent content) {
            }
            List<Row> rows = tx.query("select id, created_at, content, key_version, text, attachments::text, custom::text "
                            + "from message where app_id = ? and id = any(?) and deleted_at is null",
                    rs -> new Row(rs.getString(1), Tx.instant(rs, "created_at"),
                            open(tx, app, rs.getString(1), rs.getBytes(3), (Integer) rs.getObject(4), rs.getString(5), rs.getString(6), rs.getString(7))),
                    app.value(), ids);
            tx.update("delete from message_search_doc where app_id = ? and message_id = any(?)", app.value(), ids);
            if (rows.isEmpty()) {
                return 0;
            }
            int version = tx.keys().currentVersion(tx, app);
            byte[] key = tx.keys().searchKey(tx, app, version);
            // every document's distinct terms, one after the other in one array: document i holds terms[from[i]..to[i]]
            List<Long> terms = new ArrayList<>();
            Integer[] from = new Integer[rows.size()];
            Integer[] to = new Integer[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                Row r = rows.get(i);
                from[i] = terms.size() + 1;   // SQL arrays count from 1
                // distinct per message: two terms may hash alike (rarely), and the key must stay unique
                java.util.Set<Long> mine = new java.util.LinkedHashSet<>();
                for (long h : SearchTerms.hashAll(key, SearchTerms.of(r.content().text(), r.content().attachments()))) {
                    mine.add(h);
                }
                terms.addAll(mine);
                to[i] = terms.size();
            }
            // the documents with their terms, and the terms' postings, in one statement
            tx.update("with d as (insert into message_search_doc (app_id, message_id, key_version, indexed_at, created_at, terms) "
                            + "select ?, d.id, ?, now(), d.created_at, (?::bigint[])[d.lo:d.hi] "
                            + "from unnest(?::text[], ?::timestamptz[], ?::int[], ?::int[]) as d(id, created_at, lo, hi) "
                            + "returning message_id, created_at, terms) "
                            + "insert into message_search_term (app_id, term, created_at, message_id) "
                            + "select ?, t.term, d.created_at, d.message_id from d cross join lateral unnest(d.terms) as t(term)",
                    app.value(), version, terms.toArray(Long[]::new), rows.stream().map(Row::id).toList(),
                    rows.stream().map(Row::createdAt).toArray(Instant[]::new), from, to, app.value());
            if (ctx.embedder() != null && AiSettings.fromSettings(AppSettings.readShared(tx, app)).embeddingsOn()) {
                store(tx, app, version, rows.stream().map(r -> Map.entry(r.id(), r.content().text() == null ? "" : r.content().text())).toList(), made);
            }
            if (!ctx.searchEngines().isEmpty()) {
                new SearchSync(ctx).queue(tx, app, rows.stream().map(Row::id).toList());
            }
            return terms.size();
        });
    }

    /**
     * What the model made for messages about to be indexed, before the indexing transaction: each vector (quantised)
     * with the text it was made from, and the texts the model refused. Empty when the app's embeddings are off.
     */
    private record Embeddings(Map<String, byte[]> vectors, Map<String, String> from, java.util.Set<String> refused) {
        static final Embeddings NONE = new Embeddings(Map.of(), Map.of(), java.util.Set.of());
    }

    /**
     * Embeds the messages' stored text (which redaction already changed), outside any transaction. With {@code reseal},
     * a vector the current model made is reused when the message has not changed since it was indexed (a backfill after
     * a key rotation). A model that does not answer leaves the rest of the batch for the backfills.
     */
    private Embeddings embedAhead(AppId app, List<String> ids, boolean reseal) {
        Embedder embedder = ctx.embedder();
        if (embedder == null) {
            return Embeddings.NONE;
        }
        record Text(String id, String text) {
        }
        Map<String, byte[]> stored = new java.util.HashMap<>();
        List<Text> texts = ctx.db().read(tx -> {
            if (!AiSettings.fromSettings(AppSettings.read(tx, app)).embeddingsOn()) {
                return List.of();
            }
            if (reseal) {
                stored.putAll(storedVectors(tx, app, ids, embedder.model()));
            }
            return tx.query("select id, content, key_version, text, attachments::text, custom::text from message "
                            + "where app_id = ? and id = any(?) and deleted_at is null",
                    rs -> {
                        String text = open(tx, app, rs.getString(1), rs.getBytes(2), (Integer) rs.getObject(3), rs.getString(4), rs.getString(5),
                                rs.getString(6)).text();
                        return new Text(rs.getString(1), text == null ? "" : text);
                    }, app.value(), ids);
        });
        Map<String, byte[]> vectors = new java.util.HashMap<>();
        Map<String, String> from = new java.util.HashMap<>();
        java.util.Set<String> refused = new java.util.HashSet<>();
        for (Text t : texts) {
            if (t.text().isBlank()) {
                continue;
            }
            byte[] known = stored.get(t.id());
            if (known == null) {
                try {
                    known = Vectors.quantise(embedder.embed(t.text()));
                } catch (Embedder.UnavailableException e) {
                    // searchable by words now; no model name is stored, so the next backfill embeds the rest
                    LOG.log(System.Logger.Level.WARNING, "the embedding model is unavailable; app " + app + " will be embedded later: " + e.getMessage());
                    break;
                } catch (RuntimeException e) {
                    // the model refused this text: it stays searchable by words, and is not tried again
                    LOG.log(System.Logger.Level.WARNING, "message " + t.id() + " of app " + app + " could not be embedded: " + e.getClass().getName());
                    refused.add(t.id());
                    from.put(t.id(), t.text());
                    continue;
                }
            }
            vectors.put(t.id(), known);
            from.put(t.id(), t.text());
        }
        return new Embeddings(vectors, from, refused);
    }

    /**
     * Stores the embeddings of messages just indexed, sealed under the document's key. A message without text, or whose
     * text the model refused, gets the model's name only, so that backfills do not try it again; one whose vector is
     * missing (the model was down, embeddings were switched on meanwhile, or the text changed since it was embedded)
     * gets neither, and the next backfill embeds it.
     */
    private void store(Tx tx, AppId app, int version, List<Map.Entry<String, String>> texts, Embeddings made) {
        String name = ctx.embedder().model();
        for (Map.Entry<String, String> t : texts) {
            byte[] sealed = null;
            String model = null;
            boolean current = t.getValue().equals(made.from().get(t.getKey()));
            if (t.getValue().isBlank() || (current && made.refused().contains(t.getKey()))) {
                model = name;
            } else if (current && made.vectors().containsKey(t.getKey())) {
                io.chatsdk.engine.internal.ContentKeys.Sealed s = tx.keys().seal(tx, app, EMBEDDING_PURPOSE, t.getKey(), made.vectors().get(t.getKey()));
                if (s.version() == version) {   // else a key rotation between the two reads: the next backfill embeds it
                    sealed = s.bytes();
                    model = name;
                }
            }
            tx.update("update message_search_doc set embedding = ?, embedding_model = ? where app_id = ? and message_id = ?",
                    sealed, model, app.value(), t.getKey());
        }
    }

    /**
     * The quantised vectors {@code model} made for these messages, opened from their search documents (under whatever
     * key version sealed them), for messages unchanged since they were indexed; a vector that cannot be opened is left
     * out, and is embedded again.
     */
    private static Map<String, byte[]> storedVectors(Tx tx, AppId app, List<String> ids, String model) {
        Map<String, byte[]> out = new java.util.HashMap<>();
        tx.query("select d.message_id, d.key_version, d.embedding from message_search_doc d join message m on m.app_id = d.app_id and m.id = d.message_id "
                        + "where d.app_id = ? and d.message_id = any(?) and d.embedding is not null and d.embedding_model = ? and m.updated_at <= d.indexed_at",
                rs -> {
                    try {
                        out.put(rs.getString(1), tx.keys().open(tx, app, EMBEDDING_PURPOSE, rs.getString(1), rs.getInt(2), rs.getBytes(3)));
                    } catch (ChatException unreadable) {
                        // sealed under another version than its document's (a rotation raced the job): embedded again
                    }
                    return true;
                }, app.value(), ids, model);
        return out;
    }

    /** Deletes the app's stored embeddings, in batches; returns how many. */
    public int clearEmbeddings(AppId app) {
        int total = 0;
        int n;
        do {
            n = ctx.db().inTransaction(tx -> tx.update("update message_search_doc set embedding = null, embedding_model = null where app_id = ? and message_id in "
                    + "(select message_id from message_search_doc where app_id = ? and embedding_model is not null limit 1000)", app.value(), app.value()));
            total += n;
        } while (n == 1000);
        return total;
    }

    /**
     * Indexes up to {@code max} messages of the app that are not indexed, indexed under a key version older than the
     * current one, or (with the app's embeddings on) not embedded by the current model; returns how many. Deleted
     * messages are left out.
     */
    public int backfill(AppId app, int max) {
        return backfill(app, max, Integer.MAX_VALUE);
    }

    /**
     * As {@link #backfill(AppId, int)}, but once {@code maxEmbeddings} messages were taken while embeddings are missing,
     * goes on only with messages that are not indexed or under a retired key (maintenance passes embed an app's history a
     * few thousand at a time, not for hours at once). With the app's embeddings off, stored ones are deleted.
     */
    public int backfill(AppId app, int max, int maxEmbeddings) {
        int done = 0;
        int embedding = 0;
        String after = "";
        if (ctx.db().read(tx -> !AiSettings.fromSettings(AppSettings.read(tx, app)).embeddingsOn())) {
            clearEmbeddings(app);   // left by an indexing job that raced the switch (should not happen: it reads the switch under a lock)
        }
        while (done < max) {
            int want = (int) Math.min(BATCH, (long) max - done);
            String from = after;
            boolean embed = embedding < maxEmbeddings;
            // keyset over the message key: each batch reads on from the last, never the indexed rows again
            List<String> ids = ctx.db().read(tx -> {
                int current = tx.keys().currentVersion(tx, app);
                String model = embed && ctx.embedder() != null && AiSettings.fromSettings(AppSettings.read(tx, app)).embeddingsOn()
                        ? ctx.embedder().model() : null;
                return tx.query("select m.id from message m left join message_search_doc d on d.app_id = m.app_id and d.message_id = m.id "
                                + "where m.app_id = ? and m.id > ? and m.deleted_at is null and (d.message_id is null or d.key_version < ? "
                                // a document whose time is not its message's: terms written with a Timestamp array in a
                                // daylight-saving zone's repeated hour (before V17), which a search would not match
                                + "or d.created_at <> m.created_at "
                                + "or (?::text is not null and d.embedding_model is distinct from ?::text)) "
                                + "order by m.id limit " + want,
                        rs -> rs.getString(1), app.value(), from, current, model, model);
            });
            if (ids.isEmpty()) {
                break;
            }
            index(app, ids, true);
            done += ids.size();
            if (embed) {
                embedding += ids.size();
            }
            after = ids.get(ids.size() - 1);
            if (ids.size() < want) {
                break;
            }
        }
        return done;
    }

    /**
     * Removes documents whose message is gone or deleted: left behind only when a deletion raced a job that was indexing
     * the message (search never shows them, as it joins the live message). Returns how many.
     */
    public int sweep(AppId app) {
        return ctx.db().inTransaction(tx -> tx.update("delete from message_search_doc d where d.app_id = ? and not exists "
                + "(select 1 from message m where m.app_id = d.app_id and m.id = d.message_id and m.deleted_at is null)", app.value()));
    }

    /** Drops the app's index and indexes every message again from PostgreSQL; returns how many were indexed. */
    public int rebuild(AppId app) {
        if (!ctx.searchEngines().isEmpty()) {
            new SearchSync(ctx).dropAll(app);   // the external engines start from nothing too, then get everything again
        }
        ctx.db().inTransaction(tx -> {
            // the documents' trigger removes their terms; the first statement also removes any a document did not list
            tx.update("delete from message_search_term where app_id = ?", app.value());
            return tx.update("delete from message_search_doc where app_id = ?", app.value());
        });
        return backfill(app, Integer.MAX_VALUE);
    }

    /** Messages of the app that are indexed. */
    public long indexed(AppId app) {
        return ctx.db().read(tx -> tx.one("select count(*) from message_search_doc where app_id = ?", rs -> rs.getLong(1), app.value()).orElse(0L));
    }

    /** The content to index; empty (so the message is indexed with no terms, and not tried again) if it cannot be opened. */
    private static MessageContent open(Tx tx, AppId app, String messageId, byte[] sealed, Integer version, String text, String attachments, String custom) {
        try {
            return MessageContent.ofRow(tx, app, messageId, sealed, version, text, attachments, custom);
        } catch (ChatException e) {
            if (e.code() != ErrorCode.INTERNAL) {
                throw e;
            }
            LOG.log(System.Logger.Level.WARNING, "message " + messageId + " of app " + app + " cannot be opened; indexed without terms");
            return MessageContent.EMPTY;
        }
    }
}
