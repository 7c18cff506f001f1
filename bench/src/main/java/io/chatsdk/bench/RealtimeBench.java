package io.chatsdk.bench;

import io.chatsdk.jakarta.Tokens;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Realtime benchmark against the appliance's executable jar, started here as a separate process: send → receive latency
 * of {@code message.new} over WebSocket with 1, 100 and 1,000 subscribers on one channel, the fan-out rate, and memory
 * per idle connection with up to 10,000 connections over 1,000 channels. In the same run, the same fan-outs through a
 * plain Jakarta WebSocket broadcast endpoint on the same Payara Micro ({@code /bench/broadcast}) give the transport's
 * ceiling. Clients live in this JVM; latency is measured with this JVM's clock at both ends.
 *
 * Run with {@code ./chatsdk bench-realtime [connections]} (default 10000).
 */
public final class RealtimeBench {

    private final ApplianceProcess appliance;
    private final HttpClient http;
    private final String wsBase;
    private String apiKey;
    private String secret;

    /** Concurrent REST senders in the rows with more than one subscriber. */
    static final int SENDERS = 4;
    /** How many times its default number of messages each row of the first table sends ({@code CHATSDK_BENCH_FANOUT_SCALE}). */
    static final int FANOUT_SCALE = fanoutScale(System.getenv("CHATSDK_BENCH_FANOUT_SCALE"));

    static int fanoutScale(String value) {
        int scale = value == null || value.isBlank() ? 1 : Integer.parseInt(value.strip());
        if (scale < 1 || scale > 100) {
            throw new IllegalArgumentException("CHATSDK_BENCH_FANOUT_SCALE is 1 to 100, not " + scale);
        }
        return scale;
    }

