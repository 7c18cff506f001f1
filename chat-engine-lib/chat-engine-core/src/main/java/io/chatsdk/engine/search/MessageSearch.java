package io.chatsdk.engine.search;

import io.chatsdk.engine.blocklist.FoldedText;
import io.chatsdk.engine.channels.ChannelSearch;
import io.chatsdk.engine.internal.ChannelGate;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.internal.AppSettings;
import io.chatsdk.engine.internal.MessageLoader;
import io.chatsdk.engine.internal.Vectors;
import io.chatsdk.engine.model.AiSettings;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.SearchPage;
import io.chatsdk.engine.model.SearchQuery;
import io.chatsdk.engine.model.SortField;
import io.chatsdk.engine.persistence.FilterSql;
import io.chatsdk.engine.persistence.Rows;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.Actor;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;
import io.chatsdk.engine.types.Validate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.chatsdk.engine.persistence.FilterSql.Kind.BOOL;
import static io.chatsdk.engine.persistence.FilterSql.Kind.TEXT;
import static io.chatsdk.engine.persistence.FilterSql.Kind.TIMESTAMP;

/**
 * Message search over the blind index, in GetStream's shape ({@link SearchQuery}).
 *
 * <p>How a search runs, in one read transaction:
 * <ol>
 *   <li>the channel filter selects the channels, only those the searcher can read (as query channels does), at most
 *       {@value #MAX_CHANNELS};</li>
 *   <li>each channel gets its retention cutoff, so a message past its retention age is never found, even before the
 *       hourly purge removes it;</li>
 *   <li>the text's words are folded like the blocklists' and hashed under the app's search key (one hash per key
 *       version still in use); one SQL statement reads the longest word's postings newest first, joins the
 *       messages, and requires the other words, the filters, visibility (shadowed messages of others and blocked
 *       authors are left out) and not deleted;</li>
 *   <li>each hit is opened and checked against the words in clear (which removes hash collisions and completes
 *       prefixes longer than the index keeps), then paged.</li>
 * </ol>
 * Sort by {@code created_at} pages with a keyset cursor and reads little more than it returns; a request reads at most
 * {@value #MAX_SCAN} candidates, and when that runs out before the page is full it answers a short page with a cursor
 * to read on. Sort by {@code relevance} scores the newest {@value #RELEVANCE_WINDOW} matches (read from at most
 * {@value #MAX_SCAN} candidates) (term frequency, saturated and length-normalised as in BM25)
 * and pages within them by offset. Thread-safe.
 */
public final class MessageSearch {
    /** The most channels one search reads. */
    public static final int MAX_CHANNELS = 1000;
    /** The most words a text condition may hold. */
    public static final int MAX_WORDS = 16;
    /** How many of the newest matches a relevance sort scores. */
    public static final int RELEVANCE_WINDOW = 1000;
    private static final int BATCH = 200;
    private static final int MAX_OFFSET_FETCH = 1101;
    /** The most candidates one request reads (an autocomplete word can share its indexed prefix with many words). */
    static final int MAX_SCAN = 5000;
    /** How near in meaning (cosine) a message must be to a {@code $semantic} text to be found. */
    public static final double MIN_SIMILARITY = 0.2;

    private final EngineContext ctx;
    private final AppId app;
    private final Actor actor;

    public MessageSearch(EngineContext ctx, AppId app, Actor actor) {
        this.ctx = ctx;
        this.app = app;
        this.actor = actor;
    }

    /** A word the text must hold: whole, or (for {@code $autocomplete}) as the start of a word. */
    private record Word(String folded, boolean prefix) {
        String term() {
            return prefix ? SearchTerms.prefix(folded) : SearchTerms.word(folded);
        }

        /** Matched as a word's start; an autocomplete word too short for the index's prefixes matches whole words. */
        boolean asPrefix() {
            return prefix && !SearchTerms.tooShortForPrefix(folded);
        }
    }

    private enum Order { RELEVANCE, NEWEST, OLDEST }

