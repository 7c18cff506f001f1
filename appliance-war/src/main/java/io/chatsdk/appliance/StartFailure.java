package io.chatsdk.appliance;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Ends the process when the engine cannot start. Payara Micro logs a failed deployment and goes on running with no
 * application: the port answers, {@code /health/ready} says DOWN forever, and a supervisor such as systemd sees a
 * healthy process that it never restarts. So a part of the engine that fails while the application starts (the
 * database, the broker, the cluster member, the engine itself) schedules an exit with {@link #EXIT_STATUS} and rethrows,
 * and Payara fails the deployment as before; {@code Restart=on-failure} then tries again.
 */
final class StartFailure {
    private static final System.Logger LOG = System.getLogger(StartFailure.class.getName());

    /** The process's exit status after a failed start. */
    static final int EXIT_STATUS = 3;

    /** How long the pause and the shutdown hooks may take before the process halts without them. */
    private static final Duration HOOKS_GRACE = Duration.ofSeconds(21);

    private StartFailure() {
    }

    /** Runs one start step ({@code what} names it in the log); a failure ends the process after it has been thrown on. */
    static <T> T guard(String what, Supplier<T> step) {
        try {
            return step.get();
        } catch (RuntimeException | Error e) {
            exit(what, e);
            throw e;
        }
    }

    private static void exit(String what, Throwable cause) {
        if (shuttingDown()) {
            return;   // a stop during the start (SIGTERM): the JVM is already on its way out, with its hooks
        }
        // the exception's message is the one Payara logs with the failed deployment anyway; the configuration's own checks
        // quote a value only for settings that are not secret
        LOG.log(Level.ERROR, "ChatSDK cannot start: " + what + " failed (" + cause.getClass().getName() + ": " + cause.getMessage()
                + "); the process exits with status " + EXIT_STATUS, cause);
        Thread halt = after(HOOKS_GRACE, () -> Runtime.getRuntime().halt(EXIT_STATUS), "chatsdk-start-failure-halt");
        halt.setDaemon(true);
        halt.start();
        // not on this thread: it holds the deployment, which the server's own shutdown hook may wait for; a second's pause
        // lets Payara log the failed deployment before its hook stops it
        after(Duration.ofSeconds(1), () -> System.exit(EXIT_STATUS), "chatsdk-start-failure-exit").start();
    }

    /** A thread that runs {@code action} after {@code delay}. */
    private static Thread after(Duration delay, Runnable action, String name) {
        return new Thread(() -> {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            action.run();
        }, name);
    }

    /** Whether the JVM has begun to shut down (it then refuses new shutdown hooks). */
    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}
