package io.chatsdk.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Warms a JVM up until its JIT compiler has settled: work runs in windows of {@link #WINDOW} until, over one window, the
 * JVM's compiler threads ({@code C1 CompilerThread*}, {@code C2 CompilerThread*}) used less than {@link #SETTLED_SHARE} of
 * one core. A fixed warm-up (a few seconds, a few thousand requests) left the appliance's compiler busy for a minute
 * more on this 2-core machine, competing with the measured requests for a core (measured on 2026-12-06: one REST
 * client's p50 went from 6 ms to 2 ms as the compiler settled, over about 90 s of sends).
 *
 * <p>{@code CHATSDK_BENCH_JIT_WAIT} sets the most seconds to wait (default {@value #DEFAULT_MAX_SECONDS}; {@code 0}
 * skips it, the fixed warm-up of the benchmarks before 2026-12-06). Reads {@code /proc}; where it is missing, the
 * compiler's CPU reads as zero and one window is run.
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
    record Outcome(double seconds, boolean settled, double lastShare) {
        String describe() {
            if (seconds == 0) {
                return "no wait for the JIT (CHATSDK_BENCH_JIT_WAIT=0)";
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

    /** The CPU time so far of a process's JIT compiler threads, in nanoseconds. */
    static long compilerCpuNanos(long pid) {
        long ticks = 0;
        for (Map.Entry<String, Long> group : ApplianceProcess.threadGroupTicks(pid).entrySet()) {
            if (group.getKey().contains("CompilerThre")) {
                ticks += group.getValue();
            }
        }
        return ticks * 10_000_000L;
    }

    /** Runs {@code work} in windows until the compiler of process {@code pid} has settled, or {@link #maxSeconds} pass. */
    static Outcome warm(long pid, Work work) throws Exception {
        int max = maxSeconds();
        if (max <= 0) {
            return new Outcome(0, false, Double.NaN);
        }
        long t0 = System.nanoTime();
        double share;
        boolean settled;
        do {
            long before = compilerCpuNanos(pid);
            long w0 = System.nanoTime();
            work.run(WINDOW);
            share = (compilerCpuNanos(pid) - before) / (double) (System.nanoTime() - w0);
            settled = share < SETTLED_SHARE;
        } while (!settled && System.nanoTime() - t0 < Duration.ofSeconds(max).toNanos());
        return new Outcome((System.nanoTime() - t0) / 1e9, settled, share);
    }
}
