package io.chatsdk.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Warms a JVM up until its JIT compiler has settled: work runs in windows of {@link #WINDOW} until, over one window, the
 * JVM's compiler threads ({@code C1 CompilerThread*}, {@code C2 CompilerThread*}) used less than {@link #SETTLED_SHARE} of
 * one core. A fixed warm-up (a few seconds, a few thousand requests) left the appliance's compiler busy for a minute
 * more on this 2-core machine, competing with the measured requests for a core (measured on 2026-12-06: one REST
 * client's p50 was 4.3-6.1 ms after a 10 s warm-up and 2.0 ms once the compiler had settled, after about 90 s of sends).
 *
 * <p>{@code CHATSDK_BENCH_JIT_WAIT} sets the most seconds to wait (default {@value #DEFAULT_MAX_SECONDS}; {@code 0}
 * skips it, the fixed warm-up of the benchmarks before 2026-12-06). Reads {@code /proc}; where it is missing, or the
 * JVM's compiler threads have other names than HotSpot's, one window is run and the outcome says it was not measured.
 */
final class JitSettle {
    static final Duration WINDOW = Duration.ofSeconds(5);
    static final double SETTLED_SHARE = 0.02;
    static final int DEFAULT_MAX_SECONDS = 300;

    /** One window of work: runs for about {@code window}. */
    @FunctionalInterface
    interface Work {
        void run(Duration window) throws Exception;
    }

    /** How a warm-up ended: its seconds, whether the compiler settled, and its share of a core over the last window. */
    record Outcome(double seconds, boolean settled, double lastShare, boolean measurable) {
        static final Outcome SKIPPED = new Outcome(0, false, Double.NaN, true);

        String describe() {
            if (this == SKIPPED) {
                return "no wait for the JIT (CHATSDK_BENCH_JIT_WAIT=0)";
            }
            if (!measurable) {
                return String.format(Locale.ROOT, "%.0f s; the JIT compiler's threads could not be read from /proc, so it was not waited for", seconds);
            }
            return String.format(Locale.ROOT, settled ? "%.0f s until the JIT compiler used %.1f %% of a core over %d s"
                    : "%.0f s, and the JIT compiler still used %.1f %% of a core over the last %d s (CHATSDK_BENCH_JIT_WAIT reached)",
                    seconds, lastShare * 100, WINDOW.toSeconds());
        }
    }

    private JitSettle() {
    }

    /** The most seconds to wait, from {@code CHATSDK_BENCH_JIT_WAIT}. */
    static int maxSeconds() {
        String v = System.getenv("CHATSDK_BENCH_JIT_WAIT");
        return v == null || v.isBlank() ? DEFAULT_MAX_SECONDS : Integer.parseInt(v.strip());
    }

    /**
     * The CPU time so far of each of a process's JIT compiler threads, in clock ticks (10 ms), by thread id; empty where
     * {@code /proc} is missing or no thread has a HotSpot compiler's name.
     */
    static Map<String, Long> compilerTicks(long pid) {
        Map<String, Long> out = new java.util.HashMap<>();
        for (ApplianceProcess.ThreadTicks t : ApplianceProcess.threadTicks(pid)) {
            if (t.name().contains("CompilerThre")) {
                out.put(t.id(), t.ticks());
            }
        }
        return out;
    }

    /**
     * The compiler's CPU between two readings, in nanoseconds, thread by thread: the JVM starts compiler threads under
     * load and ends them when idle, so a thread that ended takes its earlier time with it and must not count against the
     * others; a new thread counts in full.
     */
    static long compilerNanosBetween(Map<String, Long> before, Map<String, Long> after) {
        long ticks = 0;
        for (Map.Entry<String, Long> t : after.entrySet()) {
            ticks += Math.max(0, t.getValue() - before.getOrDefault(t.getKey(), 0L));
        }
        return ticks * 10_000_000L;
    }

    /** Runs {@code work} in windows until the compiler of process {@code pid} has settled, or {@link #maxSeconds} pass. */
    static Outcome warm(long pid, Work work) throws Exception {
        int max = maxSeconds();
        if (max <= 0) {
            return Outcome.SKIPPED;
        }
        long t0 = System.nanoTime();
        double share;
        boolean settled;
        boolean measurable;
        do {
            Map<String, Long> before = compilerTicks(pid);
            long w0 = System.nanoTime();
            work.run(WINDOW);
            Map<String, Long> after = compilerTicks(pid);
            measurable = !after.isEmpty();
            share = compilerNanosBetween(before, after) / (double) (System.nanoTime() - w0);
            settled = share < SETTLED_SHARE;
        } while (measurable && !settled && System.nanoTime() - t0 < Duration.ofSeconds(max).toNanos());
        return new Outcome((System.nanoTime() - t0) / 1e9, settled, share, measurable);
    }
}
