package io.chatsdk.engine.messaging;

import io.chatsdk.engine.apps.Apps;
import io.chatsdk.engine.internal.AppSettings;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.internal.Json;
import io.chatsdk.engine.internal.MessageContent;
import io.chatsdk.engine.internal.NodeCache;
import io.chatsdk.engine.internal.Outbound;
import io.chatsdk.engine.internal.SendHook;
import io.chatsdk.engine.spi.HttpSender;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The before-message-send hook: an app may name a URL that is called synchronously with each message a user sends
 * (already redacted), and answers {@code {"action": "allow"}}, {@code {"action": "reject", "reason": "..."}} or
 * {@code {"action": "modify", "message": {"text": ..., "custom": {...}}}}. A timeout, an error or an answer that
 * cannot be read allows the message when the hook is {@code fail_open}, and refuses it ({@code 503 unavailable})
 * otherwise. Requests carry {@code X-Api-Key} and an HMAC-SHA256 {@code X-Signature} like webhooks. The app's setting
 * is cached per node for 10 s. Thread-safe.
 */
public final class BeforeSendHook implements SendHook {
    /** The hook of an app: where, how long to wait (100 ms to 5 s), and what a failure means. */
    public record Config(URI url, Duration timeout, boolean failOpen) {
        public Config {
            Outbound.requireUrl(url);   // the same URL rules as webhooks
            if (timeout == null) {
                timeout = Duration.ofSeconds(1);
            }
            if (timeout.compareTo(Duration.ofMillis(100)) < 0 || timeout.compareTo(Duration.ofSeconds(5)) > 0) {
                throw ChatException.invalid("timeout_ms", "must be between 100 and 5000");
            }
        }

        Map<String, Object> toMap() {
            return Map.of("url", url.toString(), "timeout_ms", timeout.toMillis(), "fail_open", failOpen);
        }
    }

    /** What the hook decided: the content to send (maybe modified). */
    record Outcome(MessageContent content) {
    }

    private static final Duration TTL = Duration.ofSeconds(10);
    private final HttpSender sender;
    /** Most hook calls in flight on one node; more wait in a short queue, and beyond it a call fails at once. */
    static final int MAX_CALLS = 32;
    static final int MAX_WAITING = 256;
    // bounded: a hook that hangs until its timeout holds at most MAX_CALLS threads, whatever the send rate
    private final ExecutorService calls = new java.util.concurrent.ThreadPoolExecutor(MAX_CALLS, MAX_CALLS, 30, TimeUnit.SECONDS,
            new java.util.concurrent.ArrayBlockingQueue<>(MAX_WAITING), r -> {
                Thread t = new Thread(r, "chatsdk-before-send");
                t.setDaemon(true);
                return t;
            }, new java.util.concurrent.ThreadPoolExecutor.AbortPolicy());

    {
        ((java.util.concurrent.ThreadPoolExecutor) calls).allowCoreThreadTimeOut(true);
    }
    private final NodeCache<java.util.UUID, Hook> cache;

    /** An app's hook and the credentials it signs with; {@code config} null when the app has none. */
    private record Hook(Config config, AppCredentialsView credentials) {
    }

    private final java.util.function.Supplier<Apps> apps;

    public BeforeSendHook(Clock clock, HttpSender sender, java.util.function.Supplier<Apps> apps) {
        this.cache = new NodeCache<>(clock, TTL);
        this.sender = sender;
        this.apps = apps;
    }

    /**
     * Runs the app's hook on a user's message, if the app has one; returns the content to store. Server-side sends are
     * not hooked (the server is the app's own back end).
     */
    @Override
    public MessageContent apply(AppId app, String cid, String userId, String messageId, MessageContent content) {
        Hook c = hook(app);
        return c.config() == null ? content : call(c.config(), c.credentials(), cid, userId, messageId, content);
    }

