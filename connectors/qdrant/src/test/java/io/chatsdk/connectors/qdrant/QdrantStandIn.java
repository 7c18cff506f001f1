package io.chatsdk.connectors.qdrant;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.grpc.Collections.CollectionExists;
import io.qdrant.client.grpc.Collections.CollectionExistsRequest;
import io.qdrant.client.grpc.Collections.CollectionExistsResponse;
import io.qdrant.client.grpc.Collections.CollectionOperationResponse;
import io.qdrant.client.grpc.Collections.CreateCollection;
import io.qdrant.client.grpc.Collections.DeleteCollection;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.CollectionsGrpc;
import io.qdrant.client.grpc.Common.Condition;
import io.qdrant.client.grpc.Common.FieldCondition;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.DeletePoints;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.PointsOperationResponse;
import io.qdrant.client.grpc.Points.ScoredPoint;
import io.qdrant.client.grpc.Points.SearchPoints;
import io.qdrant.client.grpc.Points.SearchResponse;
import io.qdrant.client.grpc.Points.UpdateResult;
import io.qdrant.client.grpc.Points.UpdateStatus;
import io.qdrant.client.grpc.Points.Vector;
import io.qdrant.client.grpc.PointsGrpc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A <b>stand-in</b> for a Qdrant server, for tests only: the real server (Rust) cannot run here. It implements the
 * generated gRPC services Qdrant's Java client calls ({@code CollectionsGrpc}: create, delete, exists;
 * {@code PointsGrpc}: upsert, delete by ids, search), served in-process, with Qdrant's semantics where ChatSDK relies on
 * them: a collection's vector size is enforced ({@code INVALID_ARGUMENT}), a missing collection is {@code NOT_FOUND},
 * an existing one cannot be created again, cosine scores over normalised vectors, {@code must} filters of keyword
 * matches and numeric ranges on the payload, a score threshold, a limit, payload selection, and the {@code api-key}
 * header ({@code UNAUTHENTICATED}). Searches are brute force.
 */
public final class QdrantStandIn implements AutoCloseable {
    private final String name = "qdrant-stand-in-" + UUID.randomUUID();
    private final String apiKey;
    private final Server server;
    private final Map<String, Collection> collections = new ConcurrentHashMap<>();
    private final AtomicLong operations = new AtomicLong();
    private volatile boolean down;

    private record Point(PointId id, float[] vector, Map<String, Value> payload) {
    }

    private static final class Collection {
        final int size;
        final Map<PointId, Point> points = new ConcurrentHashMap<>();

        Collection(int size) {
            this.size = size;
        }
    }

