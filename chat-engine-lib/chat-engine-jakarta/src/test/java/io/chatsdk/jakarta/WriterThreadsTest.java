package io.chatsdk.jakarta;

import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.attributes.AttributeBuilder;
import org.glassfish.grizzly.memory.ByteBufferManager;
import org.glassfish.grizzly.memory.MemoryManager;
import org.glassfish.grizzly.memory.ThreadLocalPool;
import org.glassfish.grizzly.memory.ThreadLocalPoolProvider;
import org.glassfish.grizzly.threadpool.DefaultWorkerThread;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WriterThreads} against Grizzly itself (the version inside Payara, a test dependency): after a connection opened
 * on a Grizzly worker thread, writing threads are Grizzly workers with pools of their own, and there Grizzly's memory
 * manager serves two frames' buffers from one array, where a plain thread gets a new array for each; after a plain
 * thread, or a worker without a pool or with another kind of pool, they stay plain, until a worker with a pool of the
 * kind opens one. That the appliance's writing threads are workers is tested there
 * ({@code WebSocketIT}).
 */
class WriterThreadsTest {
    private static final MemoryManager<?> MEMORY = MemoryManager.DEFAULT_MEMORY_MANAGER;

    /** Runs {@code learn} on a Grizzly worker thread with {@code pool}, as the container opens a connection. */
    private static void onWorker(ThreadLocalPool<?> pool, Runnable learn) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread worker = new DefaultWorkerThread(AttributeBuilder.DEFAULT_ATTRIBUTE_BUILDER, "http-thread-pool::test", pool, () -> {
            try {
                learn.run();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        worker.start();
        done.get(10, TimeUnit.SECONDS);
    }

    /** Has {@code writers} learn from a Grizzly worker thread with {@code pool}, as the container opens a connection. */
    private static void learnOnWorker(WriterThreads writers, ThreadLocalPool<?> pool) throws Exception {
        onWorker(pool, () -> writers.learnFrom(Thread.currentThread()));
    }

    /** After a worker with {@code pool} opened the first connection, writing threads are plain threads. */
    private static void assertPlainAfterAWorkerWith(ThreadLocalPool<?> pool) throws Exception {
        WriterThreads writers = new WriterThreads();
        learnOnWorker(writers, pool);

        assertThat(writers.grizzly()).isFalse();
        assertThat(writers.newThread(() -> { }, "chatsdk-ws-write-0")).isNotInstanceOf(DefaultWorkerThread.class);
    }

    private static void assertMakesWorkers(WriterThreads writers) {
        assertThat(writers.grizzly()).isTrue();
        assertThat(writers.newThread(() -> { }, "chatsdk-ws-write-0")).isInstanceOf(DefaultWorkerThread.class);
    }

    /** Whether two frames' buffers, allocated one after the other on {@code thread} as Grizzly's output buffer does, share an array. */
    private static boolean sharesArrays(WriterThreads writers) throws Exception {
        CompletableFuture<Boolean> shared = new CompletableFuture<>();
        Thread t = writers.newThread(() -> shared.complete(frame() == frame()), "chatsdk-ws-write-test");
        t.start();
        return shared.get(10, TimeUnit.SECONDS);
    }

    /** A frame's buffer: the output buffer's size allocated, a 545-byte frame put in, the rest given back. */
    private static byte[] frame() {
        Buffer b = MEMORY.allocate(8192);
        b.put(new byte[545]);
        b.trim();
        return b.array();
    }

    private static ThreadLocalPool<?> pool() {
        return ((ThreadLocalPoolProvider) MEMORY).createThreadLocalPool();
    }

    @Test
    void afterAGrizzlyWorkerOpenedAConnectionWritingThreadsAreWorkersWithPoolsOfTheirOwn() throws Exception {
        WriterThreads writers = new WriterThreads();
        ThreadLocalPool<?> containers = pool();
        learnOnWorker(writers, containers);

        assertThat(writers.grizzly()).isTrue();
        Thread a = writers.newThread(() -> { }, "chatsdk-ws-write-0");
        Thread b = writers.newThread(() -> { }, "chatsdk-ws-write-1");
        assertThat(a).isInstanceOf(DefaultWorkerThread.class);
        assertThat(a.getName()).isEqualTo("chatsdk-ws-write-0");
        assertThat(a.isDaemon()).isTrue();
        ThreadLocalPool<?> poolA = ((DefaultWorkerThread) a).getMemoryPool();
        assertThat(poolA).isNotNull().isNotSameAs(containers).isNotSameAs(((DefaultWorkerThread) b).getMemoryPool());
        assertThat(poolA.getClass()).isSameAs(containers.getClass());

        assertThat(sharesArrays(writers)).as("two frames from one thread's pool").isTrue();
    }

    @Test
    void afterAPlainThreadWritingThreadsArePlainAndEveryFrameGetsANewArray() throws Exception {
        WriterThreads writers = new WriterThreads();
        writers.learnFrom(Thread.currentThread());

        assertThat(writers.grizzly()).isFalse();
        Thread t = writers.newThread(() -> { }, "chatsdk-ws-write-0");
        assertThat(t).isNotInstanceOf(DefaultWorkerThread.class);
        assertThat(t.getName()).isEqualTo("chatsdk-ws-write-0");
        assertThat(t.isDaemon()).isTrue();
        assertThat(sharesArrays(writers)).as("what Payara's writes paid before").isFalse();
    }

    @Test
    void aWorkerWithoutAPoolLeavesWritingThreadsPlain() throws Exception {
        assertPlainAfterAWorkerWith(null);
    }

    @Test
    void aWorkerWithAnotherKindOfPoolLeavesWritingThreadsPlain() throws Exception {
        assertPlainAfterAWorkerWith(new ByteBufferManager().createThreadLocalPool());
    }

    @Test
    void aWorkerWithoutAPoolDoesNotHideTheNextWorkerOfItsClassThatHasOne() throws Exception {
        // Payara makes some of its Grizzly workers without a pool: one of them opening the first connection must not
        // leave the writing threads plain for the hub's life
        WriterThreads writers = new WriterThreads();
        learnOnWorker(writers, null);
        learnOnWorker(writers, pool());

        assertMakesWorkers(writers);
    }

    @Test
    void aWorkerLearnedOnceStaysLearnedWhateverThreadOpensNext() throws Exception {
        WriterThreads writers = new WriterThreads();
        learnOnWorker(writers, pool());
        writers.learnFrom(Thread.currentThread());   // a plain thread after it (in tests, or another container's)

        assertMakesWorkers(writers);
    }

    @Test
    void aFrameWaitingToBeWrittenKeepsItsBytesWhileItsThreadWritesOthersAndAnotherThreadDisposesOfIt() throws Exception {
        // a slow reader's frame waits in Grizzly's write queue, its buffer a slice of the writing thread's pool, while
        // that thread writes other connections' frames from the same pool; Grizzly disposes of it after the write, on
        // whichever thread finishes it
        WriterThreads writers = new WriterThreads();
        learnOnWorker(writers, pool());
        byte[] expected = new byte[545];
        java.util.Arrays.fill(expected, (byte) 'w');
        CompletableFuture<Buffer> waiting = new CompletableFuture<>();
        CompletableFuture<Boolean> othersPooled = new CompletableFuture<>();
        writers.newThread(() -> {
            Buffer frame = MEMORY.allocate(8192);
            frame.allowBufferDispose(true);   // as Grizzly's output buffer allocates it
            frame.put(expected);
            frame.trim();   // as Grizzly's output buffer does before the write: the unused rest goes back to the pool
            waiting.complete(frame);
            boolean shared = true;
            for (int i = 0; i < 1_000; i++) {   // 1,000 frames written and disposed of meanwhile, some from new pool arrays
                Buffer other = MEMORY.allocate(8192);
                other.allowBufferDispose(true);
                byte[] bytes = new byte[545];
                java.util.Arrays.fill(bytes, (byte) i);
                other.put(bytes);
                other.trim();
                shared &= other.array() != frame.array() || other.arrayOffset() >= frame.arrayOffset() + expected.length;
                other.tryDispose();
            }
            othersPooled.complete(shared);
        }, "chatsdk-ws-write-0").start();
        Buffer frame = waiting.get(10, TimeUnit.SECONDS);
        assertThat(othersPooled.get(10, TimeUnit.SECONDS)).as("no later frame's slice overlaps the waiting one").isTrue();
        onWorker(pool(), () -> {
            byte[] read = java.util.Arrays.copyOfRange(frame.array(), frame.arrayOffset(), frame.arrayOffset() + expected.length);
            assertThat(read).isEqualTo(expected);
            frame.tryDispose();
        });
    }
}
