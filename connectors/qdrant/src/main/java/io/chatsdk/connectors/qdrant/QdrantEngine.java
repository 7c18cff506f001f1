package io.chatsdk.connectors.qdrant;

import io.chatsdk.engine.spi.SearchEngine;
import io.chatsdk.engine.types.AppId;

import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.Common.Range;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.ScoredPoint;
import io.qdrant.client.grpc.Points.SearchPoints;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static io.qdrant.client.ConditionFactory.matchKeywords;
import static io.qdrant.client.ConditionFactory.range;
import static io.qdrant.client.PointIdFactory.id;
import static io.qdrant.client.ValueFactory.value;
import static io.qdrant.client.WithPayloadSelectorFactory.include;

/**
 * Vector search in a Qdrant server the operator runs, over gRPC, for the apps whose operator switched it on
 * ({@code search_engines.qdrant}, which needs the app's AI embeddings). Each app has its own collection per embedding
 * model, {@code chatsdk-<app id>-<12 hex digits of the model name's SHA-256>}, with cosine distance, made on first use
 * with the size of the first vector; making it deletes the app's collections of other models (their vectors cannot be
 * compared with the new model's; the backfills embed and send the app's messages again). A point is a
 * message's embedding (the same one the engine keeps sealed) with a payload of its id, channel, author and time; its
 * point id is a name-based UUID of the message id. Searches filter by channel and return points at or above the
 * query's minimum cosine. Calls time out after 30 s. Thread-safe.
 */
public final class QdrantEngine implements SearchEngine, AutoCloseable {
    private static final long TIMEOUT_SECONDS = 30;

    private final QdrantClient client;
    private final Set<String> ready = ConcurrentHashMap.newKeySet();

    /** A server at {@code host:port} (gRPC, usually 6334); {@code apiKey} may be null. */
    public QdrantEngine(String host, int port, boolean tls, String apiKey) {
        QdrantGrpcClient.Builder b = QdrantGrpcClient.newBuilder(host, port, tls).withTimeout(Duration.ofSeconds(TIMEOUT_SECONDS));
        if (apiKey != null && !apiKey.isBlank()) {
            b.withApiKey(apiKey);
        }
        this.client = new QdrantClient(b.build());
    }

    /** Over a client the caller built (a test's in-process channel). */
    public QdrantEngine(QdrantClient client) {
        this.client = client;
    }

    @Override
    public String name() {
        return "qdrant";
    }

    @Override
    public boolean vectors() {
        return true;
    }

    /** The app's collection for vectors of {@code model}. */
    static String collection(AppId app, String model) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(model.getBytes(StandardCharsets.UTF_8));
            return prefix(app) + java.util.HexFormat.of().formatHex(h, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String prefix(AppId app) {
        return "chatsdk-" + app.value() + "-";
    }

    /** Every collection of the app, whatever its model. */
    private List<String> collections(AppId app) {
        return get(client.listCollectionsAsync()).stream().filter(n -> n.startsWith(prefix(app))).toList();
    }

    /** Qdrant point ids are numbers or UUIDs: a name-based UUID of the message id. */
    static PointId pointId(String messageId) {
        return id(UUID.nameUUIDFromBytes(messageId.getBytes(StandardCharsets.UTF_8)));
    }

    private String collection(AppId app, String model, int size) {
        String name = collection(app, model);
        if (!ready.contains(name)) {
            if (!get(client.collectionExistsAsync(name))) {
                get(client.createCollectionAsync(name, VectorParams.newBuilder().setSize(size).setDistance(Distance.Cosine).build()));
            }
            for (String other : collections(app)) {
                if (!other.equals(name)) {
                    get(client.deleteCollectionAsync(other));   // another model's vectors
                    ready.remove(other);
                }
            }
            ready.add(name);
        }
        return name;
    }

    @Override
    public void upsert(AppId app, List<Document> messages) {
        if (messages.isEmpty()) {
            return;
        }
        String model = messages.get(0).model();
        if (model == null || messages.stream().anyMatch(d -> d.vector() == null || !model.equals(d.model()))) {
            throw new IllegalArgumentException("qdrant takes documents with vectors of one model per call");
        }
        List<PointStruct> points = new ArrayList<>();
        for (Document d : messages) {
            Map<String, Value> payload = new HashMap<>();
            payload.put("message_id", value(d.messageId()));
            payload.put("channel_pk", value(d.channelPk()));
            payload.put("user_id", value(d.userId()));
            payload.put("created_at_ms", value(d.createdAt().toEpochMilli()));
            points.add(PointStruct.newBuilder().setId(pointId(d.messageId())).setVectors(io.qdrant.client.VectorsFactory.vectors(d.vector())).putAllPayload(payload).build());
        }
        try {
            get(client.upsertAsync(collection(app, model, messages.get(0).vector().length), points));
        } catch (IllegalStateException e) {
            if (!e.getMessage().contains("NOT_FOUND")) {
                throw e;
            }
            ready.remove(collection(app, model));   // dropped by another node: make it again, once
            get(client.upsertAsync(collection(app, model, messages.get(0).vector().length), points));
        }
    }

    @Override
    public void delete(AppId app, List<String> messageIds) {
        for (String name : collections(app)) {   // none if nothing was ever sent for this app
            get(client.deleteAsync(name, messageIds.stream().map(QdrantEngine::pointId).toList()));
        }
    }

    @Override
    public void drop(AppId app) {
        for (String name : collections(app)) {
            get(client.deleteCollectionAsync(name));
            ready.remove(name);
        }
    }

    @Override
    public List<Hit> search(AppId app, Query q) {
        String name = collection(app, q.model());
        if (!ready.contains(name) && !get(client.collectionExistsAsync(name))) {
            return List.of();
        }
        Filter.Builder filter = Filter.newBuilder().addMust(matchKeywords("channel_pk", q.channelPks()));
        if (q.order() != null && q.cursor() != null) {
            long t = q.cursor().toEpochMilli();
            filter.addMust(range("created_at_ms", q.order().equals("newest") ? Range.newBuilder().setLte(t).build() : Range.newBuilder().setGte(t).build()));
        }
        SearchPoints.Builder s = SearchPoints.newBuilder().setCollectionName(name).setFilter(filter).setLimit(q.limit())
                .setScoreThreshold((float) q.minScore()).setWithPayload(include(List.of("message_id")));
        for (float f : q.vector()) {
            s.addVector(f);
        }
        List<Hit> out = new ArrayList<>();
        for (ScoredPoint p : get(client.searchAsync(s.build()))) {
            out.add(new Hit(p.getPayloadMap().get("message_id").getStringValue(), p.getScore(), null));
        }
        return out;
    }

    private static <T> T get(com.google.common.util.concurrent.ListenableFuture<T> f) {
        try {
            return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling qdrant", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("qdrant refused a call: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("qdrant did not answer within " + TIMEOUT_SECONDS + " s", e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
