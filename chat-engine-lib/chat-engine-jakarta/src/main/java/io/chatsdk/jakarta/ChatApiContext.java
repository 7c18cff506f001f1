package io.chatsdk.jakarta;

import io.chatsdk.engine.ChatEngine;
import io.chatsdk.engine.spi.InMemoryPresenceRegistry;
import io.chatsdk.engine.spi.InMemoryTypingRegistry;
import io.chatsdk.engine.spi.PresenceRegistry;
import io.chatsdk.engine.spi.TypingRegistry;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.time.Clock;

/**
 * What the API's resources and filters share: the engine (which the host application must produce as a CDI bean),
 * the settings (a produced {@link ChatApiSettings}, or the defaults), the app directory and the rate limiter, and
 * optional cluster parts the host may produce: a {@link PresenceRegistry}, a {@link TypingRegistry} and a Bucket4j
 * {@code ProxyManager<String>}
 * for shared rate-limit buckets (a producer may return null for "none").
 */
@ApplicationScoped
public class ChatApiContext {
    @Inject
    ChatEngine engine;

    @Inject
    Instance<ChatApiSettings> settingsInstance;

    @Inject
    Instance<PresenceRegistry> presenceInstance;

    @Inject
    Instance<ProxyManager<String>> rateLimitStore;

    @Inject
    Instance<TypingRegistry> typingInstance;

    private ChatApiSettings settings;
    private AppDirectory apps;
    private TokenVerifier tokens;
    private RateLimiter rateLimiter;
    private Authenticator authenticator;
    private AuthFailures authFailures;
    private Hub hub;
    private final Clock clock = Clock.systemUTC();

    @PostConstruct
    void init() {
        settings = settingsInstance.isResolvable() ? settingsInstance.get() : ChatApiSettings.defaults();
        apps = new AppDirectory(engine, settings.credentialsCache(), clock);
        tokens = new TokenVerifier(settings.clockSkew());
        ProxyManager<String> store = rateLimitStore.isResolvable() ? rateLimitStore.get() : null;
        rateLimiter = new RateLimiter(settings.rateLimits(), clock, store);
        authenticator = new Authenticator(this);
        authFailures = new AuthFailures(settings.authFailures(), clock, e -> engine.audit().recordLater(e));
    }

    public ChatEngine engine() {
        return engine;
    }

    /** The app an operator API path names ({@code /apps/{id}/...}), server side; {@code 404 app_not_found} when there is none. */
    io.chatsdk.engine.AppHandle app(String id) {
        return engine.app(engine.apps().get(io.chatsdk.engine.types.AppId.parse(id)).id());
    }

    public ChatApiSettings settings() {
        return settings;
    }

    AppDirectory apps() {
        return apps;
    }

    TokenVerifier tokens() {
        return tokens;
    }

    /** This node's WebSocket connections; started on first use. */
    /** This node's open WebSocket connections (0 before the first). */
    synchronized int openConnections() {
        return hub == null ? 0 : hub.connectionCount();
    }

    synchronized Hub hub() {
        if (hub == null) {
            PresenceRegistry presence = presenceInstance.isResolvable() ? presenceInstance.get() : new InMemoryPresenceRegistry();
            TypingRegistry produced = typingInstance.isResolvable() ? typingInstance.get() : null; // a producer may return null
            TypingRegistry typing = produced != null ? produced : new InMemoryTypingRegistry(clock);
            hub = new Hub(engine, presence, typing, clock, settings.maxQueuedEvents(), settings.idleTimeout(), authenticator, settings.localDelivery());
        }
        return hub;
    }

    @jakarta.annotation.PreDestroy
    synchronized void stop() {
        if (hub != null) {
            hub.close();
        }
        authFailures.close();
    }

    AuthFailures authFailures() {
        return authFailures;
    }

    Authenticator authenticator() {
        return authenticator;
    }

    RateLimiter rateLimiter() {
        return rateLimiter;
    }

    Clock clock() {
        return clock;
    }
}
