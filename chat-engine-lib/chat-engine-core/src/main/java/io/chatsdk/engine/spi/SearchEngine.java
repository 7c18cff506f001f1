package io.chatsdk.engine.spi;

import io.chatsdk.engine.types.AppId;

import java.time.Instant;
import java.util.List;

/**
 * An external search engine an operator may switch on per app (Meilisearch for text, Qdrant for vectors). It receives
 * message text, or vectors of it, in clear: only apps whose operator chose so send it anything (docs/search.md). The
 * engine keeps it in step through a durable queue in PostgreSQL ({@code search_sync}): new, edited, deleted, erased,
 * purged and shadowed messages all reach it, and its index can be rebuilt from PostgreSQL. Its hits are candidates
 * only: every visibility rule of search is applied to them again in PostgreSQL. Each app has its own index. Thread-safe.
 */
public interface SearchEngine {
    /** The app setting that switches it on, and its name in logs: {@code meilisearch} or {@code qdrant}. */
    String name();

    /** True if it searches vectors ({@code $semantic}); false if it searches text ({@code $q}, {@code $autocomplete}). */
    boolean vectors();

    /** Adds or replaces these messages in the app's index; returns once the engine has applied them. */
    void upsert(AppId app, List<Document> messages);

    /** Removes these messages from the app's index (ids it does not hold are ignored). */
    void delete(AppId app, List<String> messageIds);

    /** Removes the app's whole index. */
    void drop(AppId app);

    /** Up to {@code q.limit()} of the app's messages matching {@code q}, best first (or in time order when asked). */
    List<Hit> search(AppId app, Query q);

    /**
     * A message as the engine indexes it. {@code vector} and {@code model} (the embedding model that made it: vectors of
     * different models must not be compared) are null for text engines.
     */
    record Document(String messageId, String channelPk, String cid, String userId, String text, Instant createdAt, String parentId,
                    List<String> attachmentTypes, List<String> mentionedUsers, float[] vector, String model) {
    }

    /**
     * A search: {@code text} for a text engine, {@code vector} for a vector engine; only messages of {@code channelPks};
     * when {@code order} is not null, sorted by time ({@code newest} or {@code oldest}) instead of by score, and only
     * those before ({@code newest}) or after ({@code oldest}) {@code cursor} if it is set. {@code minScore} applies to
     * vector engines (cosine), and {@code model} names the embedding model that made {@code vector} (null for text).
     */
    record Query(String text, boolean prefix, float[] vector, List<String> channelPks, String order, Instant cursor, int limit, double minScore,
                 String model) {
    }

    /** A matching message, its score (higher is better) and its time (null if the engine does not return it). */
    record Hit(String messageId, double score, Instant createdAt) {
    }
}
