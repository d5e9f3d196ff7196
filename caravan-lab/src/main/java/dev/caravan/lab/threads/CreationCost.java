package dev.caravan.lab.threads;

import dev.caravan.core.time.Clock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * Measures what it costs to create (and wait for) a unit of execution: a native process
 * ({@code /bin/true}), a child JVM, a platform thread and a virtual thread. Each method returns
 * the median of {@code n} start-to-exit times in nanoseconds. Call from one thread at a time.
 */
public final class CreationCost {
    private final Clock clock;

    public CreationCost(Clock clock) {
        this.clock = clock;
    }

    public double nativeProcessNs(int n) {
        return median(n, () -> runProcess(List.of("/bin/true")));
    }

    public double childJvmNs(int n) {
        return median(n, () -> runProcess(ChildJvm.command(NoOpMain.class)));
    }

    public double platformThreadNs(int n) {
        return median(n, () -> join(Thread.ofPlatform().start(CreationCost::noop)));
    }

    public double virtualThreadNs(int n) {
        return median(n, () -> join(Thread.ofVirtual().start(CreationCost::noop)));
    }

    private double median(int n, Runnable create) {
        for (int i = 0; i < Math.min(n, 20); i++) {
            create.run();
        }
        long[] ns = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = clock.nanoTime();
            create.run();
            ns[i] = clock.nanoTime() - t0;
        }
        Arrays.sort(ns);
        return ns[n / 2];
    }

    private static void noop() {
        // The work measured is the thread's creation, start and exit.
    }

    private static void runProcess(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException(cmd + " exited with " + p.exitValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
