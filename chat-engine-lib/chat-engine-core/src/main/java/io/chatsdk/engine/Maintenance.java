package io.chatsdk.engine;

import io.chatsdk.engine.audit.AuditSigner;
import io.chatsdk.engine.model.App;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The engine's background jobs on one daemon thread: audit checkpoints, retention purges and re-encryption after a key
 * rotation. Each job is safe to run on several nodes at once (row locks with SKIP LOCKED, idempotent
 * checkpoints). A failing run is logged (by exception class, never with content) and retried at the next interval.
 */
final class Maintenance implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Maintenance.class.getName());
    private final ChatEngine engine;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "chatsdk-maintenance");
        t.setDaemon(true);
        return t;
    });

    Maintenance(ChatEngine engine, AuditSigner signer, Duration checkpoints, Duration retention, Duration reencrypt) {
        this.engine = engine;
        if (signer != null) {
            schedule("audit checkpoint", () -> engine.audit().checkpoint(signer), checkpoints);
        }
        schedule("retention purge", () -> {
            eachApp(app -> engine.app(app.id()).compliance().retention().purge());
            if (engine.blobStore != null) {
                // files of purged, deleted or erased messages, unattached uploads, and uploads a crash cut off
                eachApp(app -> engine.app(app.id()).files().sweep());
                try {
                    if (engine.exportRunner != null) {
                        engine.exportRunner.expire();   // exports past their day
                    }
                    engine.blobStore.sweepLeftovers(java.time.Instant.now().minus(io.chatsdk.engine.files.Files.PENDING_GRACE));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }, retention);
        // purges, erasures, truncations and deleted channels queue their messages for the apps' search engines without an
        // event of their own: this sends them within half a minute (indexing jobs drain their own at once), and retries
        // removals of switched-off indexes. One app's unreachable engine does not hold up the others. Without engines on
        // this server, queued rows are dropped (an app's switch may outlive the server's configuration).
        io.chatsdk.engine.search.SearchSync sync = new io.chatsdk.engine.search.SearchSync(engine.ctx);
        schedule("search engine sync", () -> {
            for (io.chatsdk.engine.types.AppId app : sync.pending()) {
                try {
                    sync.drain(app);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "search engine sync of app " + app + " failed, retrying in 30 s: " + e.getClass().getName());
                }
            }
        }, Duration.ofSeconds(30));
        schedule("re-encryption", () -> eachApp(app -> {
            if (app.keysDestroyedAt() != null) {
                return;   // crypto-shredded: nothing of theirs can be re-encrypted
            }
            engine.app(app.id()).compliance().keys().reencrypt();
        }), reencrypt);
    }

    private void schedule(String name, Runnable job, Duration every) {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                job.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, name + " failed, retrying in " + every + ": " + e.getClass().getName());
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void eachApp(java.util.function.Consumer<App> job) {
        for (App app : engine.apps().list()) {
            job.accept(app);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