    private QdrantStandIn(String apiKey) throws IOException {
        this.apiKey = apiKey;
        ServerInterceptor auth = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                if (down) {
                    call.close(Status.UNAVAILABLE.withDescription("stand-in is down"), new Metadata());
                    return new ServerCall.Listener<>() {
                    };
                }
                String key = headers.get(Metadata.Key.of("api-key", Metadata.ASCII_STRING_MARSHALLER));
                if (!apiKey.equals(key)) {
                    call.close(Status.UNAUTHENTICATED.withDescription("Must provide an API key or an Authorization bearer token"), new Metadata());
                    return new ServerCall.Listener<>() {
                    };
                }
                return next.startCall(call, headers);
            }
        };
        this.server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(ServerInterceptors.intercept(new Collections(), auth))
                .addService(ServerInterceptors.intercept(new Points(), auth))
                .build().start();
    }

    /** Starts in-process; calls must carry the {@code api-key} header. */
    public static QdrantStandIn start(String apiKey) throws IOException {
        return new QdrantStandIn(apiKey);
    }

    /** A Qdrant client connected to this stand-in with {@code key}. */
    public QdrantClient client(String key) {
        ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        return new QdrantClient(QdrantGrpcClient.newBuilder(channel, true).withApiKey(key).build());
    }

    public void setDown(boolean down) {
        this.down = down;
    }

    public boolean hasCollection(String collection) {
        return collections.containsKey(collection);
    }

    /** The message ids (the {@code message_id} payload) a collection holds. */
    public Set<String> messageIds(String collection) {
        Collection c = collections.get(collection);
        Set<String> out = new TreeSet<>();
        if (c != null) {
            c.points.values().forEach(p -> out.add(p.payload().get("message_id").getStringValue()));
        }
        return out;
    }

    @Override
    public void close() {
        server.shutdownNow();
    }

    private final class Collections extends CollectionsGrpc.CollectionsImplBase {
        @Override
        public void create(CreateCollection req, StreamObserver<CollectionOperationResponse> out) {
            int size = (int) req.getVectorsConfig().getParams().getSize();
            if (req.getVectorsConfig().getParams().getDistance() != Distance.Cosine || size < 1) {
                out.onError(Status.INVALID_ARGUMENT.withDescription("the stand-in keeps cosine collections only").asRuntimeException());
                return;
            }
            if (collections.putIfAbsent(req.getCollectionName(), new Collection(size)) != null) {
                out.onError(Status.ALREADY_EXISTS.withDescription("Wrong input: Collection `" + req.getCollectionName() + "` already exists!").asRuntimeException());
                return;
            }
            out.onNext(CollectionOperationResponse.newBuilder().setResult(true).setTime(0.001).build());
            out.onCompleted();
        }

        @Override
        public void delete(DeleteCollection req, StreamObserver<CollectionOperationResponse> out) {
            boolean existed = collections.remove(req.getCollectionName()) != null;
            out.onNext(CollectionOperationResponse.newBuilder().setResult(existed).setTime(0.001).build());
            out.onCompleted();
        }

        @Override
        public void list(io.qdrant.client.grpc.Collections.ListCollectionsRequest req,
                         StreamObserver<io.qdrant.client.grpc.Collections.ListCollectionsResponse> out) {
            io.qdrant.client.grpc.Collections.ListCollectionsResponse.Builder r = io.qdrant.client.grpc.Collections.ListCollectionsResponse.newBuilder()
                    .setTime(0.001);
            collections.keySet().stream().sorted().forEach(n -> r.addCollections(
                    io.qdrant.client.grpc.Collections.CollectionDescription.newBuilder().setName(n)));
            out.onNext(r.build());
            out.onCompleted();
        }

        @Override
        public void collectionExists(CollectionExistsRequest req, StreamObserver<CollectionExistsResponse> out) {
            out.onNext(CollectionExistsResponse.newBuilder().setResult(CollectionExists.newBuilder().setExists(collections.containsKey(req.getCollectionName())))
                    .setTime(0.001).build());
            out.onCompleted();
        }
    }

    private final class Points extends PointsGrpc.PointsImplBase {
        private Collection collection(String name, StreamObserver<?> out) {
            Collection c = collections.get(name);
            if (c == null) {
                out.onError(Status.NOT_FOUND.withDescription("Not found: Collection `" + name + "` doesn't exist!").asRuntimeException());
            }
            return c;
        }

        private PointsOperationResponse done() {
            return PointsOperationResponse.newBuilder().setResult(UpdateResult.newBuilder().setOperationId(operations.incrementAndGet())
                    .setStatus(UpdateStatus.Completed)).setTime(0.001).build();
        }

        @Override
        public void upsert(io.qdrant.client.grpc.Points.UpsertPoints req, StreamObserver<PointsOperationResponse> out) {
            Collection c = collection(req.getCollectionName(), out);
            if (c == null) {
                return;
            }
            List<Point> points = new ArrayList<>();
            for (PointStruct p : req.getPointsList()) {
                float[] v = vector(p.getVectors().getVector());
                if (v.length != c.size) {
                    out.onError(Status.INVALID_ARGUMENT.withDescription("Wrong input: Vector dimension error: expected dim: " + c.size + ", got " + v.length)
                            .asRuntimeException());
                    return;
                }
                points.add(new Point(p.getId(), v, Map.copyOf(p.getPayloadMap())));
            }
            points.forEach(p -> c.points.put(p.id(), p));
            out.onNext(done());
            out.onCompleted();
        }

        @Override
        public void delete(DeletePoints req, StreamObserver<PointsOperationResponse> out) {
            Collection c = collection(req.getCollectionName(), out);
            if (c == null) {
                return;
            }
            if (!req.getPoints().hasPoints()) {
                out.onError(Status.INVALID_ARGUMENT.withDescription("the stand-in deletes by ids only").asRuntimeException());
                return;
            }
            req.getPoints().getPoints().getIdsList().forEach(c.points::remove);
            out.onNext(done());
            out.onCompleted();
        }

        @Override
        public void search(SearchPoints req, StreamObserver<SearchResponse> out) {
            Collection c = collection(req.getCollectionName(), out);
            if (c == null) {
                return;
            }
            if (req.getVectorCount() != c.size) {
                out.onError(Status.INVALID_ARGUMENT.withDescription("Wrong input: Vector dimension error: expected dim: " + c.size).asRuntimeException());
                return;
            }
            float[] q = new float[req.getVectorCount()];
            for (int i = 0; i < q.length; i++) {
                q[i] = req.getVector(i);
            }
            List<ScoredPoint> hits = new ArrayList<>();
            for (Point p : c.points.values()) {
                if (!req.getFilter().getMustList().stream().allMatch(cond -> matches(cond, p))) {
                    continue;
                }
                float score = cosine(q, p.vector());
                if (req.hasScoreThreshold() && score < req.getScoreThreshold()) {
                    continue;
                }
                ScoredPoint.Builder sp = ScoredPoint.newBuilder().setId(p.id()).setScore(score).setVersion(1);
                if (req.getWithPayload().hasInclude()) {
                    for (String field : req.getWithPayload().getInclude().getFieldsList()) {
                        if (p.payload().containsKey(field)) {
                            sp.putPayload(field, p.payload().get(field));
                        }
                    }
                } else if (req.getWithPayload().getEnable()) {
                    sp.putAllPayload(p.payload());
                }
                hits.add(sp.build());
            }
            hits.sort(Comparator.comparingDouble(ScoredPoint::getScore).reversed());
            out.onNext(SearchResponse.newBuilder().addAllResult(hits.subList(0, (int) Math.min(req.getLimit(), hits.size()))).setTime(0.001).build());
            out.onCompleted();
        }
    }

    private static boolean matches(Condition cond, Point p) {
        if (!cond.hasField()) {
            throw Status.INVALID_ARGUMENT.withDescription("the stand-in supports field conditions only").asRuntimeException();
        }
        FieldCondition f = cond.getField();
        Value v = p.payload().get(f.getKey());
        if (v == null) {
            return false;
        }
        if (f.hasMatch()) {
            return switch (f.getMatch().getMatchValueCase()) {
                case KEYWORD -> f.getMatch().getKeyword().equals(v.getStringValue());
                case KEYWORDS -> f.getMatch().getKeywords().getStringsList().contains(v.getStringValue());
                default -> throw Status.INVALID_ARGUMENT.withDescription("the stand-in matches keywords only").asRuntimeException();
            };
        }
        if (f.hasRange()) {
            double x = v.hasIntegerValue() ? v.getIntegerValue() : v.getDoubleValue();
            var r = f.getRange();
            return (!r.hasLt() || x < r.getLt()) && (!r.hasLte() || x <= r.getLte()) && (!r.hasGt() || x > r.getGt()) && (!r.hasGte() || x >= r.getGte());
        }
        throw Status.INVALID_ARGUMENT.withDescription("the stand-in supports match and range only").asRuntimeException();
    }

    private static float[] vector(Vector v) {
        List<Float> data = v.hasDense() ? v.getDense().getDataList() : v.getDataList();
        float[] out = new float[data.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = data.get(i);
        }
        return out;
    }

    private static float cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : (float) (dot / Math.sqrt(na * nb));
    }
}
