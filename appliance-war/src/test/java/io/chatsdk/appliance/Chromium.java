package io.chatsdk.appliance;

import com.fasterxml.jackson.core.type.TypeReference;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Headless Chromium (Debian's package, installed by scripts/ensure-chromium.sh) driven over the DevTools protocol with
 * the JDK's WebSocket client: navigate, evaluate JavaScript, take screenshots. No driver or browser download needed.
 */
final class Chromium implements AutoCloseable {
    private final Process process;
    private final WebSocket page;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();

    private Chromium(Process process, WebSocket page) {
        this.process = process;
        this.page = page;
    }

    static Chromium launch(Path profile) throws Exception {
        String binary = System.getenv().getOrDefault("CHATSDK_CHROMIUM", "/usr/bin/chromium");
        Process p = new ProcessBuilder(binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1280,720",
                "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank")
                .redirectErrorStream(true).redirectOutput(profile.resolveSibling(profile.getFileName() + ".log").toFile()).start();
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
            if (System.nanoTime() > deadline || !p.isAlive()) {
                p.destroyForcibly();
                throw new IllegalStateException("Chromium did not open its DevTools port; see " + profile + ".log");
            }
            Thread.sleep(100);
        }
        int port = Integer.parseInt(Files.readAllLines(portFile).get(0).strip());
        HttpClient http = HttpClient.newHttpClient();
        String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        List<Map<String, Object>> targets = Api.JSON.readValue(list, new TypeReference<>() {
        });
        String wsUrl = targets.stream().filter(t -> "page".equals(t.get("type"))).map(t -> (String) t.get("webSocketDebuggerUrl"))
                .findFirst().orElseThrow(() -> new IllegalStateException("no page target in " + list));
        Chromium[] holder = new Chromium[1];
        StringBuilder partial = new StringBuilder();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(wsUrl), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    holder[0].onMessage(partial.toString());
                    partial.setLength(0);
                }
                w.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
        holder[0] = new Chromium(p, ws);
        return holder[0];
    }

    private void onMessage(String text) {
        try {
            Map<String, Object> m = Api.JSON.readValue(text, new TypeReference<LinkedHashMap<String, Object>>() {
            });
            if (m.get("id") instanceof Integer id) {
                CompletableFuture<Map<String, Object>> f = pending.remove(id);
                if (f != null) {
                    f.complete(m);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> call(String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<Map<String, Object>> f = new CompletableFuture<>();
        pending.put(id, f);
        page.sendText(Api.JSON.writeValueAsString(Map.of("id", id, "method", method, "params", params)), true).get(10, TimeUnit.SECONDS);
        Map<String, Object> r = f.get(30, TimeUnit.SECONDS);
        if (r.containsKey("error")) {
            throw new IllegalStateException(method + " failed: " + r.get("error"));
        }
        return (Map<String, Object>) r.get("result");
    }

    void navigate(String url) throws Exception {
        call("Page.navigate", Map.of("url", url));
    }

    /** Evaluates a JavaScript expression in the page and returns its value (JSON-compatible). */
    @SuppressWarnings("unchecked")
    Object eval(String expression) throws Exception {
        Map<String, Object> r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (r.containsKey("exceptionDetails")) {
            throw new IllegalStateException("page script failed: " + r.get("exceptionDetails"));
        }
        return ((Map<String, Object>) r.get("result")).get("value");
    }

    /** Polls {@code expression} until it is true. */
    void waitFor(String expression, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Boolean.TRUE.equals(eval(expression))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("page never satisfied: " + expression + "; body: " + eval("document.body.innerText"));
    }

    void screenshot(Path file) throws Exception {
        Map<String, Object> r = call("Page.captureScreenshot", Map.of("format", "png"));
        Files.write(file, Base64.getDecoder().decode((String) r.get("data")));
    }

    @Override
    public void close() {
        page.abort();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
