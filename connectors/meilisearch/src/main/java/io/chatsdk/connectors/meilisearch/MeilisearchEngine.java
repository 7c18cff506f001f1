package io.chatsdk.connectors.meilisearch;

import io.chatsdk.engine.spi.SearchEngine;
import io.chatsdk.engine.types.AppId;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.meilisearch.sdk.Client;
import com.meilisearch.sdk.Config;
import com.meilisearch.sdk.Index;
import com.meilisearch.sdk.SearchRequest;
import com.meilisearch.sdk.exceptions.MeilisearchApiException;
import com.meilisearch.sdk.model.MatchingStrategy;
import com.meilisearch.sdk.model.Settings;
import com.meilisearch.sdk.model.Task;
import com.meilisearch.sdk.model.TaskInfo;
import com.meilisearch.sdk.model.TaskStatus;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Full-text search in a Meilisearch server the operator runs, for the apps whose operator switched it on
 * ({@code search_engines.meilisearch}). Each app has its own index, {@code chatsdk-<app id>}, made on first use with
 * {@code channel_pk} and {@code created_at_us} (microseconds) filterable and sortable, sort first among the ranking rules, and only {@code text} searchable. A document
 * holds the message's id, channel, author, time, thread parent, attachment types, mentions and its text in clear:
 * that is the operator's choice, documented in docs/search.md. Writes wait for Meilisearch's task to succeed, so the
 * engine's sync queue deletes a row only once Meilisearch applied it. Searches ask for every word
 * ({@code matchingStrategy: all}) with Meilisearch's typo tolerance; the last word also matches as a prefix.
 * Thread-safe.
 */
public final class MeilisearchEngine implements SearchEngine {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TASK_TIMEOUT_MS = 30_000;

    private final Client client;
    private final Set<String> ready = ConcurrentHashMap.newKeySet();

    /** {@code url} such as {@code http://meili.internal:7700}; {@code apiKey} may be null for a server without keys. */
    public MeilisearchEngine(String url, String apiKey) {
        this.client = new Client(new Config(url, apiKey));
    }

    @Override
    public String name() {
        return "meilisearch";
    }

    @Override
    public boolean vectors() {
        return false;
    }

    /** The app's index uid. */
    static String uid(AppId app) {
        return "chatsdk-" + app.value();
    }

    /** Meilisearch document ids allow letters, digits, - and _ only: the message id, base64url-encoded. */
    static String documentId(String messageId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(messageId.getBytes(StandardCharsets.UTF_8));
    }

    private Index index(AppId app) {
        String uid = uid(app);
        if (!ready.contains(uid)) {
            try {
                await(client.createIndex(uid, "id"));
            } catch (IllegalStateException e) {
                if (!e.getMessage().contains("index_already_exists")) {
                    throw e;
                }
            }
            Settings s = new Settings();
            s.setSearchableAttributes(new String[] {"text"});
            s.setFilterableAttributes(new String[] {"channel_pk", "created_at_us", "user_id"});
            s.setSortableAttributes(new String[] {"created_at_us"});
            // sort before relevance, so that a search sorted by time gets the newest matches, not the best-ranked ones
            s.setRankingRules(new String[] {"sort", "words", "typo", "proximity", "attribute", "exactness"});
            await(client.index(uid).updateSettings(s));
            ready.add(uid);
        }
        return client.index(uid);
    }

    @Override
    public void upsert(AppId app, List<Document> messages) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Document d : messages) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", documentId(d.messageId()));
            m.put("message_id", d.messageId());
            m.put("cid", d.cid());
            m.put("channel_pk", d.channelPk());
            m.put("user_id", d.userId());
            m.put("text", d.text());
            m.put("created_at_us", micros(d.createdAt()));
            m.put("parent_id", d.parentId());
            m.put("attachment_types", d.attachmentTypes());
            m.put("mentioned_users", d.mentionedUsers());
            docs.add(m);
        }
        try {
            await(index(app).addDocuments(JSON.writeValueAsString(docs), "id"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write documents", e);
        }
    }

    @Override
    public void delete(AppId app, List<String> messageIds) {
        try {
            await(index(app).deleteDocuments(messageIds.stream().map(MeilisearchEngine::documentId).toList()));
        } catch (IllegalStateException e) {
            if (!e.getMessage().contains("index_not_found")) {
                throw e;
            }
            ready.remove(uid(app));   // dropped (by another node): nothing to delete from
        }
    }

    @Override
    public void drop(AppId app) {
        String uid = uid(app);
        try {
            await(client.deleteIndex(uid));
        } catch (IllegalStateException e) {
            if (!e.getMessage().contains("index_not_found")) {
                throw e;
            }
        }
        ready.remove(uid);
    }

    @Override
    public List<Hit> search(AppId app, Query q) {
        List<String> quoted = q.channelPks().stream().map(pk -> "\"" + pk.replace("\"", "") + "\"").toList();
        StringBuilder filter = new StringBuilder("channel_pk IN [").append(String.join(", ", quoted)).append("]");
        if (q.order() != null && q.cursor() != null) {
            filter.append(" AND created_at_us ").append(q.order().equals("newest") ? "<= " : ">= ").append(micros(q.cursor()));
        }
        SearchRequest.SearchRequestBuilder b = SearchRequest.builder().q(q.text()).filter(new String[] {filter.toString()}).limit(q.limit())
                .attributesToRetrieve(new String[] {"message_id", "created_at_us"}).showRankingScore(true).matchingStrategy(MatchingStrategy.ALL);
        if (q.order() != null) {
            b.sort(new String[] {"created_at_us:" + (q.order().equals("newest") ? "desc" : "asc")});
        }
        SearchRequest request = b.build();
        List<Hit> out = new ArrayList<>();
        List<java.util.HashMap<String, Object>> hits;
        try {
            hits = index(app).search(request).getHits();
        } catch (MeilisearchApiException e) {
            if (!"index_not_found".equals(e.getCode()) && !"invalid_search_filter".equals(e.getCode()) && !"invalid_search_sort".equals(e.getCode())) {
                throw new IllegalStateException("meilisearch refused a search: " + e.getCode(), e);
            }
            // another node dropped the index, or a write re-created it without our settings: set it up again, once
            ready.remove(uid(app));
            hits = index(app).search(request).getHits();
        }
        for (Map<String, Object> hit : hits) {
            Object score = hit.get("_rankingScore");
            Object time = hit.get("created_at_us");
            out.add(new Hit((String) hit.get("message_id"), score instanceof Number n ? n.doubleValue() : 0,
                    time instanceof Number t ? java.time.Instant.EPOCH.plus(t.longValue(), java.time.temporal.ChronoUnit.MICROS) : null));
        }
        return out;
    }

    /** Microseconds since the epoch: PostgreSQL's precision, exact in Meilisearch's numbers (below 2^53). */
    static long micros(java.time.Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }

    /** Waits for a task and fails unless it succeeded, naming Meilisearch's error code. */
    private void await(TaskInfo info) {
        client.index(info.getIndexUid()).waitForTask(info.getTaskUid(), TASK_TIMEOUT_MS, 20);
        Task task = client.getTask(info.getTaskUid());
        if (task.getStatus() != TaskStatus.SUCCEEDED) {
            String code = task.getError() == null ? "none" : task.getError().getCode();
            throw new IllegalStateException("meilisearch task " + info.getTaskUid() + " (" + task.getType() + ") " + task.getStatus() + ": " + code);
        }
    }
}
