package dev.caravan.cli.bench.cli;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Waits until freshly started daemon JVMs stop compiling and initialising, so that their start-up
 * does not compete with the commands a benchmark times. Reads each process's CPU time from the OS
 * ({@link ProcessHandle.Info#totalCpuDuration()}); settled means all of them together used at most
 * {@link #IDLE_FRACTION} of one core over a {@link #WINDOW_MS} ms window.
 */
public final class SettledDaemons {
    static final long WINDOW_MS = 500;
    static final double IDLE_FRACTION = 0.05;

    private SettledDaemons() {
    }

    /**
     * Returns once the processes {@code pids} have settled, or after {@code bound}.
     *
     * @return the CPU fraction of one core they used in the last window; NaN when the OS does not tell
     */
    public static double await(List<Long> pids, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        double fraction = Double.NaN;
        long before = cpuNanos(pids);
        while (before >= 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(WINDOW_MS); // the measuring window, not a synchronisation
            long after = cpuNanos(pids);
            if (after < 0) {
                return Double.NaN;
            }
            fraction = (after - before) / (WINDOW_MS * 1e6);
            if (fraction <= IDLE_FRACTION) {
                break;
            }
            before = after;
        }
        return fraction;
    }

    /** Total CPU time of the processes, or -1 when the OS does not tell for one of them. */
    private static long cpuNanos(List<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            Optional<Duration> cpu = ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration());
            if (cpu.isEmpty()) {
                return -1;
            }
            sum += cpu.get().toNanos();
        }
        return sum;
    }
}
