package io.chatsdk.jakarta;

import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes the hub's writing threads ({@code chatsdk-ws-write-N}) Grizzly worker threads, each with its own buffer pool,
 * once a connection has opened on one of the container's Grizzly worker threads (Payara's). Elsewhere they are plain
 * threads.
 *
 * <p>Why: Grizzly's heap memory manager serves a write's output buffer from a pool kept per thread, but only on its
 * own worker threads ({@code DefaultWorkerThread}). On any other thread it allocates a whole buffer of the response's
 * size, 8 KiB on Payara, for every frame written through the servlet container, however short the frame, and the
 * buffer is garbage once the frame is on the wire. A profile of the fan-out to 1,000 subscribers (issue #15) put 132
 * of the writing threads' 212 samples in that allocation: about 8 KiB a frame, some 300 MB a second. From a worker
 * thread's pool a frame takes only its own bytes, and the rest of the buffer goes back to the pool.
 *
 * <p>Only public Grizzly API is used ({@code DefaultWorkerThread}'s constructor, {@code MemoryManager}'s default
 * instance, {@code ThreadLocalPoolProvider}), reached through the class of the thread that opened a connection, as the
 * application cannot see the container's classes. A new thread's pool must be of the same kind as the container
 * worker's, else the threads stay plain. The pools come from Grizzly's default memory manager, where Grizzly's own
 * thread pools take their transport's: on Payara these are of the same class, which is what the check compares, and
 * were they two instances, only the managers' buffer statistics would differ. On Grizzly, which kind of thread the
 * writers are is logged once; on another container nothing is logged.
 */
final class WriterThreads {
    private static final System.Logger LOG = System.getLogger(WriterThreads.class.getName());
    static final String WORKER = "org.glassfish.grizzly.threadpool.DefaultWorkerThread";
    /** Logged once, when the first writing thread is a Grizzly worker. */
    static final String POOLED = "WebSocket frames are written on Grizzly worker threads, each with its own buffer pool";
    /** Starts the line logged once when the container's threads are Grizzly's but the writing threads cannot be. */
    static final String PLAIN = "WebSocket frames are written on plain threads";

    /** How to make a Grizzly worker thread: {@code (name, runnable) -> Thread}, with a new pool for each. */
    private record Grizzly(MethodHandle newThread) {
    }

    /**
     * What was learned from the container's threads so far: a {@link Grizzly}, or the class of a thread that is not
     * Grizzly's worker or whose Grizzly API was not found; null until then.
     */
    private volatile Object learned;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    /**
     * Learns from {@code current}, the thread on which the container opened a connection, how to make threads of its
     * kind. Cheap after the first call.
     */
    void learnFrom(Thread current) {
        Object l = learned;
        if (l instanceof Grizzly || l == current.getClass()) {
            return;
        }
        Class<?> worker = current.getClass();
        while (worker != null && !worker.getName().equals(WORKER)) {
            worker = worker.getSuperclass();
        }
        if (worker == null) {
            learned = current.getClass();
            return;
        }
        Object found = grizzly(worker, current);
        if (found != null) {   // null: this worker had no pool of the kind; another worker of the class may
            learned = found;
        }
    }

    /** A writing thread named {@code name}: a Grizzly worker once one was learned, else a plain one. A daemon. */
    Thread newThread(Runnable task, String name) {
        Thread t = null;
        if (learned instanceof Grizzly g) {
            try {
                t = (Thread) g.newThread.invokeExact(name, task);
                logOnce(POOLED);
            } catch (Throwable e) {
                rethrowIfFatal(e);
                logOnce(PLAIN + ": " + name + " could not be made a Grizzly worker thread (" + e.getClass().getName() + ")");
            }
        }
        if (t == null) {
            t = new Thread(task, name);
        }
        t.setDaemon(true);
        return t;
    }

    /** Whether new writing threads are Grizzly workers. */
    boolean grizzly() {
        return learned instanceof Grizzly;
    }

    /**
     * The handle that makes a worker like {@code current}; {@code current}'s class when Grizzly's API was not found;
     * null when {@code current}'s own pool is missing or of another kind, which is a property of that thread (Payara
     * makes some workers without a pool), not of its class.
     */
    private Object grizzly(Class<?> worker, Thread current) {
        try {
            ClassLoader loader = worker.getClassLoader();
            Class<?> attributes = Class.forName("org.glassfish.grizzly.attributes.AttributeBuilder", false, loader);
            Class<?> pool = Class.forName("org.glassfish.grizzly.memory.ThreadLocalPool", false, loader);
            Class<?> memory = Class.forName("org.glassfish.grizzly.memory.MemoryManager", false, loader);
            Class<?> provider = Class.forName("org.glassfish.grizzly.memory.ThreadLocalPoolProvider", false, loader);
            Object manager = memory.getField("DEFAULT_MEMORY_MANAGER").get(null);
            Object builder = attributes.getField("DEFAULT_ATTRIBUTE_BUILDER").get(null);
            if (!provider.isInstance(manager)) {
                logOnce(PLAIN + ": Grizzly's memory manager keeps no pool per thread (" + manager.getClass().getName() + ")");
                return current.getClass();
            }
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            MethodHandle newPool = lookup.findVirtual(provider, "createThreadLocalPool", MethodType.methodType(pool)).bindTo(manager);
            Object theirs = lookup.findVirtual(worker, "getMemoryPool", MethodType.methodType(pool)).invoke(current);
            Object ours = newPool.invoke();
            if (theirs == null || ours == null || theirs.getClass() != ours.getClass()) {
                logOnce(PLAIN + " so far: a connection opened on a Grizzly worker thread with another buffer pool ("
                        + (theirs == null ? "none" : theirs.getClass().getName()) + ")");
                return null;
            }
            // (builder, name, pool, task) -> Thread, with a new pool for every thread: (name, task) -> Thread
            MethodHandle make = lookup.findConstructor(worker, MethodType.methodType(void.class, attributes, String.class, pool, Runnable.class));
            make = MethodHandles.insertArguments(make, 0, builder);
            make = MethodHandles.collectArguments(make, 1, newPool);   // (name, [newPool()], task)
            make = make.asType(MethodType.methodType(Thread.class, String.class, Runnable.class));
            return new Grizzly(make);
        } catch (Throwable e) {
            rethrowIfFatal(e);
            logOnce(PLAIN + ": Grizzly's worker threads could not be found (" + e + ")");
            return current.getClass();
        }
    }

    /** Errors other than a class or method not matching what was looked up are not this class's to handle. */
    private static void rethrowIfFatal(Throwable e) {
        if (e instanceof Error error && !(e instanceof LinkageError)) {
            throw error;
        }
    }

    private void logOnce(String line) {
        if (logged.add(line)) {
            LOG.log(Level.INFO, line);
        }
    }
}