    /** Whether the app has a hook (cached per node for 10 s). */
    @Override
    public boolean configured(AppId app) {
        return hook(app).config() != null;
    }

    private Hook hook(AppId app) {
        return cache.get(app.value(), () -> {
            Apps a = apps.get();
            Config config = parse(a.get(app).settings().get("before_message_send"));
            var creds = config == null ? null : a.credentials(app);
            return new Hook(config, creds == null ? null : new AppCredentialsView(creds.apiKey(), creds.apiSecret()));
        });
    }

    @SuppressWarnings("unchecked")
    static Config parse(Object raw) {
        if (!(raw instanceof Map<?, ?> m)) {
            return null;
        }
        Map<String, Object> map = (Map<String, Object>) m;
        Number timeout = (Number) map.getOrDefault("timeout_ms", 1000);
        return new Config(URI.create((String) map.get("url")), Duration.ofMillis(timeout.longValue()), Boolean.TRUE.equals(map.get("fail_open")));
    }

    /** Sets or (with null) removes the app's hook. */
    public void set(EngineContext ctx, AppId app, Config config) {
        ctx.db().inTransaction(tx -> {
            AppSettings.put(tx, app, "before_message_send", config == null ? null : config.toMap());
            return null;
        });
        cache.forget(app.value());
    }

    /** Calls the hook; returns the content to store, or throws the refusal. */
    @SuppressWarnings("unchecked")
    MessageContent call(Config config, AppCredentialsView app, String cid, String userId, String messageId, MessageContent content) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("id", messageId);
        message.put("text", content.text());
        message.put("attachments", content.attachments());
        message.put("custom", content.custom());
        message.put("user_id", userId);
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("type", "message.before_send");
        request.put("cid", cid);
        request.put("message", message);
        byte[] body = Json.write(request).getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = Map.of("Content-Type", "application/json", "X-Api-Key", app.apiKey(), "X-Signature", Outbound.sign(app.secret(), body));
        Map<String, Object> answer;
        try {
            Future<HttpSender.Response> f = calls.submit(() -> sender.post(config.url(), headers, body));
            HttpSender.Response r;
            try {
                r = f.get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                f.cancel(true);
                throw e;
            }
            if (r.status() < 200 || r.status() >= 300) {
                throw new IllegalStateException("the hook answered " + r.status());
            }
            answer = Json.readMap(new String(r.body(), StandardCharsets.UTF_8));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (config.failOpen()) {
                return content;
            }
            throw new ChatException(ErrorCode.UNAVAILABLE, "the app's before-message-send hook did not answer in time or failed; retry later", null, null);
        }
        Object action = answer.get("action");
        if ("reject".equals(action)) {
            Object reason = answer.get("reason");
            String why = reason instanceof String s && !s.isBlank() ? s.strip() : "the app's hook rejected the message";
            throw new ChatException(ErrorCode.MESSAGE_REJECTED, why.length() > 200 ? why.substring(0, 200) : why, "message", null);
        }
        if ("modify".equals(action) && answer.get("message") instanceof Map<?, ?> changed) {
            Map<String, Object> c = (Map<String, Object>) changed;
            String text = c.get("text") instanceof String t ? t : content.text();
            Map<String, Object> custom = c.get("custom") instanceof Map<?, ?> cu ? (Map<String, Object>) cu : content.custom();
            return new MessageContent(text, content.attachments(), custom);
        }
        if ("allow".equals(action)) {
            return content;
        }
        if (config.failOpen()) {
            return content;
        }
        throw new ChatException(ErrorCode.UNAVAILABLE, "the app's before-message-send hook gave no action; retry later", null, null);
    }

    /** What the hook call needs of the app. */
    record AppCredentialsView(String apiKey, String secret) {
        @Override
        public String toString() {
            return "AppCredentialsView[apiKey=" + apiKey + ", secret=****]";   // never the secret, should this reach a log
        }
    }

    public void close() {
        calls.shutdownNow();
    }
}
