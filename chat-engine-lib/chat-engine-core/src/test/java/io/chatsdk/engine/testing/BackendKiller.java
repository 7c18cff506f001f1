package io.chatsdk.engine.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Terminates every busy backend of the test's database ({@code pg_terminate_backend}) every {@code pauseMillis}, on a
 * thread of its own, until closed: database connections lost under load.
 */
public final class BackendKiller implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger killed = new AtomicInteger();
    private final Thread thread;

    private BackendKiller(DataSource dataSource, long pauseMillis) {
        thread = new Thread(() -> {
            while (running.get()) {
                try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("select pg_terminate_backend(pid) from pg_stat_activity "
                             + "where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle'")) {
                    while (rs.next()) {
                        if (rs.getBoolean(1)) {
                            killed.incrementAndGet();
                        }
                    }
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // the killer's own connection may be the one that went: keep going
                }
            }
        }, "backend-killer");
        thread.setDaemon(true);
    }

    /** Starts killing. */
    public static BackendKiller start(DataSource dataSource, long pauseMillis) {
        BackendKiller k = new BackendKiller(dataSource, pauseMillis);
        k.thread.start();
        return k;
    }

    /** Backends terminated so far. */
    public int killed() {
        return killed.get();
    }

    /** Stops killing and waits for the thread to end. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(30_000);
    }
}
