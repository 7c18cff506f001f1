package io.chatsdk.appliance;

import com.fasterxml.jackson.core.type.TypeReference;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A test WebSocket client (the JDK's): collects received events and the close code. */
final class WsClient implements WebSocket.Listener, AutoCloseable {
    final BlockingQueue<Map<String, Object>> events = new LinkedBlockingQueue<>();
    final List<Map<String, Object>> seen = new CopyOnWriteArrayList<>();
    final CompletableFuture<int[]> closed = new CompletableFuture<>();
    volatile String closeReason;
    private final StringBuilder partial = new StringBuilder();
    private volatile boolean reading = true;
    private volatile boolean pinging = true;
    private static final java.util.concurrent.ScheduledExecutorService PINGER = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ws-test-pinger");
        t.setDaemon(true);
        return t;
    });
    WebSocket socket;

    static WsClient connect(TestAppliance appliance, String apiKey, String token) throws Exception {
        return connect(appliance, apiKey, token, true);
    }

    static WsClient connect(TestAppliance appliance, String apiKey, String token, boolean presence) throws Exception {
        String q = "?api_key=" + URLEncoder.encode(apiKey, StandardCharsets.UTF_8) + "&authorization=" + URLEncoder.encode(token, StandardCharsets.UTF_8)
                + (presence ? "&presence=true" : "");
        return open(appliance, q, null);
    }

    /**
     * Connects without a token in the URL and sends {@code firstFrame} (or nothing, when null) as the first frame,
     * before any health check.
     */
    static WsClient connectWithFirstFrame(TestAppliance appliance, String apiKey, String firstFrame) throws Exception {
        return open(appliance, "?api_key=" + URLEncoder.encode(apiKey, StandardCharsets.UTF_8), firstFrame);
    }

    private static WsClient open(TestAppliance appliance, String q, String firstFrame) throws Exception {
        WsClient c = new WsClient();
        c.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create("ws://127.0.0.1:" + appliance.port + "/api/v1/connect" + q), c).get(20, TimeUnit.SECONDS);
        if (firstFrame != null) {
            c.socket.sendText(firstFrame, true).get(10, TimeUnit.SECONDS);
        }
        // like a real client: a health.check every 2 s keeps the connection alive
        java.util.concurrent.ScheduledFuture<?>[] ping = new java.util.concurrent.ScheduledFuture<?>[1];
        ping[0] = PINGER.scheduleAtFixedRate(() -> {
            if (!c.pinging || c.socket.isOutputClosed() || c.closed.isDone()) {
                ping[0].cancel(false);
                return;
            }
            c.socket.sendText("{\"type\":\"health.check\"}", true);
        }, 2, 2, TimeUnit.SECONDS);
        return c;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                Map<String, Object> e = Api.JSON.readValue(partial.toString(), new TypeReference<LinkedHashMap<String, Object>>() {
                });
                events.add(e);
                seen.add(e);
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
            partial.setLength(0);
        }
        if (reading) {
            ws.request(1);
        }
        return null;
    }

    /** Simulates a client that goes silent: no more health.check pings. */
    void stopPinging() {
        pinging = false;
    }

    /** Simulates a client that stops reading: no more frames are taken off the socket. */
    void stopReading() {
        reading = false;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        closeReason = reason;
        closed.complete(new int[] {statusCode});
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        closed.complete(new int[] {-1});
    }

    /** The next event matching {@code p}, skipping others; fails after {@code seconds}. */
    Map<String, Object> await(Predicate<Map<String, Object>> p, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            Map<String, Object> e = events.poll(100, TimeUnit.MILLISECONDS);
            if (e != null && p.test(e)) {
                return e;
            }
        }
        throw new AssertionError("no matching event within " + seconds + " s; seen: " + seen);
    }

    Map<String, Object> await(String type, int seconds) throws InterruptedException {
        return await(e -> type.equals(e.get("type")), seconds);
    }

    /** Whether {@code e} is an event of {@code type} carrying the message {@code id}. */
    static boolean isMessage(Map<String, Object> e, String type, String id) {
        return type.equals(e.get("type")) && e.get("message") instanceof Map<?, ?> m && id.equals(m.get("id"));
    }

    void send(Map<String, Object> event) throws Exception {
        socket.sendText(Api.JSON.writeValueAsString(event), true).get(10, TimeUnit.SECONDS);
    }

    int closeCode(int seconds) throws Exception {
        return closed.get(seconds, TimeUnit.SECONDS)[0];
    }

    @Override
    public void close() {
        if (socket != null && !socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }
}
