package dev.caravan.lab.sync.measure;

import dev.caravan.core.time.Clock;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;

/**
 * Runs one worker per platform thread, all released together by a barrier, for a fixed
 * duration; each worker records how long it waited to get in and counts its operations.
 * {@link #run} blocks the caller until every worker has finished its last operation.
 */
public final class LoadRun {
    /** One operation of one thread; returns the nanoseconds it waited for the resource. */
    @FunctionalInterface
    public interface Step {
        long run(int threadIndex) throws InterruptedException;
    }

    /**
     * What one thread did.
     *
     * @param role  the worker's role name (e.g. "reader")
     * @param ops   operations completed
     * @param waits its wait times
     */
    public record ThreadResult(String role, long ops, WaitHistogram waits) {
    }

    private final Clock clock;

    public LoadRun(Clock clock) {
        this.clock = clock;
    }

    /**
     * Runs {@code steps.get(i)} on thread i with role {@code roles.get(i)} for {@code durationNs}.
     *
     * @return per-thread results, in thread order
     */
    public List<ThreadResult> run(List<String> roles, List<Step> steps, long durationNs) {
        int n = steps.size();
        CyclicBarrier start = new CyclicBarrier(n + 1);
        long[] ops = new long[n];
        WaitHistogram[] waits = new WaitHistogram[n];
        long[] deadline = new long[1];
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int idx = i;
            waits[i] = new WaitHistogram();
            threads.add(Thread.ofPlatform().name(roles.get(i) + "-" + i).start(() -> {
                try {
                    start.await();
                    long end;
                    synchronized (deadline) {
                        end = deadline[0];
                    }
                    while (clock.nanoTime() < end) {
                        waits[idx].record(steps.get(idx).run(idx));
                        ops[idx]++;
                    }
                } catch (InterruptedException | BrokenBarrierException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException | Error e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }));
        }
        synchronized (deadline) {
            deadline[0] = clock.nanoTime() + durationNs;
        }
        try {
            start.await();
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException | BrokenBarrierException e) {
            threads.forEach(Thread::interrupt);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (!failures.isEmpty()) {
            IllegalStateException e = new IllegalStateException("a worker failed: " + failures.getFirst(), failures.getFirst());
            failures.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
        List<ThreadResult> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new ThreadResult(roles.get(i), ops[i], waits[i]));
        }
        return out;
    }

    /** Spins for about {@code ns} nanoseconds (work inside or outside a critical section). */
    public static void busy(Clock clock, long ns) {
        long end = clock.nanoTime() + ns;
        while (clock.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