    /** Where a page ends: the last row's time and id (created_at orders), or how many were skipped (relevance). */
    private record Cursor(Order order, Instant createdAt, String id, int offset) {
        String encode() {
            String raw = order == Order.RELEVANCE ? "r:" + offset
                    : (order == Order.NEWEST ? "n:" : "o:") + createdAt.getEpochSecond() + "." + createdAt.getNano() + ":" + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String next, Order order) {
            try {
                String raw = new String(Base64.getUrlDecoder().decode(next), StandardCharsets.UTF_8);
                String tag = order == Order.RELEVANCE ? "r:" : order == Order.NEWEST ? "n:" : "o:";
                if (!raw.startsWith(tag)) {
                    throw new IllegalArgumentException("another sort's cursor");
                }
                String rest = raw.substring(2);
                if (order == Order.RELEVANCE) {
                    int offset = Integer.parseInt(rest);
                    if (offset < 0 || offset > RELEVANCE_WINDOW) {
                        throw new IllegalArgumentException("offset out of range");
                    }
                    return new Cursor(order, null, null, offset);
                }
                int colon = rest.indexOf(':');
                String[] time = rest.substring(0, colon).split("\\.");
                String id = Validate.messageId("next", rest.substring(colon + 1));
                long seconds = Long.parseLong(time[0]);
                long nanos = Long.parseLong(time[1]);
                if (seconds < 0 || seconds > 253_402_300_799L || nanos < 0 || nanos > 999_999_999) {
                    throw new IllegalArgumentException("time out of range");
                }
                return new Cursor(order, Instant.ofEpochSecond(seconds, nanos), id, 0);
            } catch (RuntimeException e) {
                throw ChatException.invalid("next", "is not a cursor of this search; pass the next value a previous page returned");
            }
        }
    }

    /** Runs a search; see {@link SearchQuery} for its fields. */
    public SearchPage search(SearchQuery q) {
        return search(q, (id, score) -> { });
    }

    /**
     * As {@link #search(SearchQuery)}, and, when sorted by relevance, hands each result's score to {@code scores} (for
     * {@code $semantic}, its cosine with the wanted meaning): what smart replies rank by, without embedding again.
     */
    public SearchPage search(SearchQuery q, java.util.function.ObjDoubleConsumer<String> scores) {
        String userId = ChannelGate.actingUser(actor, q.userId());
        if (userId != null) {
            Validate.userId("user_id", userId);
        }
        Map<String, Object> filter = q.query() != null ? Map.of("text", Map.of("$q", q.query())) : q.messageFilter();
        requireTextAtTop(filter, true);
        List<Word> words = new ArrayList<>();
        String[] semantic = new String[1];
        Order order = order(q.sort(), ChannelSearch.mentions(filter, "text"));
        Cursor after = q.next() == null ? null : Cursor.decode(q.next(), order);
        String meant = semanticText(filter);
        // the model is asked before the read transaction: a slow model server must not hold a database connection
        float[] wanted = meant == null ? null : embed(meant);
        return ctx.db().read(tx -> {
            List<ChannelSearch.Scope> scopes = ChannelSearch.scope(tx, app, actor, userId, q.channelFilter(), MAX_CHANNELS);
            if (scopes.isEmpty()) {
                return new SearchPage(List.of(), null);
            }
            Map<Integer, byte[]> keys = new HashMap<>();
            for (int v : tx.keys().versions(tx, app)) {
                keys.put(v, tx.keys().searchKey(tx, app, v));
            }
            FilterSql.Compiled where = FilterSql.compile(filter, fields(keys, words, semantic, false), null);
            io.chatsdk.engine.spi.SearchEngine engine = engine(tx, semantic[0] != null, !words.isEmpty(), order);
            if (engine != null && !engine.vectors()) {
                // the engine matches the words (with its typo tolerance): in SQL they are no condition
                words.clear();
                where = FilterSql.compile(filter, fields(keys, words, semantic, true), null);
            }
            float[] meaning = semantic[0] == null ? null : meaning(semantic[0], words, meant, wanted);
            // a generic plan cannot know how common a term is, and for a common one it reads every posting: this
            // transaction plans each statement (about a millisecond) with its terms' real frequency
            tx.one("select set_config('plan_cache_mode', 'force_custom_plan', true)", rs -> true);
            Query query = new Query(tx, userId, scopes, cutoffs(tx, scopes), keys, words, meaning, where, order);
            if (engine != null) {
                query.askEngine(engine, after, order == Order.RELEVANCE ? RELEVANCE_WINDOW : Math.min(RELEVANCE_WINDOW, q.offset() + q.limit() + 1));
            }
            return order == Order.RELEVANCE ? query.byRelevance(q.limit(), after != null ? after.offset() : q.offset(), scores)
                    : query.byTime(q.limit(), q.offset(), after);
        });
    }

