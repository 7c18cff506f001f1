package io.chatsdk.appliance;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.ChatEngine;
import io.chatsdk.engine.model.AppCredentials;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.UserInput;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.jakarta.Tokens;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

/**
 * Starts the engine when the application starts (so migrations run and the database is up before the first request)
 * and, in demo mode, creates the demo app with users {@code alice} and {@code bob} and the channel
 * {@code messaging:welcome} on first start. In demo mode it prints the credentials to the console: that is the
 * point of the demo. With an external database and no {@code CHATSDK_DEMO=true}, nothing secret is printed.
 */
@ApplicationScoped
public class Startup {
    private static final System.Logger LOG = System.getLogger(Startup.class.getName());
    static final List<String> DEMO_USERS = List.of("alice", "bob");

    @Inject
    ChatEngine engine;

    @Inject
    ApplianceConfig config;

    @Inject
    EventMetrics metrics;

    @Inject
    jakarta.enterprise.inject.Instance<io.chatsdk.jakarta.ChatApiSettings> apiSettings;

    private volatile AppId demoApp;

    /** The demo app, once created (demo mode only). */
    AppId demoAppId() {
        return demoApp;
    }

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        StartFailure.guard("the start", () -> {
            start();
            return null;
        });
    }

    private void start() {
        // the HTTP layer's settings are read and checked now: a bad one stops the start instead of failing every request
        apiSettings.get();
        metrics.start(engine);
        LOG.log(Level.INFO, "ChatSDK engine started (" + (config.embedded() ? "embedded PostgreSQL" : "external PostgreSQL") + ")");
        // generated tokens are written now, not at the first operator request, so that an installer can point at them
        LOG.log(Level.INFO, "operator and compliance tokens: " + tokenSource());
        if (config.demo()) {
            AppId demo = demoApp();
            demoApp = demo;
            // Print once the HTTP endpoints answer, so that the printed curl line works when it appears.
            Thread banner = new Thread(() -> {
                awaitReady();
                printBanner(demo);
            }, "chatsdk-demo-banner");
            banner.setDaemon(true);
            banner.start();
        }
    }

    private AppId demoApp() {
        Path file = config.dataDir().resolve("demo.properties");
        try {
            if (Files.exists(file)) {
                Properties p = new Properties();
                try (var in = Files.newInputStream(file)) {
                    p.load(in);
                }
                return AppId.parse(p.getProperty("app_id"));
            }
            AppCredentials creds = engine.apps().create("ChatSDK demo");
            AppHandle app = engine.app(creds.appId());
            app.users().upsertAll(List.of(UserInput.of("alice").withName("Alice"), UserInput.of("bob").withName("Bob")));
            app.channels().getOrCreate("messaging", "welcome", ChannelInput.withMembers("alice", List.of("bob")).withName("Welcome"));
            Properties p = new Properties();
            p.setProperty("app_id", creds.appId().toString());
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (var out = Files.newOutputStream(file)) {
                p.store(out, "the demo app created on first start");
            }
            LOG.log(Level.INFO, "created the demo app " + creds.appId());
            return creds.appId();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }

    private void awaitReady() {
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        java.net.URI health = java.net.URI.create("http://127.0.0.1:" + config.port() + "/health/ready");
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                var r = client.send(java.net.http.HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.log(Level.WARNING, "the appliance did not report ready within 3 minutes; printing the demo credentials anyway");
    }

    /** Where an operator finds the operator and compliance tokens, without printing them. */
    private String tokenSource() {
        config.operatorToken();     // made now if they are to be generated, so the file holds them when the banner says so
        config.complianceToken();
        boolean generated = !System.getenv().containsKey("CHATSDK_OPERATOR_TOKEN") || !System.getenv().containsKey("CHATSDK_COMPLIANCE_TOKEN");
        return generated ? "operator-token and compliance-token in " + config.dataDir().resolve("secrets.properties") + " (mode 600)"
                : "as configured in CHATSDK_OPERATOR_TOKEN and CHATSDK_COMPLIANCE_TOKEN";
    }

    private void printBanner(AppId appId) {
        AppCredentials creds = engine.apps().credentials(appId);
        Instant now = Instant.now();
        String base = "http://localhost:" + config.port();
        StringBuilder b = new StringBuilder();
        b.append("\n==================== ChatSDK appliance (demo) ====================\n");
        b.append("API:            ").append(base).append("/api/v1\n");
        b.append("Health:         ").append(base).append("/health/ready\n");
        b.append("Data directory: ").append(config.dataDir()).append('\n');
        b.append("App id:         ").append(appId).append('\n');
        b.append("API key:        ").append(creds.apiKey()).append('\n');
        b.append("API secret:     ").append(creds.apiSecret()).append('\n');
        // standard output often ends up in shipped logs: the operator and compliance tokens stay in their mode-600 file
        b.append("Operator and compliance tokens: ").append(tokenSource()).append('\n');
        b.append("Audit public key: ").append(config.auditSigningKey()).append(".pub\n");
        String aliceToken = null;
        for (String user : DEMO_USERS) {
            String token = Tokens.user(creds.apiSecret(), user, now, now.plus(Duration.ofDays(30)));
            if (aliceToken == null) {
                aliceToken = token;
            }
            b.append(String.format("Token for %-6s %s%n", user + ":", token));
        }
        b.append("Send a message as alice to messaging:welcome:\n");
        b.append("curl -sS -X POST '").append(base).append("/api/v1/channels/messaging/welcome/message?api_key=").append(creds.apiKey())
                .append("' -H 'Authorization: ").append(aliceToken).append("' -H 'Content-Type: application/json' ")
                .append("-d '{\"message\":{\"text\":\"Hello from curl\"}}'\n");
        b.append("===================================================================\n");
        System.out.println(b);
        System.out.flush();
    }
}
