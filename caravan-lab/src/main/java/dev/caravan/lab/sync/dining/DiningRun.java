package dev.caravan.lab.sync.dining;

import dev.caravan.core.time.Clock;
import dev.caravan.lab.sync.measure.LoadRun;
import dev.caravan.lab.sync.measure.WaitHistogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Seats one platform thread per philosopher at a {@link DiningTable} for a while, watching for
 * deadlocks with a {@link DeadlockDetector} every {@code 5 ms}. A detected deadlock is recovered
 * from by interrupting the deadlocked philosophers (their {@code lockInterruptibly} gives up and
 * releases what they hold); the run then ends. {@link #run} blocks the caller.
 */
public final class DiningRun {
    private static final long POLL_NS = 5_000_000;

    /**
     * What happened at the table.
     *
     * @param table            the table's name
     * @param meals            meals per philosopher
     * @param hungryWaits      time from hungry to holding both chopsticks
     * @param elapsedNs        how long the run lasted
     * @param deadlocked       whether the JVM found a deadlock
     * @param timeToDeadlockNs when it was found (from the start), or -1
     * @param cycle            the wait-for cycle as the JVM reported it
     * @param recovered        whether every philosopher thread ended after the interrupts
     */
    public record Outcome(String table, long[] meals, WaitHistogram hungryWaits, long elapsedNs, boolean deadlocked,
                          long timeToDeadlockNs, List<String> cycle, boolean recovered) {
        public long totalMeals() {
            long s = 0;
            for (long m : meals) {
                s += m;
            }
            return s;
        }
    }

    private final Clock clock;
    private final DeadlockDetector detector = new DeadlockDetector();

    public DiningRun(Clock clock) {
        this.clock = clock;
    }

    /** Runs {@code table} for up to {@code durationNs}, or until a deadlock is found and broken. */
    public Outcome run(DiningTable table, long durationNs, long eatNs, long thinkMaxNs) {
        return run(table, durationNs, eatNs, thinkMaxNs, false);
    }

    /**
     * As {@link #run(DiningTable, long, long, long)}, and with {@code untilEveryoneAte} also ends as
     * soon as every philosopher has eaten once: a check that does not depend on how fast a loaded
     * machine schedules the threads within a fixed time.
     */
    public Outcome run(DiningTable table, long durationNs, long eatNs, long thinkMaxNs, boolean untilEveryoneAte) {
        int n = table.size();
        long[] meals = new long[n];
        WaitHistogram[] waits = new WaitHistogram[n];
        List<Thread> threads = new ArrayList<>();
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        var haveEaten = new java.util.concurrent.atomic.AtomicInteger();
        for (int p = 0; p < n; p++) {
            int me = p;
            waits[p] = new WaitHistogram();
            threads.add(Thread.ofPlatform().name("philosopher-" + p).unstarted(() -> {
                while (!stop.get()) {
                    if (thinkMaxNs > 0) {
                        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(thinkMaxNs));
                    }
                    long t0 = clock.nanoTime();
                    try {
                        table.pickUp(me);
                    } catch (InterruptedException e) {
                        return;
                    }
                    waits[me].record(clock.nanoTime() - t0);
                    LoadRun.busy(clock, eatNs);
                    table.putDown(me);
                    if (meals[me]++ == 0) {
                        haveEaten.incrementAndGet();
                    }
                }
            }));
        }
        long start = clock.nanoTime();
        threads.forEach(Thread::start);
        boolean deadlocked = false;
        long found = -1;
        List<String> cycle = List.of();
        while (clock.nanoTime() - start < durationNs && !(untilEveryoneAte && haveEaten.get() == n)) {
            // Polling a monitor, not synchronizing: the philosophers never wait for this thread.
            LockSupport.parkNanos(POLL_NS);
            var d = detector.find();
            if (d.isPresent()) {
                deadlocked = true;
                found = clock.nanoTime() - start;
                cycle = d.get().edges();
                stop.set(true);
                DeadlockDetector.interrupt(d.get().threadIds(), threads);
                break;
            }
        }
        stop.set(true);
        boolean recovered = joinAll(threads, 5_000);
        long elapsed = clock.nanoTime() - start;
        WaitHistogram all = new WaitHistogram();
        for (WaitHistogram w : waits) {
            all.add(w);
        }
        return new Outcome(table.name(), meals, all, elapsed, deadlocked, found, cycle, recovered);
    }

    private static boolean joinAll(List<Thread> threads, long timeoutMs) {
        try {
            for (Thread t : threads) {
                if (!t.join(java.time.Duration.ofMillis(timeoutMs))) {
                    t.interrupt();
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
