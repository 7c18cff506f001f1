package io.chatsdk.jakarta;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;

/**
 * Runs a WebSocket send without the cost of the container's idle timer. Tyrus restarts a session's idle timer on every
 * frame it sends, even with no idle timeout set, by scheduling a task on the container's managed scheduled executor.
 * On Payara each such task captures the thread's context, and that capture looks up Jakarta Concurrency's
 * {@code ThreadContextProvider} services through the thread's context class loader: on the appliance, a search of every
 * jar on the class path, per frame. A profile of the WebSocket fan-out (issue #15) put three quarters of the fan-out
 * thread's CPU there.
 *
 * <p>During the send, the context class loader is one that delegates everything to the current one except that
 * service lookup, which finds nothing. The timer's task (closing a session idle for longer than its timeout, which the
 * hub enforces itself) needs no third-party context; nothing else changes.
 */
public final class SendContext {
    static final String CONTEXT_PROVIDERS = "META-INF/services/jakarta.enterprise.concurrent.spi.ThreadContextProvider";

    /** The wrappers made, by the loader they wrap: in practice one or two (the application's, a container thread's). */
    private static final java.util.concurrent.ConcurrentHashMap<ClassLoader, Hiding> WRAPPERS = new java.util.concurrent.ConcurrentHashMap<>();

    private SendContext() {
    }

    /** Runs {@code send} with the thread's context class loader hiding the context providers, then restores it. */
    public static void run(Runnable send) {
        ClassLoader current = Thread.currentThread().getContextClassLoader();
        restoring(current == null || current instanceof Hiding ? current : hiding(current), send);
    }

    /**
     * Runs {@code completion} with {@code loader} as the context class loader, then restores the one before (a null
     * loader changes nothing). A send's completion runs with the caller's loader again: a send that completes at once
     * calls its handler inside {@link #run}, and what the handler does (closing the session, whose close handler looks
     * up CDI beans through the context class loader) must see the application's loader, not the wrapper.
     */
    public static void restoring(ClassLoader loader, Runnable completion) {
        Thread t = Thread.currentThread();
        ClassLoader current = t.getContextClassLoader();
        if (loader == null || loader == current) {
            completion.run();
            return;
        }
        t.setContextClassLoader(loader);
        try {
            completion.run();
        } finally {
            t.setContextClassLoader(current);
        }
    }

    /** The wrapper of {@code parent}, made once; at most 16 are kept, so that loaders of undeployed applications do not pile up. */
    private static Hiding hiding(ClassLoader parent) {
        Hiding h = WRAPPERS.get(parent);
        if (h == null) {
            if (WRAPPERS.size() >= 16) {
                WRAPPERS.clear();
            }
            h = WRAPPERS.computeIfAbsent(parent, Hiding::new);
        }
        return h;
    }

    /** Delegates to its parent, except that it finds no {@code ThreadContextProvider} services. */
    static final class Hiding extends ClassLoader {
        static {
            registerAsParallelCapable();
        }

        Hiding(ClassLoader parent) {
            super(parent);
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            return CONTEXT_PROVIDERS.equals(name) ? Collections.emptyEnumeration() : super.getResources(name);
        }
    }
}
