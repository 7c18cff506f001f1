package io.chatsdk.connectors.meilisearch;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A <b>stand-in</b> for a Meilisearch server, for tests only: the real server (Rust) cannot run here. It speaks the
 * part of Meilisearch's REST API that ChatSDK uses, as Meilisearch documents it: indexes (create, get, delete), settings
 * (filterable, sortable, searchable attributes), documents (add or replace, delete by ids), search, and asynchronous
 * tasks ({@code 202} with a {@code taskUid}, processed in order on one thread, {@code GET /tasks/{uid}} for the status,
 * errors such as {@code index_already_exists} on the task). Bearer-key authentication ({@code 401}/{@code 403}).
 *
 * <p>Search follows Meilisearch's defaults where ChatSDK relies on them: words are lower-cased and stripped of accents;
 * with {@code matchingStrategy: all} every query word must match a document word, exactly, the last one also as a
 * prefix, or with typos (one from 5 letters, two from 9); filters on filterable attributes only
 * ({@code attr IN [..]}, {@code =}, {@code <}, {@code <=}, {@code >}, {@code >=}, joined by {@code AND}); sorts on
 * sortable attributes only; {@code _rankingScore} in [0, 1]. Ranking is simpler than Meilisearch's (fewer typos, then
 * more exact words, then newer). It also records every request body, so a test can see what left the appliance.
 */
