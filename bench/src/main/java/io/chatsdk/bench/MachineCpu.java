package io.chatsdk.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * Where a measured run's CPU went on the whole machine: every core's busy time from {@code /proc/stat}, of which the
 * appliance's process, this benchmark's JVM (its clients and their HTTP) and the rest (PostgreSQL, the kernel's work
 * outside those processes, anything else running). On a machine where all of them share two cores, a run's rate is
 * bounded by the machine's CPU per operation, whichever process spends it.
 */
final class MachineCpu {
    /** The kernel's clock tick in {@code /proc/stat}: USER_HZ, 100 on Linux. */
    private static final long TICK_NANOS = 10_000_000L;

    private MachineCpu() {
    }

    /** One reading: the machine's busy and total CPU time (all cores), the appliance's and this JVM's, in nanoseconds. */
    record Reading(long busy, long total, long appliance, long bench) {
    }

    /** Whether this machine has {@code /proc/stat}; without it every reading is 0 and {@link Recorder#perOp} means nothing. */
    static boolean available() {
        return statTicks()[3] > 0;
    }

    /** What a run cost, in milliseconds of CPU per operation, and the share of the machine's cores left idle. */
    record Share(double machineMs, double applianceMs, double benchMs, double idleShare) {
        /** PostgreSQL, the kernel outside the two JVMs, and anything else. */
        double restMs() {
            return machineMs - applianceMs - benchMs;
        }
    }

    /** Reads now; {@code appliance} is the appliance's CPU time so far (0 when there is none). */
    static Reading read(long appliance) {
        long[] ticks = statTicks();
        long busy = ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6];       // user, nice, system, irq, softirq
        // and idle, iowait; steal (time the hypervisor gave to others) is neither this machine's work nor idle for it
        long total = busy + ticks[3] + ticks[4];
        long bench = ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
        return new Reading(busy * TICK_NANOS, total * TICK_NANOS, appliance, bench);
    }

    /** The first line of {@code /proc/stat} ({@code cpu  user nice system idle iowait irq softirq steal ...}); zeros without it. */
    private static long[] statTicks() {
        long[] out = new long[8];
        try {
            String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = first.trim().split("\\s+");
            for (int i = 0; i < out.length && i + 1 < f.length; i++) {
                out[i] = Long.parseLong(f[i + 1]);
            }
        } catch (IOException | RuntimeException e) {
            // no /proc: every figure reads 0
        }
        return out;
    }

    /**
     * Wraps the appliance's CPU supplier that a measured run calls right before and right after itself
     * ({@link EngineBench#measure}), so that the machine is read at the same moments, with the value it gave.
     */
    static final class Recorder {
        private final Reading[] at = new Reading[2];
        private int calls;

        /** {@code applianceCpu}'s value (0 where there is no appliance), with the machine read after it (after any wait it does). */
        LongSupplier around(LongSupplier applianceCpu) {
            return () -> {
                long value = applianceCpu.getAsLong();
                at[calls++ % 2] = read(value);
                return value;
            };
        }

        /** The last measured run's cost for {@code ops} operations. */
        Share perOp(double ops) {
            if (at[0] == null || at[1] == null) {
                throw new IllegalStateException("the run was not read before and after");
            }
            Reading a = at[0];
            Reading b = at[1];
            double total = b.total() - a.total();
            return new Share((b.busy() - a.busy()) / 1e6 / ops, (b.appliance() - a.appliance()) / 1e6 / ops,
                    (b.bench() - a.bench()) / 1e6 / ops, total <= 0 ? 0 : 1 - (b.busy() - a.busy()) / total);
        }
    }
}