    private RealtimeBench(ApplianceProcess appliance) {
        this.appliance = appliance;
        this.http = appliance.http;
        this.wsBase = "ws://127.0.0.1:" + appliance.port;
    }

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 && !args[0].isBlank() ? Integer.parseInt(args[0].trim()) : 10_000;
        Path jar = Path.of(args.length > 1 ? args[1] : "appliance-war/target/chatsdk-appliance.jar").toAbsolutePath();
        try (ApplianceProcess appliance = ApplianceProcess.start(jar, List.of("-Xmx4g"),
                Map.of("CHATSDK_BENCH_ENDPOINTS", "true", "CHATSDK_WS_MAX_QUEUED_EVENTS", "100000"))) {
            new RealtimeBench(appliance).run(connections);
        }
    }

    private void run(int connections) throws Exception {
        appliance.awaitReady();
        Map<String, Object> app = post("/admin/api/apps", Map.of("name", "rt-bench"), "Bearer " + ApplianceProcess.OPERATOR);
        apiKey = (String) app.get("api_key");
        secret = (String) app.get("api_secret");
        int users = Math.max(1001, connections);
        for (int from = 0; from < users; from += 100) {
            Map<String, Object> batch = new LinkedHashMap<>();
            for (int i = from; i < Math.min(users, from + 100); i++) {
                batch.put("u" + i, Map.of());
            }
            post(api("/users"), Map.of("users", batch), server());
        }
        post(api("/channels/messaging/fan/query"), Map.of("data", Map.of("created_by_id", "u0", "members", List.of("u0"))), server());
        for (int from = 1; from <= 1000; from += 100) {
            List<String> ids = new ArrayList<>();
            for (int i = from; i < from + 100; i++) {
                ids.add("u" + i);
            }
            post(api("/channels/messaging/fan"), Map.of("add_members", ids), server());
        }
        // CHATSDK_BENCH_WARMUP=N: N sends (and their deliveries) before the rows, so that they measure a compiled path and
        // not the JIT at work, as RestBench's warm-up does; 0 for a cold appliance (every run before 2026-12-06)
        int warmUp = Integer.parseInt(System.getenv().getOrDefault("CHATSDK_BENCH_WARMUP", "2000").strip());
        long w0 = System.nanoTime();
        JitSettle.Outcome jit = warmUp(warmUp);
        double warmSeconds = (System.nanoTime() - w0) / 1e9;
        System.out.println("## Realtime benchmark");
        System.out.printf(Locale.ROOT, "JVM %s, %d cores; appliance with -Xmx4g; clients in the benchmark JVM; %s%n%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), warmUp == 0 ? "no warm-up (a cold appliance)"
                        : jit == JitSettle.Outcome.SKIPPED
                        ? String.format(Locale.ROOT, "warmed up with %d broadcast frames and as many sends to one subscriber (%.1f s; %s)", warmUp, warmSeconds, jit.describe())
                        : String.format(Locale.ROOT, "warmed up with %d broadcast frames and as many sends to one subscriber, then sends until the JIT settled (%.1f s in all; %s)",
                        warmUp, warmSeconds, jit.describe()));
        System.out.println("| subscribers | messages | chat p50 ms | chat p99 ms | chat max ms | chat deliveries/s | broadcast p50 ms | broadcast p99 ms | broadcast deliveries/s | chat / broadcast (deliveries/s) | REST answer p50 ms |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        // CHATSDK_BENCH_ROWS=1 runs the one-subscriber row only (the delivery latency), e.g. for A/B runs; a blank value none
        String rows = System.getenv().getOrDefault("CHATSDK_BENCH_ROWS", "1,100,1000");
        for (String row : rows.split(",")) {
            if (row.isBlank()) {
                continue;   // CHATSDK_BENCH_ROWS=" ": no row, only the idle connections
            }
            int subscribers = subscribers(row);
            // CHATSDK_BENCH_FANOUT_SCALE=N: N times the messages of these rows (default 1: 300, 100 and 30), for rows long
            // enough to compare jars (30 messages to 1,000 subscribers take under a second)
            int messages = (subscribers == 1 ? 300 : subscribers == 100 ? 100 : 30) * FANOUT_SCALE;
            long[] answers = new long[messages];
            Result chat = chatFanout(subscribers, messages, answers, false);
            Result plain = broadcastFanout(subscribers, messages, false);
            java.util.Arrays.sort(answers);
            System.out.printf(Locale.ROOT, "| %d | %d | %.1f | %.1f | %.1f | %.0f | %.1f | %.1f | %.0f | %.2f | %.1f |%n", subscribers, messages,
                    chat.p50, chat.p99, chat.max, chat.rate, plain.p50, plain.p99, plain.rate, chat.rate / plain.rate, answers[messages / 2] / 1e6);
        }
        System.out.println();
        // CHATSDK_BENCH_LATENCY_ROWS: the delivery latency with many subscribers, one message at a time (the next is sent
        // once every subscriber has the last), so that no queue of earlier messages is measured; issue #15's latency targets
        String latencyRows = System.getenv().getOrDefault("CHATSDK_BENCH_LATENCY_ROWS", "100,1000");
        if (!latencyRows.isBlank()) {
            System.out.println("One message at a time (the next is sent when every subscriber has the last):");
            System.out.println();
            System.out.println("| subscribers | messages | chat p50 ms | chat p99 ms | chat max ms | REST answer p50 ms | broadcast p50 ms | broadcast p99 ms | broadcast max ms |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (String row : latencyRows.split(",")) {
                if (row.isBlank()) {
                    continue;
                }
                int subscribers = subscribers(row);
                int messages = subscribers >= 1000 ? 100 : 200;
                long[] answers = new long[messages];
                Result chat = chatFanout(subscribers, messages, answers, true);
                Result plain = broadcastFanout(subscribers, messages, true);
                java.util.Arrays.sort(answers);
                System.out.printf(Locale.ROOT, "| %d | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |%n", subscribers, messages,
                        chat.p50, chat.p99, chat.max, answers[messages / 2] / 1e6, plain.p50, plain.p99, plain.max);
            }
            System.out.println();
        }
        String frame = lastChatFrame;
        if (frame != null) {
            System.out.printf(Locale.ROOT, "The broadcast relayed %s (the chat rows' last message.new was %,d characters).%n%n",
                    SMALL_BROADCAST_FRAMES ? "frames of about 25 characters (CHATSDK_BENCH_BROADCAST_FRAME=small)" : "each row's own chat frame", frame.length());
        }
        if (connections > 0) {
            idleConnections(appliance.process, connections);
        }
    }

    /** The users that are members of the idle benchmark's 1,000 rooms of 10: u0 to u9999. */
    private static final int ROOM_USERS = 10_000;

    record Result(double p50, double p99, double max, double rate) {
    }

    /** A row's subscriber count: messaging:fan has the members u1..u1000. */
    private static int subscribers(String row) {
        int n = Integer.parseInt(row.strip());
        if (n < 1 || n > 1000) {
            throw new IllegalArgumentException("a row has 1 to 1,000 subscribers (the members of messaging:fan), not " + n);
        }
        return n;
    }

    /**
     * Sends "ready" messages to messaging:fan until one reaches all {@code subscribers} (a socket just opened may not be
     * subscribed yet), so that a row measuring one message at a time does not start with a wait; at most 60 s.
     */
    private void awaitSubscribed(int subscribers, Map<String, CountDownLatch> probes) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (RawHttpClient client = new RawHttpClient("127.0.0.1", appliance.port)) {
            while (System.nanoTime() < until) {
                String probe = "ready " + java.util.UUID.randomUUID();
                CountDownLatch reached = new CountDownLatch(subscribers);
                probes.put(probe, reached);
                byte[] body = ("{\"message\":{\"user_id\":\"u0\",\"text\":\"" + probe + "\"}}").getBytes(StandardCharsets.UTF_8);
                if (client.post(api("/channels/messaging/fan/message"), server(), body) != 201) {
                    throw new IllegalStateException("a ready message was refused");
                }
                if (reached.await(5, TimeUnit.SECONDS)) {
                    Thread.sleep(500);
                    return;
                }
            }
        }
        throw new IllegalStateException("the " + subscribers + " subscribers did not all receive a message within 60 s");
    }

    /**
     * {@code sends} frames through the broadcast endpoint, then as many messages from u0 to u1 on their own channel, one
     * after another, each awaited on u1's WebSocket, then more such messages until the appliance's JIT compiler has
     * settled ({@link JitSettle}): the rows then run on code the JIT has compiled. Returns how the wait for the JIT ended.
     */
    private JitSettle.Outcome warmUp(int sends) throws Exception {
        if (sends <= 0) {
            return JitSettle.Outcome.SKIPPED;
        }
        // the broadcast endpoint first, so that the wait for the JIT below also covers its code
        java.util.concurrent.Semaphore echoed = new java.util.concurrent.Semaphore(0);
        WebSocket listener = connect(wsBase + "/bench/broadcast", text -> echoed.release());
        WebSocket sender = connect(wsBase + "/bench/broadcast", text -> { });
        Thread.sleep(500);
        for (int m = 0; m < sends; m++) {
            sender.sendText("{\"t\":" + System.nanoTime() + "}", true).get(10, TimeUnit.SECONDS);
            if (!echoed.tryAcquire(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("warm-up frame " + m + " was not broadcast within 10 s");
            }
        }
        listener.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        sender.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        post(api("/channels/messaging/warm/query"), Map.of("data", Map.of("created_by_id", "u0", "members", List.of("u0", "u1"))), server());
        java.util.concurrent.Semaphore delivered = new java.util.concurrent.Semaphore(0);
        List<WebSocket> watching = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.ScheduledExecutorService keepAlive = keepAlive(watching);
        JitSettle.Outcome jit;
        try (RawHttpClient client = new RawHttpClient("127.0.0.1", appliance.port)) {
            watching.add(connect(chatUrl("u1"), text -> {
                if (isMessageNew(text, "\"cid\":\"messaging:warm\"")) {
                    delivered.release();
                }
            }));
            Thread.sleep(1000);
            int[] m = {0};
            EngineBench.Sender sendOne = (thread, i) -> {
                byte[] body = ("{\"message\":{\"user_id\":\"u0\",\"text\":\"warm " + i + "\"}}").getBytes(StandardCharsets.UTF_8);
                int status = client.post(api("/channels/messaging/warm/message"), server(), body);
                if (status != 201) {
                    throw new IllegalStateException("warm-up send answered " + status);
                }
                if (!delivered.tryAcquire(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("warm-up message " + i + " was not delivered within 10 s");
                }
            };
            while (m[0] < sends) {
                sendOne.send(0, m[0]++);
            }
            // then on until the appliance's JIT compiler has settled: the fixed count alone left it busy (2026-12-06)
            jit = JitSettle.warm(appliance.process.pid(), window -> {
                long end = System.nanoTime() + window.toNanos();
                while (System.nanoTime() < end) {
                    sendOne.send(0, m[0]++);
                }
            });
        } finally {
            keepAlive.shutdownNow();
            watching.forEach(ws -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "done"));
        }
        Thread.sleep(2000);
        return jit;
    }

    /**
     * Sends a health check on each of {@code sockets} every 30 s, as the SDKs do: the server closes a WebSocket that has
     * sent nothing for 60 s, and a warm-up or a row of 1,000 subscribers can last longer than that. A thirtieth of the
     * sockets each second, so that the checks (and the server's answers) do not come in one burst.
     */
    private static java.util.concurrent.ScheduledExecutorService keepAlive(List<WebSocket> sockets) {
        java.util.concurrent.ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-keep-alive");
            t.setDaemon(true);
            return t;
        });
        int[] tick = {0};
        timer.scheduleAtFixedRate(() -> {
            int slice = tick[0]++ % 30;
            for (int i = slice; i < sockets.size(); i += 30) {
                try {
                    sockets.get(i).sendText("{\"type\":\"health.check\"}", true);
                } catch (RuntimeException busy) {
                    // its last send has not finished, or it is closing: the next round tries again (a throw would end the timer)
                }
            }
        }, 1, 1, TimeUnit.SECONDS);
        return timer;
    }

    /**
     * Subscribers u1..uN watch messaging:fan; u0 sends {@code messages} messages over REST, one after another with one
     * subscriber and from {@link #SENDERS} concurrent clients with more, with the minimal blocking client (since
     * 2026-12-05; the JDK's client before, which added about 3 ms of its own per send).
     * {@code answers} gets each send's time to its REST answer, in ns.
     */
    private Result chatFanout(int subscribers, int messages, long[] answers, boolean oneAtATime) throws Exception {
        lastChatFrame = null;   // the broadcast after this row copies this row's frame, or none
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        CountDownLatch all = new CountDownLatch(subscribers * messages);
        java.util.concurrent.Semaphore arrived = new java.util.concurrent.Semaphore(0);
        Map<String, CountDownLatch> probes = new java.util.concurrent.ConcurrentHashMap<>();
        List<WebSocket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.ScheduledExecutorService keepAlive = keepAlive(sockets);
        ExecutorService pool = null;
        try {
            for (int i = 1; i <= subscribers; i++) {
                sockets.add(connect(chatUrl("u" + i), text -> {
                    if (isMessageNew(text, "\"cid\":\"messaging:fan\"")) {
                        int at = text.indexOf("\"text\":\"ready ");
                        if (at >= 0) {
                            CountDownLatch reached = probes.get(text.substring(at + 8, text.indexOf('"', at + 8)));
                            if (reached != null) {
                                reached.countDown();
                            }
                            return;
                        }
                        latencies.add(System.nanoTime() - stamp(text));
                        lastChatFrame = text;
                        all.countDown();
                        arrived.release();
                    }
                }));
            }
            Thread.sleep(2000);
            if (oneAtATime) {
                awaitSubscribed(subscribers, probes);
            }
            // one sender measures one message's way; with more subscribers the server's fan-out is measured, so four senders
            // keep it busy (one sender, about 60 sends/s here, bounded the 100-subscriber row's rate until 2026-12-05); one
            // message at a time measures the latency of a fan-out without a queue ahead of it
            int senders = subscribers == 1 || oneAtATime ? 1 : SENDERS;
            pool = Executors.newFixedThreadPool(senders);
            List<Future<?>> running = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int s = 0; s < senders; s++) {
                int first = s;
                running.add(pool.submit(() -> {
                    try (RawHttpClient client = new RawHttpClient("127.0.0.1", appliance.port)) {
                        for (int m = first; m < messages; m += senders) {
                            long sent = System.nanoTime();
                            byte[] body = ("{\"message\":{\"user_id\":\"u0\",\"text\":\"bench " + m + "\",\"t\":" + sent + "}}")
                                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                            int status = client.post(api("/channels/messaging/fan/message"), server(), body);
                            answers[m] = System.nanoTime() - sent;
                            if (status != 201) {
                                throw new IllegalStateException("send answered " + status);
                            }
                            if (oneAtATime && !arrived.tryAcquire(subscribers, 30, TimeUnit.SECONDS)) {
                                throw new IllegalStateException("message " + m + " did not reach all " + subscribers + " subscribers within 30 s");
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get(120, TimeUnit.SECONDS);
            }
            all.await(120, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - t0) / 1e9;
            return summarize(latencies, seconds);
        } finally {
            // a failed row must not leave threads that keep the JVM (mvn exec:java) alive, nor sockets open
            keepAlive.shutdownNow();
            if (pool != null) {
                pool.shutdownNow();
            }
            sockets.forEach(ws -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "done"));
        }
    }

    /** A {@code message.new} frame as the row's subscribers last received it: the broadcast's frames copy it. */
    private volatile String lastChatFrame;

    /**
     * CHATSDK_BENCH_BROADCAST_FRAME=small: the broadcast relays a frame of about 25 characters, {@code {"t":...}}, as every
     * run before 2026-12-07 did (a ceiling for tiny frames). By default it relays the row's own chat frame (the last
     * {@code message.new} a subscriber received, its {@code t} set anew for each send), and its subscribers test and read
     * it as the chat subscribers do: the same bytes through the transport and the same work in the clients.
     */
    private static final boolean SMALL_BROADCAST_FRAMES = "small".equals(System.getenv("CHATSDK_BENCH_BROADCAST_FRAME"));

    /** The same fan-out through the plain broadcast endpoint: the transport's ceiling. */
    private Result broadcastFanout(int subscribers, int messages, boolean oneAtATime) throws Exception {
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        CountDownLatch all = new CountDownLatch(subscribers * messages);
        java.util.concurrent.Semaphore arrived = new java.util.concurrent.Semaphore(0);
        List<WebSocket> sockets = new ArrayList<>();
        String template = SMALL_BROADCAST_FRAMES ? null : lastChatFrame;
        if (!SMALL_BROADCAST_FRAMES && template == null) {
            throw new IllegalStateException("no chat frame to broadcast: the chat row before it received none");
        }
        for (int i = 0; i < subscribers; i++) {
            sockets.add(connect(wsBase + "/bench/broadcast", text -> {
                if (template != null) {
                    if (!isMessageNew(text, "\"cid\":\"messaging:fan\"")) {
                        return;
                    }
                    latencies.add(System.nanoTime() - stamp(text));
                } else {
                    latencies.add(System.nanoTime() - Long.parseLong(text.substring(text.indexOf(':') + 1, text.indexOf('}'))));
                }
                all.countDown();
                arrived.release();
            }));
        }
        WebSocket sender = connect(wsBase + "/bench/broadcast", text -> { });
        try {
            Thread.sleep(1000);
            long t0 = System.nanoTime();
            for (int m = 0; m < messages; m++) {
                sender.sendText(template == null ? "{\"t\":" + System.nanoTime() + "}" : restamp(template, System.nanoTime()), true)
                        .get(10, TimeUnit.SECONDS);
                if (oneAtATime) {
                    if (!arrived.tryAcquire(subscribers, 30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("broadcast frame " + m + " did not reach all " + subscribers + " sockets within 30 s");
                    }
                } else {
                    Thread.sleep(2); // like the chat case, one message after another rather than a burst
                }
            }
            all.await(120, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - t0) / 1e9;
            return summarize(latencies, seconds);
        } finally {
            sockets.forEach(ws -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "done"));
            sender.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
    }

    /** Opens idle connections for users over 1,000 channels of 10 and reads the appliance's resident memory. */
    private void idleConnections(Process appliance, int wanted) throws Exception {
        int connections = wanted;
        for (int c = 0; c < 1000; c++) {
            List<String> members = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                members.add("u" + ((c * 10 + i) % Math.max(1001, connections)));
            }
            post(api("/channels/messaging/room-" + c + "/query"), Map.of("data", Map.of("created_by_id", members.get(0), "members", members)), server());
        }
        System.gc();
        Thread.sleep(2000);
        HeapHistogram heapBefore = HeapHistogram.of(appliance.pid());
        long before = rssKb(appliance.pid());
        long descriptorsBefore = openDescriptors(appliance.pid());
        System.out.printf(Locale.ROOT, "(the appliance holds %,d file descriptors before the idle connections; its limit is %s)%n", descriptorsBefore,
                descriptorLimit(appliance.pid()));
        List<WebSocket> open = new java.util.concurrent.CopyOnWriteArrayList<>();
        // idle as an SDK's connection is idle: a health check every 30 s (without, the server closes a socket after 60 s,
        // which opening 10,000 of them and reading two histograms can outlast)
        java.util.concurrent.ScheduledExecutorService keepAlive = keepAlive(open);
        CountDownLatch hello = new CountDownLatch(connections);
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        // CHATSDK_BENCH_TOKEN_IN=frame: the idle clients send their token in the first frame, as the web and Kotlin SDKs do;
        // by default it is in the URL (as this benchmark always did), which the server keeps in its parameter maps
        boolean inFrame = "frame".equals(System.getenv("CHATSDK_BENCH_TOKEN_IN"));
        // beyond 10,000 connections (every room member is among the first 10,000 users), the rooms' latency is measured
        // twice: with the first 10,000 open, then with all of them, so that the two compare within one run
        int firstStep = Math.min(connections, ROOM_USERS);
        CountDownLatch firstHello = new CountDownLatch(firstStep);
        Busy atFirstStep = null;
        long t0 = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            // a socket counts once, at its first health.check (later ones are the server's every 30 s and answers to ours)
            java.util.concurrent.atomic.AtomicBoolean greeted = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.function.Consumer<String> onText = text -> {
                if (text.startsWith("{\"type\":\"health.check\"")) {
                    if (greeted.compareAndSet(false, true)) {
                        firstHello.countDown();
                        hello.countDown();
                    }
                } else if (isMessageNew(text, "\"cid\":\"messaging:room-")) {
                    latencies.add(System.nanoTime() - stamp(text));
                }
            };
            try {
                if (inFrame) {
                    WebSocket ws = connect(wsBase + "/api/v1/connect?api_key=" + apiKey, onText);
                    ws.sendText("{\"type\":\"authorization\",\"token\":\"" + userToken("u" + i) + "\"}", true).get(30, TimeUnit.SECONDS);
                    open.add(ws);
                } else {
                    open.add(connect(chatUrl("u" + i), onText));
                }
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException refused) {
                // the most this appliance (or this machine's file limit) holds: measure what is open
                System.out.printf(Locale.ROOT, "connection %,d did not open (%s); the appliance held %,d file descriptors; measuring the %,d open%n", i + 1,
                        refused.getClass().getSimpleName(), openDescriptors(appliance.pid()), open.size());
                connections = open.size();
                break;
            }
            if (i + 1 == firstStep && firstStep < connections) {
                if (!firstHello.await(300, TimeUnit.SECONDS)) {
                    System.out.printf(Locale.ROOT, "(%,d of the first %,d sockets got no health.check within 300 s)%n", firstHello.getCount(), firstStep);
                }
                Thread.sleep(2000);
                atFirstStep = busyRooms(wanted, latencies);
            }
        }
        long unopened = wanted - connections;
        long upDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (hello.getCount() > unopened && System.nanoTime() < upDeadline) {
            Thread.sleep(50);
        }
        boolean allUp = hello.getCount() == unopened;
        double connectSeconds = (System.nanoTime() - t0) / 1e9;
        Thread.sleep(5000);
        long after = rssKb(appliance.pid());
        long descriptors = openDescriptors(appliance.pid());
        HeapHistogram heapAfter = HeapHistogram.of(appliance.pid());
        // CHATSDK_BENCH_HEAP_DUMP=FILE: a heap dump of the appliance with the idle connections open, to find who holds what
        String dump = System.getenv("CHATSDK_BENCH_HEAP_DUMP");
        if (dump != null && !dump.isBlank()) {
            HeapHistogram.dump(appliance.pid(), Path.of(dump));
        }
        Busy busy = busyRooms(wanted, latencies);
        System.out.println("### Idle connections");
        System.out.printf(Locale.ROOT, "%d WebSocket connections (token in the %s; %s) opened in %.1f s over 1,000 channels of 10 members; appliance resident memory "
                        + "%,d MiB before, %,d MiB after: **%.1f KiB per idle connection** (JVM heap and native, Grizzly and Tyrus "
                        + "buffers included). At that rate 24 GiB would hold about %,d connections; not verified at that scale.%n",
                connections, inFrame ? "first frame" : "URL", allUp ? "all got their health.check" : "NOT all got their health.check", connectSeconds, before / 1024, after / 1024,
                (after - before) / (double) connections, (long) ((24L * 1024 * 1024 - after) / Math.max(0.001, (after - before) / (double) connections)));
        System.out.printf(Locale.ROOT, "%nLive heap after a full collection (`jcmd GC.class_histogram`): %,d KiB before, %,d KiB after: "
                        + "**%.1f KiB of heap per idle connection** (native memory, such as the sockets' kernel buffers, not included). "
                        + "Grown most, per connection: %s.%n", heapBefore.totalBytes() / 1024, heapAfter.totalBytes() / 1024,
                (heapAfter.totalBytes() - heapBefore.totalBytes()) / 1024.0 / connections, String.join(", ", heapAfter.grownSince(heapBefore, 16, connections)));
        if (atFirstStep != null) {
            System.out.printf(Locale.ROOT, "%nWith the first %d connections open: 200 messages into random rooms of 10: %s.%n", firstStep, atFirstStep);
        }
        System.out.printf(Locale.ROOT, "%nWith those %d connections open (the appliance holding %,d file descriptors, %,d before them): 200 messages into "
                + "random rooms of 10: %s.%n", connections, descriptors, descriptorsBefore, busy);
        if (atFirstStep != null) {
            System.out.printf(Locale.ROOT, "All against the first %d: p50 %.2f times, p99 %.2f times.%n", firstStep, busy.result().p50() / atFirstStep.result().p50(),
                    busy.result().p99() / atFirstStep.result().p99());
        }
        keepAlive.shutdownNow();
        for (WebSocket ws : open) {
            ws.abort();
        }
    }

    /** The latencies of {@link #busyRooms}, and how many deliveries they are of (2,000 when none was lost). */
    private record Busy(Result result, int deliveries) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d deliveries)", result.p50(), result.p99(), result.max(), deliveries);
        }
    }

    /**
     * 200 messages sent one after another into random rooms of the 1,000, each delivered to its 10 members; the
     * latencies from send to frame, at every member ({@code latencies} is emptied first and filled by the sockets).
     */
    private Busy busyRooms(int users, ConcurrentLinkedQueue<Long> latencies) throws Exception {
        latencies.clear();
        java.util.Random random = new java.util.Random(42);
        long s0 = System.nanoTime();
        for (int m = 0; m < 200; m++) {
            int room = random.nextInt(1000);
            String sender = "u" + ((room * 10) % Math.max(1001, users));   // a member, as the rooms were made
            post(api("/channels/messaging/room-" + room + "/message"), Map.of("message", Map.of("user_id", sender, "text", "busy " + m,
                    "t", System.nanoTime())), server());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (latencies.size() < 2000 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return new Busy(summarize(latencies, (System.nanoTime() - s0) / 1e9), latencies.size());
    }

    private static String descriptorLimit(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "limits"))) {
            if (line.startsWith("Max open files")) {
                return line.replaceAll("\\s+", " ").replace("Max open files ", "").trim();
            }
        }
        return "unknown";
    }

    private static long openDescriptors(long pid) throws IOException {
        try (var fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            return fds.count();
        }
    }

    /** Whether a frame is a {@code message.new} whose JSON holds {@code cidField} (a channel's, or the start of one). */
    private static boolean isMessageNew(String text, String cidField) {
        return text.contains("\"type\":\"message.new\"") && text.contains(cidField);
    }

    /** {@code json} with the value of its custom field {@code t} (see {@link #stamp}) replaced by {@code nanos}. */
    static String restamp(String json, long nanos) {
        int at = stampStart(json);
        return json.substring(0, at) + nanos + json.substring(stampEnd(json, at));
    }

    /** The sender's {@code System.nanoTime()} that the message carries as custom field {@code t}. */
    private static long stamp(String json) {
        int at = stampStart(json);
        return Long.parseLong(json.substring(at, stampEnd(json, at)));
    }

    /** Where the value of the custom field {@code t} starts. */
    private static int stampStart(String json) {
        return json.indexOf("\"t\":") + 4;
    }

    /** Where the number starting at {@code at} ends. */
    private static int stampEnd(String json, int at) {
        int end = at;
        while (end < json.length() && (Character.isDigit(json.charAt(end)) || json.charAt(end) == '-')) {
            end++;
        }
        return end;
    }

    private static Result summarize(ConcurrentLinkedQueue<Long> latencies, double seconds) {
        long[] l = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        if (l.length == 0) {
            return new Result(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        return new Result(EngineBench.percentile(l, 0.5), EngineBench.percentile(l, 0.99), l[l.length - 1] / 1e6, l.length / seconds);
    }

    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private String chatUrl(String user) {
        return wsBase + "/api/v1/connect?api_key=" + apiKey + "&authorization=" + URLEncoder.encode(userToken(user), StandardCharsets.UTF_8);
    }

    private String userToken(String user) {
        return Tokens.user(secret, user, Instant.now(), Instant.now().plus(java.time.Duration.ofHours(6)));
    }

    private WebSocket connect(String url, java.util.function.Consumer<String> onText) throws Exception {
        return http.newWebSocketBuilder().buildAsync(URI.create(url), new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    onText.accept(partial.toString());
                    partial.setLength(0);
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                if (status != WebSocket.NORMAL_CLOSURE) {
                    // a close the benchmark did not ask for (4408: the server found the socket silent for 60 s)
                    System.err.println("bench: the server closed a WebSocket: " + status + " " + reason);
                }
                return null;
            }
        }).get(30, TimeUnit.SECONDS);
    }

    private String server() {
        return Tokens.server(secret, Instant.now());
    }

    private String api(String path) {
        return "/api/v1" + path + "?api_key=" + apiKey;
    }

    private Map<String, Object> post(String path, Object body, String auth) throws Exception {
        return appliance.post(path, body, auth);
    }
}
