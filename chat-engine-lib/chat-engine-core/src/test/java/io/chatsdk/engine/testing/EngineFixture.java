package io.chatsdk.engine.testing;

import com.zaxxer.hikari.HikariDataSource;
import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.ChatEngine;
import io.chatsdk.engine.model.AppCredentials;
import io.chatsdk.engine.model.UserInput;
import io.chatsdk.engine.spi.ChatEvent;
import io.chatsdk.engine.spi.KeyProvider;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * An engine on a fresh embedded-PostgreSQL database, with an event recorder. One per test class
 * ({@code @BeforeAll}); each test makes its own app with {@link #newApp}, so tests are isolated by tenancy.
 */
public final class EngineFixture implements AutoCloseable {
    public final HikariDataSource dataSource;
    public final ChatEngine engine;
    public final byte[] masterKey = new byte[32];
    /** Where the engine keeps files: a fresh temporary directory. */
    public final java.nio.file.Path filesDir;
    private final List<ChatEvent> events = new CopyOnWriteArrayList<>();

    public EngineFixture() {
        this(b -> b);
    }

    /** With {@code more} applied to the engine's builder last (an embedding model, say). */
    public EngineFixture(java.util.function.UnaryOperator<ChatEngine.Builder> more) {
        new SecureRandom().nextBytes(masterKey);
        dataSource = TestDatabase.freshDatabase();
        try {
            filesDir = java.nio.file.Files.createTempDirectory("chatsdk-files");
            engine = more.apply(ChatEngine.builder()
                .dataSource(dataSource)
                .keyProvider(KeyProvider.aesGcm(masterKey))
                .blobStore(new io.chatsdk.engine.spi.FileSystemBlobStore(filesDir))
                .relayPollInterval(Duration.ofMillis(100)))
                .build();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        engine.eventBus().subscribe(events::add);
    }

    /** A new app with users u1..uN (role user). */
    public AppHandle newApp(int users) {
        AppCredentials creds = engine.apps().create("test app");
        AppHandle app = engine.app(creds.appId());
        if (users > 0) {
            List<UserInput> inputs = new ArrayList<>();
            for (int i = 1; i <= users; i++) {
                inputs.add(UserInput.of("u" + i).withName("User " + i));
            }
            app.users().upsertAll(inputs);
        }
        return app;
    }

    /** Events of {@code app} seen so far that match, after publishing everything pending. */
    public List<ChatEvent> events(AppHandle app, Predicate<ChatEvent> filter) {
        awaitRelayed();
        return events.stream().filter(e -> e.appId().equals(app.id())).filter(filter).toList();
    }

    /**
     * Waits (at most 10 s) until the outbox is empty: the relay deletes every row it publishes, and rows an earlier
     * version marked published, unopened.
     */
    public void awaitRelayed() {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            engine.relayPendingEvents();
            try (var c = dataSource.getConnection(); var s = c.createStatement();
                 var rs = s.executeQuery("select count(*) from outbox_event")) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    return;
                }
                Thread.sleep(20);
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("outbox events were not relayed within 10 s");
    }

    /** A new {@code messaging} channel of {@code owner} with {@code others} as members; its cid. */
    public static io.chatsdk.engine.types.Cid channel(AppHandle app, String owner, String... others) {
        return app.channels().getOrCreate("messaging", "c-" + java.util.UUID.randomUUID().toString().substring(0, 8),
                io.chatsdk.engine.model.ChannelInput.withMembers(owner, List.of(others))).channel().cid();
    }

    /** The first column of the first row of {@code sql} (a count), read directly from the database. */
    public long count(String sql) {
        try (var c = dataSource.getConnection(); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs one statement with {@code params} directly against the database (a test's setup or tampering). */
    public void execute(String sql, Object... params) {
        try (var c = dataSource.getConnection(); var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits (at most 30 s, polling every 20 ms) until {@code done} holds; fails naming {@code what} otherwise. */
    public void await(String what, java.util.function.BooleanSupplier done) {
        await(what, Duration.ofSeconds(30), done);
    }

    /** Waits (at most {@code within}, polling every 20 ms) until {@code done} holds; fails naming {@code what} otherwise. */
    public void await(String what, Duration within, java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen within " + within.toSeconds() + " s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    /** Waits until the message's search document exists (its indexing job ran). */
    public void awaitIndexed(String messageId) {
        await("indexing message " + messageId, () -> count("select count(*) from message_search_doc where message_id = '" + messageId + "'") == 1);
    }

    /** Waits until the message is indexed and the app's external-engine sync queue is empty (every engine took it). */
    public void awaitSynced(AppHandle app, String messageId) {
        awaitIndexed(messageId);
        await("the search_sync queue of app " + app.id() + " to drain", () -> count("select count(*) from search_sync where app_id = '" + app.id() + "'") == 0);
    }

    @Override
    public void close() {
        engine.close();
        dataSource.close();
    }
}