public final class MeilisearchStandIn implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern INDEX_PATH = Pattern.compile("/indexes/([A-Za-z0-9_-]+)(/.*)?");
    private static final Pattern CONDITION = Pattern.compile("\\s*([a-z_]+)\\s*(IN|=|<=|>=|<|>)\\s*(\\[[^\\]]*\\]|\"[^\"]*\"|-?[0-9]+)\\s*");

    private final HttpServer server;
    private final String masterKey;
    private final ExecutorService worker = Executors.newSingleThreadExecutor();
    private final AtomicInteger taskIds = new AtomicInteger();
    private final Map<Integer, Map<String, Object>> tasks = new ConcurrentHashMap<>();
    private final Map<String, IndexState> indexes = new ConcurrentHashMap<>();
    /** Every request body received (documents included), for tests that check what was sent. */
    public final List<String> received = new CopyOnWriteArrayList<>();
    private volatile boolean down;

    private static final class IndexState {
        final String primaryKey;
        final Map<String, Map<String, Object>> documents = new ConcurrentHashMap<>();
        volatile Set<String> filterable = Set.of();
        volatile Set<String> sortable = Set.of();

        IndexState(String primaryKey) {
            this.primaryKey = primaryKey;
        }
    }

    private MeilisearchStandIn(String masterKey) throws IOException {
        this.masterKey = masterKey;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    /** Starts on a free loopback port; requests must carry {@code Authorization: Bearer masterKey}. */
    public static MeilisearchStandIn start(String masterKey) throws IOException {
        return new MeilisearchStandIn(masterKey);
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** While down, every request fails with 503, as a server being restarted behind a proxy does. */
    public void setDown(boolean down) {
        this.down = down;
    }

    /** The message ids an app's index holds. */
    public Set<String> messageIds(String indexUid) {
        IndexState s = indexes.get(indexUid);
        if (s == null) {
            return Set.of();
        }
        Set<String> out = new java.util.TreeSet<>();
        s.documents.values().forEach(d -> out.add((String) d.get("message_id")));
        return out;
    }

    public boolean hasIndex(String uid) {
        return indexes.containsKey(uid);
    }

    @Override
    public void close() {
        server.stop(0);
        worker.shutdownNow();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            if (down) {
                send(x, 503, Map.of("message", "unavailable"));
                return;
            }
            String auth = x.getRequestHeaders().getFirst("Authorization");
            if (auth == null) {
                send(x, 401, error("The Authorization header is missing.", "missing_authorization_header", "auth"));
                return;
            }
            if (!auth.equals("Bearer " + masterKey)) {
                send(x, 403, error("The provided API key is invalid.", "invalid_api_key", "auth"));
                return;
            }
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (!body.isEmpty()) {
                received.add(body);
            }
            // Meilisearch merges repeated slashes (meilisearch-java 0.15 sends ".../uid//settings")
            route(x, x.getRequestMethod(), x.getRequestURI().getPath().replaceAll("/{2,}", "/"), body);
        } catch (RuntimeException e) {
            send(x, 400, error("bad request: " + e.getMessage(), "bad_request", "invalid_request"));
        }
    }

    private void route(HttpExchange x, String method, String path, String body) throws IOException {
        if (path.startsWith("/tasks/") && method.equals("GET")) {
            Map<String, Object> t = tasks.get(Integer.parseInt(path.substring("/tasks/".length())));
            if (t == null) {
                send(x, 404, error("Task not found.", "task_not_found", "invalid_request"));
            } else {
                send(x, 200, t);
            }
            return;
        }
        if (path.equals("/indexes") && method.equals("POST")) {
            Map<String, Object> req = JSON.readValue(body, new TypeReference<LinkedHashMap<String, Object>>() {
            });
            String uid = (String) req.get("uid");
            String pk = (String) req.get("primaryKey");
            enqueue(x, uid, "indexCreation", () -> {
                if (indexes.putIfAbsent(uid, new IndexState(pk)) != null) {
                    throw new TaskFailure("Index `" + uid + "` already exists.", "index_already_exists");
                }
            });
            return;
        }
        Matcher m = INDEX_PATH.matcher(path);
        if (!m.matches()) {
            send(x, 404, error("Not found.", "not_found", "invalid_request"));
            return;
        }
        String uid = m.group(1);
        String rest = m.group(2) == null ? "" : m.group(2);
        switch (method + " " + rest) {
            case "GET " -> {
                IndexState s = indexes.get(uid);
                if (s == null) {
                    send(x, 404, error("Index `" + uid + "` not found.", "index_not_found", "invalid_request"));
                } else {
                    send(x, 200, Map.of("uid", uid, "primaryKey", s.primaryKey, "createdAt", Instant.EPOCH.toString(), "updatedAt", Instant.EPOCH.toString()));
                }
            }
            case "DELETE " -> enqueue(x, uid, "indexDeletion", () -> {
                if (indexes.remove(uid) == null) {
                    throw new TaskFailure("Index `" + uid + "` not found.", "index_not_found");
                }
            });
            case "PATCH /settings" -> {
                Map<String, Object> req = JSON.readValue(body, new TypeReference<LinkedHashMap<String, Object>>() {
                });
                enqueue(x, uid, "settingsUpdate", () -> {
                    IndexState s = indexes.computeIfAbsent(uid, k -> new IndexState("id"));
                    if (req.get("filterableAttributes") instanceof List<?> f) {
                        s.filterable = Set.copyOf(f.stream().map(String::valueOf).toList());
                    }
                    if (req.get("sortableAttributes") instanceof List<?> f) {
                        s.sortable = Set.copyOf(f.stream().map(String::valueOf).toList());
                    }
                });
            }
            case "POST /documents", "PUT /documents" -> {
                List<Map<String, Object>> docs = JSON.readValue(body, new TypeReference<List<Map<String, Object>>>() {
                });
                String pk = queryParam(x, "primaryKey");
                enqueue(x, uid, "documentAdditionOrUpdate", () -> {
                    IndexState s = indexes.computeIfAbsent(uid, k -> new IndexState(pk == null ? "id" : pk));
                    for (Map<String, Object> d : docs) {
                        Object id = d.get(s.primaryKey);
                        if (!(id instanceof String sid) || !sid.matches("[A-Za-z0-9_-]{1,511}")) {
                            throw new TaskFailure("Document identifier `" + id + "` is invalid.", "invalid_document_id");
                        }
                    }
                    for (Map<String, Object> d : docs) {
                        s.documents.put((String) d.get(s.primaryKey), d);
                    }
                });
            }
            case "POST /documents/delete-batch" -> {
                List<Object> ids = JSON.readValue(body, new TypeReference<List<Object>>() {
                });
                enqueue(x, uid, "documentDeletion", () -> {
                    IndexState s = indexes.get(uid);
                    if (s == null) {
                        throw new TaskFailure("Index `" + uid + "` not found.", "index_not_found");
                    }
                    ids.forEach(id -> s.documents.remove(String.valueOf(id)));
                });
            }
            case "POST /search" -> search(x, uid, JSON.readValue(body, new TypeReference<LinkedHashMap<String, Object>>() {
            }));
            default -> send(x, 404, error("Not found: " + method + " " + path, "not_found", "invalid_request"));
        }
    }

    private void search(HttpExchange x, String uid, Map<String, Object> req) throws IOException {
        IndexState s = indexes.get(uid);
        if (s == null) {
            send(x, 404, error("Index `" + uid + "` not found.", "index_not_found", "invalid_request"));
            return;
        }
        List<java.util.function.Predicate<Map<String, Object>>> filters = new ArrayList<>();
        Object filter = req.get("filter");
        List<String> expressions = filter instanceof String f ? List.of(f) : filter instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
        for (String expression : expressions) {
            for (String part : expression.split(" AND ")) {
                Matcher c = CONDITION.matcher(part);
                if (!c.matches()) {
                    send(x, 400, error("Was expecting a filter at `" + part + "`.", "invalid_search_filter", "invalid_request"));
                    return;
                }
                if (!s.filterable.contains(c.group(1))) {
                    send(x, 400, error("Attribute `" + c.group(1) + "` is not filterable.", "invalid_search_filter", "invalid_request"));
                    return;
                }
                filters.add(condition(c.group(1), c.group(2), c.group(3)));
            }
        }
        Comparator<Map<String, Object>> sort = null;
        if (req.get("sort") instanceof List<?> sorts && !sorts.isEmpty()) {
            String[] rule = String.valueOf(sorts.get(0)).split(":");
            if (!s.sortable.contains(rule[0])) {
                send(x, 400, error("Attribute `" + rule[0] + "` is not sortable.", "invalid_search_sort", "invalid_request"));
                return;
            }
            sort = Comparator.comparingDouble(d -> ((Number) d.getOrDefault(rule[0], 0)).doubleValue());
            if (rule.length > 1 && rule[1].equals("desc")) {
                sort = sort.reversed();
            }
        }
        List<String> query = words(String.valueOf(req.getOrDefault("q", "")));
        record Scored(Map<String, Object> doc, int typos, int exact) {
        }
        List<Scored> hits = new ArrayList<>();
        outer:
        for (Map<String, Object> d : s.documents.values()) {
            for (var f : filters) {
                if (!f.test(d)) {
                    continue outer;
                }
            }
            List<String> have = words(String.valueOf(d.getOrDefault("text", "")));
            int typos = 0;
            int exact = 0;
            for (int i = 0; i < query.size(); i++) {
                String w = query.get(i);
                boolean last = i == query.size() - 1;
                int best = Integer.MAX_VALUE;
                for (String h : have) {
                    if (h.equals(w)) {
                        best = 0;
                        break;
                    }
                    if (last && h.startsWith(w)) {
                        best = Math.min(best, 0);
                        continue;
                    }
                    int allowed = w.length() >= 9 ? 2 : w.length() >= 5 ? 1 : 0;
                    if (allowed > 0) {
                        int dist = distance(w, h);
                        if (dist <= allowed) {
                            best = Math.min(best, dist);
                        }
                    }
                }
                if (best == Integer.MAX_VALUE) {
                    continue outer;   // matchingStrategy all: every word must match
                }
                typos += best;
                if (best == 0 && have.contains(w)) {
                    exact++;
                }
            }
            hits.add(new Scored(d, typos, exact));
        }
        Comparator<Scored> order = sort != null ? Comparator.comparing(Scored::doc, sort)
                : Comparator.comparingInt(Scored::typos).thenComparing(Comparator.comparingInt(Scored::exact).reversed())
                        .thenComparing(h -> -((Number) h.doc().getOrDefault("created_at_us", 0)).doubleValue());
        hits.sort(order);
        int limit = req.get("limit") instanceof Number n ? n.intValue() : 20;
        int offset = req.get("offset") instanceof Number n ? n.intValue() : 0;
        List<Object> attributes = req.get("attributesToRetrieve") instanceof List<?> a ? new ArrayList<>(a) : null;
        List<Map<String, Object>> out = new ArrayList<>();
        for (Scored h : hits.subList(Math.min(offset, hits.size()), Math.min(offset + limit, hits.size()))) {
            Map<String, Object> doc = new LinkedHashMap<>();
            h.doc().forEach((k, v) -> {
                if (attributes == null || attributes.contains(k) || attributes.contains("*")) {
                    doc.put(k, v);
                }
            });
            if (Boolean.TRUE.equals(req.get("showRankingScore"))) {
                double words = Math.max(1, query.size());
                doc.put("_rankingScore", Math.max(0, 1.0 - h.typos() / (2.0 * words) - (words - h.exact()) / (10.0 * words)));
            }
            out.add(doc);
        }
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("hits", out);
        res.put("query", req.getOrDefault("q", ""));
        res.put("processingTimeMs", 0);
        res.put("limit", limit);
        res.put("offset", offset);
        res.put("estimatedTotalHits", hits.size());
        send(x, 200, res);
    }

    private static java.util.function.Predicate<Map<String, Object>> condition(String attr, String op, String value) {
        if (op.equals("IN")) {
            List<String> values = new ArrayList<>();
            Matcher q = Pattern.compile("\"([^\"]*)\"").matcher(value);
            while (q.find()) {
                values.add(q.group(1));
            }
            return d -> values.contains(String.valueOf(d.get(attr)));
        }
        if (value.startsWith("\"")) {
            String v = value.substring(1, value.length() - 1);
            return d -> op.equals("=") && v.equals(String.valueOf(d.get(attr)));
        }
        double n = Double.parseDouble(value);
        return d -> {
            if (!(d.get(attr) instanceof Number have)) {
                return false;
            }
            double h = have.doubleValue();
            return switch (op) {
                case "=" -> h == n;
                case "<" -> h < n;
                case "<=" -> h <= n;
                case ">" -> h > n;
                default -> h >= n;
            };
        };
    }

    static List<String> words(String text) {
        String folded = Normalizer.normalize(text.toLowerCase(Locale.ROOT), Normalizer.Form.NFKD).replaceAll("\\p{M}+", "");
        List<String> out = new ArrayList<>();
        for (String w : folded.split("[^\\p{L}\\p{N}]+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static final class TaskFailure extends RuntimeException {
        final String code;

        TaskFailure(String message, String code) {
            super(message);
            this.code = code;
        }
    }

    /** Answers 202 with the task, then applies it on the worker thread, in order. */
    private void enqueue(HttpExchange x, String uid, String type, Runnable work) throws IOException {
        int id = taskIds.incrementAndGet();
        String now = Instant.now().toString();
        Map<String, Object> task = new ConcurrentHashMap<>(Map.of("uid", id, "indexUid", uid, "status", "enqueued", "type", type, "enqueuedAt", now));
        tasks.put(id, task);
        worker.submit(() -> {
            task.put("status", "processing");
            task.put("startedAt", Instant.now().toString());
            try {
                work.run();
                task.put("status", "succeeded");
            } catch (TaskFailure f) {
                task.put("error", error(f.getMessage(), f.code, "invalid_request"));
                task.put("status", "failed");
            }
            task.put("finishedAt", Instant.now().toString());
            task.put("duration", "PT0.001S");
        });
        send(x, 202, Map.of("taskUid", id, "indexUid", uid, "status", "enqueued", "type", type, "enqueuedAt", now));
    }

    private static String queryParam(HttpExchange x, String name) {
        String q = x.getRequestURI().getQuery();
        if (q == null) {
            return null;
        }
        for (String p : q.split("&")) {
            if (p.startsWith(name + "=")) {
                return p.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static Map<String, Object> error(String message, String code, String type) {
        return Map.of("message", message, "code", code, "type", type, "link", "https://docs.meilisearch.com/errors#" + code);
    }

    private static void send(HttpExchange x, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }
}