    private static Order order(List<SortField> sort, boolean hasText) {
        if (sort.isEmpty()) {
            return hasText ? Order.RELEVANCE : Order.NEWEST;
        }
        if (sort.size() > 1 && !(sort.size() == 2 && sort.get(0).field().equals("relevance") && sort.get(1).field().equals("created_at"))) {
            throw ChatException.invalid("sort", "sort by one field (relevance or created_at), or by relevance then created_at");
        }
        SortField s = sort.get(0);
        if (s.direction() != 1 && s.direction() != -1) {
            throw ChatException.invalid("sort", "direction must be 1 or -1");
        }
        return switch (s.field()) {
            case "relevance" -> {
                if (!hasText) {
                    throw ChatException.invalid("sort", "relevance needs text to match (query, or text in message_filter_conditions)");
                }
                if (s.direction() != -1) {
                    throw ChatException.invalid("sort", "relevance sorts best first only (direction -1)");
                }
                yield Order.RELEVANCE;
            }
            case "created_at" -> s.direction() < 0 ? Order.NEWEST : Order.OLDEST;
            default -> throw ChatException.invalid("sort", "cannot sort messages by '" + s.field() + "'; use relevance or created_at");
        };
    }

    /** Text conditions must hold for every hit (they are checked again in clear), so they may not sit under $or. */
    private static void requireTextAtTop(Object filter, boolean top) {
        if (filter instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if ("text".equals(e.getKey()) && !top) {
                    throw ChatException.invalid("text", "may be at the top of message_filter_conditions or in a top-level $and, not under $or");
                }
                if ("$and".equals(e.getKey()) && e.getValue() instanceof Collection<?> c) {
                    for (Object o : c) {
                        requireTextAtTop(o, top);
                    }
                } else if ("$or".equals(e.getKey()) && e.getValue() instanceof Collection<?> c) {
                    for (Object o : c) {
                        requireTextAtTop(o, false);
                    }
                }
            }
        }
    }

    /** The vector of a {@code $semantic} text, if it stands alone: the one embedded ahead, or (not expected) made now. */
    private float[] meaning(String text, List<Word> words, String meant, float[] wanted) {
        if (!words.isEmpty()) {
            throw ChatException.invalid("text", "$semantic cannot be combined with $q or $autocomplete");
        }
        return text.equals(meant) ? wanted : embed(text);
    }

    /** The {@code $semantic} text of a filter (at its top or in a top-level {@code $and}), or null. */
    private static String semanticText(Object filter) {
        if (filter instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if ("text".equals(e.getKey()) && e.getValue() instanceof Map<?, ?> condition && condition.get("$semantic") instanceof String s
                        && !s.isBlank()) {
                    return s;
                }
                if ("$and".equals(e.getKey()) && e.getValue() instanceof Collection<?> c) {
                    for (Object o : c) {
                        String s = semanticText(o);
                        if (s != null) {
                            return s;
                        }
                    }
                }
            }
        }
        return null;
    }

    /** The vector of a {@code $semantic} text, if the app's embeddings are on (checked first: no model call while off). */
    private float[] embed(String text) {
        Validate.text("text", text, 1000);
        AiSettings.require(ctx.db().read(tx -> AiSettings.fromSettings(AppSettings.read(tx, app)).embeddingsOn()), "ai_embeddings");
        if (ctx.embedder() == null) {
            throw new ChatException(ErrorCode.FEATURE_DISABLED, "ai_embeddings: this server has no embedding model", "ai_embeddings", null);
        }
        try {
            return ctx.embedder().embed(text);
        } catch (io.chatsdk.engine.spi.Embedder.UnavailableException down) {
            throw new ChatException(ErrorCode.UNAVAILABLE, "the embedding model did not answer; retry later", null, down);
        } catch (IllegalArgumentException refused) {
            throw ChatException.invalid("text", "the embedding model refused this text");
        }
    }

    /**
     * The app's external engine for this search, if one is switched on: Qdrant for a meaning sorted by relevance (it
     * ranks by similarity only, so a meaning sorted by time is read from the embedded store), Meilisearch for words.
     */
    private io.chatsdk.engine.spi.SearchEngine engine(Tx tx, boolean semantic, boolean words, Order order) {
        if (ctx.searchEngines().isEmpty() || (!semantic && !words) || (semantic && order != Order.RELEVANCE)) {
            return null;
        }
        return new SearchSync(ctx).on(tx, app).stream().filter(e -> e.vectors() == semantic).findFirst().orElse(null);
    }

    /** {@code textByEngine}: the words are collected for an engine and are no SQL condition. */
    private static Map<String, FilterSql.Field> fields(Map<Integer, byte[]> keys, List<Word> words, String[] semantic, boolean textByEngine) {
        Map<String, FilterSql.Field> f = new HashMap<>();
        f.put("id", FilterSql.column("msg.id", TEXT));
        f.put("user_id", FilterSql.column("msg.user_id", TEXT));
        f.put("type", FilterSql.column("msg.type", TEXT));
        f.put("parent_id", FilterSql.column("msg.parent_id", TEXT));
        f.put("created_at", FilterSql.column("msg.created_at", TIMESTAMP));
        f.put("updated_at", FilterSql.column("msg.updated_at", TIMESTAMP));
        f.put("pinned", FilterSql.column("(msg.pinned_at is not null)", BOOL));
        f.put("mentioned_users", (field, op, value, params) -> {
            switch (op) {
                case "$contains", "$eq" -> {
                    if (!(value instanceof String s)) {
                        throw ChatException.invalid(field, op + " needs a user id");
                    }
                    params.add(Validate.userId(field, s));
                    return "(? = any(msg.mentioned_users))";
                }
                case "$in" -> {
                    List<String> ids = new ArrayList<>();
                    for (Object o : (Collection<?>) value) {
                        if (!(o instanceof String s)) {
                            throw ChatException.invalid(field, "user ids must be strings");
                        }
                        ids.add(Validate.userId(field, s));
                    }
                    params.add(ids);
                    return "(msg.mentioned_users && ?::text[])";
                }
                default -> throw ChatException.invalid(field, "supports $contains and $in");
            }
        });
        f.put("attachments.type", (field, op, value, params) -> {
            List<String> types = new ArrayList<>();
            switch (op) {
                case "$eq" -> types.add(attachmentType(field, value));
                case "$in" -> {
                    for (Object o : (Collection<?>) value) {
                        types.add(attachmentType(field, o));
                    }
                }
                default -> throw ChatException.invalid(field, "supports $eq and $in");
            }
            List<String> terms = types.stream().map(SearchTerms::attachmentType).toList();
            params.add(hashes(keys, terms));
            return hasTerm();
        });
        f.put("text", (field, op, value, params) -> {
            if (!op.equals("$q") && !op.equals("$autocomplete") && !op.equals("$semantic")) {
                throw ChatException.invalid(field, "supports $q (every word), $autocomplete (every word as a word's start) and $semantic (near in "
                        + "meaning; the app's AI embeddings must be on)");
            }
            if (!(value instanceof String s) || s.isBlank()) {
                throw ChatException.invalid(field, op + " needs a non-empty string");
            }
            Validate.text(field, s, 1000);
            if (op.equals("$semantic")) {
                if (semantic[0] != null) {
                    throw ChatException.invalid(field, "holds one $semantic condition at most");
                }
                semantic[0] = s;
                return "true";   // the candidates are the embedded messages; their similarity is checked on each
            }
            List<String> folded = FoldedText.words(s).stream().distinct().toList();
            if (folded.isEmpty()) {
                throw ChatException.invalid(field, "holds no word to search for (only spaces, punctuation or symbols)");
            }
            if (folded.size() > MAX_WORDS) {
                throw ChatException.invalid(field, "holds more than " + MAX_WORDS + " words");
            }
            List<String> parts = new ArrayList<>();
            for (String w : folded) {
                Word word = new Word(w, op.equals("$autocomplete"));
                words.add(word);
                if (textByEngine) {
                    parts.add("true");
                } else {
                    params.add(hashes(keys, List.of(word.term())));
                    parts.add(hasTerm());
                }
            }
            return "(" + String.join(" and ", parts) + ")";
        });
        return f;
    }

    private static String attachmentType(String field, Object value) {
        if (!(value instanceof String s) || s.isEmpty() || s.length() > 64) {
            throw ChatException.invalid(field, "expects attachment types such as image, file, audio");
        }
        return s;
    }

    private static String hasTerm() {
        // the term's row of this message, by the whole primary key (a term row has its message's created_at)
        return "exists (select 1 from message_search_term st where st.app_id = msg.app_id and st.term = any(?::bigint[]) "
                + "and st.created_at = msg.created_at and st.message_id = msg.id)";
    }

    private static Long[] hashes(Map<Integer, byte[]> keys, List<String> terms) {
        List<Long> out = new ArrayList<>();
        for (byte[] key : keys.values()) {
            for (long h : SearchTerms.hashAll(key, terms)) {
                out.add(h);
            }
        }
        return out.toArray(Long[]::new);
    }

    /**
     * The retention cutoffs of the searched channels, each with the channels it applies to (channels kept forever are
     * left out), by the same precedence as the purge: channel, type, app.
     */
    private Map<Instant, List<UUID>> cutoffs(Tx tx, List<ChannelSearch.Scope> scopes) {
        record Policy(String type, String cid, long seconds) {
        }
        List<Policy> policies = tx.query("select channel_type, channel_cid, max_age_secs from retention_policy where app_id = ?",
                rs -> new Policy(rs.getString(1), rs.getString(2), rs.getLong(3)), app.value());
        Instant now = ctx.now();
        Map<Instant, List<UUID>> out = new java.util.TreeMap<>();
        for (ChannelSearch.Scope s : scopes) {
            String cid = s.type() + ":" + s.id();
            Policy best = null;
            int bestRank = -1;
            for (Policy p : policies) {
                int rank = p.cid() != null ? (p.cid().equals(cid) ? 3 : -1) : p.type() != null ? (p.type().equals(s.type()) ? 2 : -1) : 1;
                if (rank > bestRank) {
                    best = p;
                    bestRank = rank;
                }
            }
            if (best != null && bestRank >= 0) {
                out.computeIfAbsent(now.minus(Duration.ofSeconds(best.seconds())), k -> new ArrayList<>()).add(s.pk());
            }
        }
        return out;
    }

    /** One search's statement, and the paging over it. */
    private final class Query {
        private final Tx tx;
        private final String userId;
        private final UUID[] channels;
        private final Map<Instant, List<UUID>> cutoffs;
        private final List<Word> words;
        private final FilterSql.Compiled where;
        private final Order order;
        /** The postings that drive the plan: the longest word's terms under each key version; null without text. */
        private final Long[] driver;
        /** The {@code $semantic} text's vector, or null; and each candidate's similarity to it, by message id. */
        private final float[] meaning;
        private final Map<String, Double> similarity = new HashMap<>();
        /**
         * The candidates an external engine chose (Meilisearch for words, Qdrant for a meaning), or null when the
         * built-in index drives; their scores; and whether the engine had more than it gave.
         */
        private String[] candidates;
        private final Map<String, Double> engineScore = new HashMap<>();
        private boolean engineTruncated;
        /** The engine's last hit in time order: where the next page starts when the engine had more. */
        private io.chatsdk.engine.spi.SearchEngine.Hit lastHit;

        Query(Tx tx, String userId, List<ChannelSearch.Scope> scopes, Map<Instant, List<UUID>> cutoffs, Map<Integer, byte[]> keys,
              List<Word> words, float[] meaning, FilterSql.Compiled where, Order order) {
            this.tx = tx;
            this.userId = userId;
            this.channels = scopes.stream().map(ChannelSearch.Scope::pk).toArray(UUID[]::new);
            this.cutoffs = cutoffs;
            this.words = words;
            this.where = where;
            this.order = order;
            this.meaning = meaning;
            this.driver = words.stream().max(Comparator.comparingInt(w -> w.folded().codePointCount(0, w.folded().length())))
                    .map(w -> hashes(keys, List.of(w.term()))).orElse(null);
        }

        /**
         * Lets the app's external engine choose the candidates, when one is switched on for this kind of search: Qdrant
         * for {@code $semantic}, Meilisearch for words. It sees only the channels in scope; PostgreSQL then applies every
         * other rule to its hits, as to the built-in index's.
         */
        void askEngine(io.chatsdk.engine.spi.SearchEngine engine, Cursor after, int limit) {
            boolean vector = meaning != null;
            String text = vector ? null : String.join(" ", words.stream().map(Word::folded).toList());
            boolean prefix = !vector && words.stream().anyMatch(Word::prefix);
            String timeOrder = order == Order.RELEVANCE ? null : order == Order.NEWEST ? "newest" : "oldest";
            List<io.chatsdk.engine.spi.SearchEngine.Hit> hits;
            try {
                hits = engine.search(app, new io.chatsdk.engine.spi.SearchEngine.Query(text, prefix, meaning,
                        java.util.Arrays.stream(channels).map(UUID::toString).toList(), timeOrder, after != null ? after.createdAt() : null, limit,
                        MIN_SIMILARITY, vector ? ctx.embedder().model() : null));
            } catch (RuntimeException down) {
                throw new ChatException(ErrorCode.UNAVAILABLE, "the app's search engine (" + engine.name() + ") did not answer; retry later", null, down);
            }
            candidates = hits.stream().map(io.chatsdk.engine.spi.SearchEngine.Hit::messageId).toArray(String[]::new);
            hits.forEach(h -> engineScore.put(h.messageId(), h.score()));
            engineTruncated = hits.size() >= limit;
            lastHit = hits.isEmpty() ? null : hits.get(hits.size() - 1);
        }

        /** Where a scan stopped, and whether it stopped because it had read {@value #MAX_SCAN} candidates. */
        private record Scan(Cursor position, boolean capped) {
        }

        /**
         * Reads candidates after {@code from} in keyset batches ({@code firstBatch}, then {@value #BATCH} each), handing
         * those that pass the clear check to {@code hit}, until {@code full} holds, the candidates run out, or
         * {@value #MAX_SCAN} have been read. Each batch keeps the plan that walks the postings newest first (asked for a
         * thousand rows at once, PostgreSQL joins and sorts every posting instead).
         */
        private Scan scan(Cursor from, int firstBatch, java.util.function.BooleanSupplier full, java.util.function.Consumer<Message> hit) {
            Cursor position = from;
            int read = 0;
            int want = firstBatch;
            while (!full.getAsBoolean()) {
                if (read >= MAX_SCAN) {
                    return new Scan(position, true);
                }
                List<Message> batch = fetch(position, want);
                read += batch.size();
                for (Message m : batch) {
                    position = new Cursor(order, m.createdAt(), m.id(), 0);
                    if (matches(m)) {
                        hit.accept(m);
                    }
                }
                if (batch.size() < want) {
                    // an engine that had more than it gave: the page ends here with a cursor, and the next asks it again
                    return new Scan(position, candidates != null && engineTruncated && order != Order.RELEVANCE);
                }
                want = BATCH;
            }
            return new Scan(position, false);
        }

        SearchPage byTime(int limit, int offset, Cursor after) {
            List<Message> accepted = new ArrayList<>();
            int[] skip = {offset};
            // first just what the page needs (hits rarely fail the clear check), then larger batches
            Scan scan = scan(after, Math.min(offset + limit + 1, MAX_OFFSET_FETCH), () -> accepted.size() > limit, m -> {
                if (skip[0] > 0) {
                    skip[0]--;
                } else {
                    accepted.add(m);
                }
            });
            boolean more = accepted.size() > limit;
            List<Message> page = more ? accepted.subList(0, limit) : accepted;
            Message last = page.isEmpty() ? null : page.get(page.size() - 1);
            // a scan cut short answers a short page with a cursor: the client reads on, the request stays bounded
            String next = more ? new Cursor(order, last.createdAt(), last.id(), 0).encode()
                    : candidates != null ? (engineTruncated && lastHit != null && lastHit.createdAt() != null
                            // the engine had more: read on after its last hit, even if SQL kept none of this batch
                            ? new Cursor(order, lastHit.createdAt(), lastHit.messageId(), 0).encode() : null)
                    : scan.capped() && scan.position() != null ? scan.position().encode() : null;
            return new SearchPage(MessageLoader.withReactions(tx, app, new ArrayList<>(page), userId), next);
        }

        SearchPage byRelevance(int limit, int offset, java.util.function.ObjDoubleConsumer<String> scored) {
            List<Message> window = new ArrayList<>();
            scan(null, BATCH, () -> window.size() >= RELEVANCE_WINDOW, window::add);
            Map<String, Double> scores = new HashMap<>();
            for (Message m : window) {
                scores.put(m.id(), score(m));
            }
            window.sort(Comparator.<Message>comparingDouble(m -> -scores.get(m.id()))
                    .thenComparing(Message::createdAt, Comparator.reverseOrder()).thenComparing(Message::id, Comparator.reverseOrder()));
            int from = Math.min(offset, window.size());
            int to = Math.min(from + limit, window.size());
            List<Message> page = new ArrayList<>(window.subList(from, to));
            page.forEach(m -> scored.accept(m.id(), scores.get(m.id())));
            return new SearchPage(MessageLoader.withReactions(tx, app, page, userId),
                    to < window.size() ? new Cursor(Order.RELEVANCE, null, null, to).encode() : null);
        }

        /** Up to {@code max} candidates after {@code position}, in the order's direction, with their content opened. */
        private List<Message> fetch(Cursor position, int max) {
            boolean newest = order != Order.OLDEST;
            List<Object> params = new ArrayList<>();
            StringBuilder sql = new StringBuilder("select ").append(Rows.MESSAGE_COLUMNS);
            String time;
            String id;
            if (driver != null && candidates == null) {
                // the rarest-looking word's postings, newest first, drive the plan; the other conditions filter them
                sql.append(" from message_search_term dt join message msg on msg.app_id = dt.app_id and msg.id = dt.message_id ");
                time = "dt.created_at";
                id = "dt.message_id";
            } else {
                sql.append(" from message msg ");
                time = "msg.created_at";
                id = "msg.id";
            }
            sql.append("join channel mc on mc.pk = msg.channel_pk ");
            if (meaning != null && candidates == null) {
                // the embedded messages (of the current model) are the candidates
                sql.append("join message_search_doc sd on sd.app_id = msg.app_id and sd.message_id = msg.id and sd.embedding is not null "
                        + "and sd.embedding_model = ? ");
                params.add(ctx.embedder().model());
            }
            if (candidates != null) {
                sql.append("where msg.id = any(?::text[]) and msg.app_id = ? ");
                params.add(candidates);
            } else if (driver != null) {
                sql.append("where dt.app_id = ? and ").append(driver.length == 1 ? "dt.term = ? " : "dt.term = any(?::bigint[]) ");
                params.add(app.value());
                params.add(driver.length == 1 ? driver[0] : driver);
                sql.append("and msg.app_id = ? ");
            } else {
                sql.append("where msg.app_id = ? ");
            }
            params.add(app.value());
            // truncated history is gone for readers, as in channel reads
            sql.append("and msg.deleted_at is null and msg.seq > mc.truncated_seq and msg.channel_pk = any(?::uuid[]) ");
            params.add(channels);
            // retention: one condition per distinct cutoff (there are as many as policies, usually none or one)
            cutoffs.forEach((cutoff, pks) -> {
                sql.append("and not (msg.channel_pk = any(?::uuid[]) and msg.created_at < ?) ");
                params.add(pks.toArray(UUID[]::new));
                params.add(cutoff);
            });
            if (userId != null) {
                sql.append("and ").append(MessageLoader.VISIBLE).append(' ');
                params.add(userId);
                params.add(userId);
            }
            sql.append("and ").append(where.where()).append(' ');
            params.addAll(where.params());
            if (position != null && position.createdAt() != null) {
                sql.append("and (").append(time).append(", ").append(id).append(newest ? ") < (?, ?) " : ") > (?, ?) ");
                params.add(position.createdAt());
                params.add(position.id());
            }
            String dir = newest ? " desc" : " asc";
            sql.append("order by ").append(time).append(dir).append(", ").append(id).append(dir).append(" limit ").append(max);
            boolean semantic = meaning != null && candidates == null;
            if (semantic) {
                sql.insert("select ".length(), "sd.embedding as sd_embedding, sd.key_version as sd_key_version, ");
            }
            return tx.query(sql.toString(), rs -> {
                Message m = Rows.message(rs, tx, app);
                if (semantic) {
                    similarity.put(m.id(), similarity(m.id(), rs.getInt("sd_key_version"), rs.getBytes("sd_embedding")));
                }
                return m;
            }, params.toArray());
        }

        /** The cosine of the message's stored embedding with the wanted meaning; 0 if it cannot be opened. */
        private double similarity(String messageId, int version, byte[] sealed) {
            try {
                return Vectors.cosine(meaning, tx.keys().open(tx, app, SearchIndex.EMBEDDING_PURPOSE, messageId, version, sealed));
            } catch (ChatException e) {
                if (e.code() != ErrorCode.INTERNAL) {
                    throw e;
                }
                return 0;   // sealed under another key version than its document's (a rotation raced the job): not found
            }
        }

        /** The text conditions, checked on the opened message: every word present (whole, or as a word's start). */
        private boolean matches(Message m) {
            if (candidates != null) {
                return true;   // the engine matched the text (with its typo tolerance) or the meaning; SQL applied the rest
            }
            if (meaning != null) {
                return similarity.getOrDefault(m.id(), 0.0) >= MIN_SIMILARITY;
            }
            if (words.isEmpty()) {
                return true;
            }
            List<String> have = FoldedText.words(m.text());
            Set<String> whole = new HashSet<>(have);
            for (Word w : words) {
                if (w.asPrefix() ? have.stream().noneMatch(h -> h.startsWith(w.folded())) : !whole.contains(w.folded())) {
                    return false;
                }
            }
            return true;
        }

        /** BM25's saturation and length normalisation, over the message's words (average length taken as 12 words). */
        private double score(Message m) {
            if (candidates != null) {
                return engineScore.getOrDefault(m.id(), 0.0);
            }
            if (meaning != null) {
                return similarity.getOrDefault(m.id(), 0.0);
            }
            List<String> have = FoldedText.words(m.text());
            double norm = 1.2 * (0.25 + 0.75 * have.size() / 12.0);
            double score = 0;
            for (Word w : words) {
                long tf = have.stream().filter(h -> w.asPrefix() ? h.startsWith(w.folded()) : h.equals(w.folded())).count();
                score += tf / (tf + norm);
            }
            return score;
        }
    }
}
