package dev.caravan.lab.sync.problems;

import dev.caravan.core.time.Clock;
import dev.caravan.lab.LabSettings;
import dev.caravan.lab.report.Progress;
import dev.caravan.lab.report.Section;
import dev.caravan.plot.Axis;
import dev.caravan.lab.report.Table;
import dev.caravan.lab.sync.BoundedBuffer;
import dev.caravan.lab.sync.measure.LoadRun;
import dev.caravan.lab.sync.measure.Stats;
import dev.caravan.lab.sync.measure.WaitHistogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.LongAdder;

/**
 * Producers and consumers over a bounded buffer: ours (semaphores mutex/full/empty) against
 * {@link ArrayBlockingQueue}. Every item is a distinct number; the consumers' sum proves that
 * nothing was lost or duplicated.
 */
public final class BoundedBufferProblem extends Problem {
    static final int CAPACITY = 8;
    static final int PRODUCERS = 2;
    static final int CONSUMERS = 2;
    private static final long POISON = -1;

    public BoundedBufferProblem(LabSettings settings, Progress progress, Clock clock) {
        super(settings, progress, clock);
    }

    @Override
    public String id() {
        return "bounded-buffer";
    }

    private interface Buffer {
        void put(long v) throws InterruptedException;

        long take() throws InterruptedException;
    }

    @Override
    protected Section measure() {
        List<String> names = List.of("BoundedBuffer (semaphores)", "ArrayBlockingQueue");
        Table.Builder t = new Table.Builder("Bounded buffer: capacity " + CAPACITY + ", " + PRODUCERS + " producers, "
                + CONSUMERS + " consumers", "buffer", "items/s", "items lost", "put p99 µs", "put max µs", "take p99 µs",
                "take max µs", "starved threads");
        double[][] v = new double[4][2];
        for (int i = 0; i < 2; i++) {
            Buffer b = i == 0 ? ours() : jdk();
            progress.step("sync bounded-buffer: " + names.get(i) + ", " + settings.durationMs() + " ms");
            LongAdder produced = new LongAdder();
            LongAdder consumed = new LongAdder();
            List<LoadRun.ThreadResult> r = transfer(b, produced, consumed);
            Stats puts = Stats.of(r, "producer", durationNs(), starveNs());
            Stats takes = Stats.of(r, "consumer", durationNs(), starveNs());
            long lost = produced.sum() - consumed.sum();
            t.row(names.get(i), takes.ops() / (durationNs() / 1e9), lost, us(puts.p99WaitNs()), us(puts.maxWaitNs()),
                    us(takes.p99WaitNs()), us(takes.maxWaitNs()), puts.starvedThreads() + takes.starvedThreads());
            v[0][i] = us(puts.p99WaitNs());
            v[1][i] = us(puts.maxWaitNs());
            v[2][i] = us(takes.p99WaitNs());
            v[3][i] = us(takes.maxWaitNs());
        }
        return new Section("Bounded buffer (producer/consumer)",
                "put: wait(empty); wait(mutex); add; signal(mutex); signal(full). take: wait(full); wait(mutex); remove; "
                        + "signal(mutex); signal(empty). 'items lost' compares the sum of produced and consumed item numbers "
                        + "(plus what is left in the buffer): it must be 0.",
                List.of(t.build()), List.of(bars("sync-bounded-buffer-waits.png", "Bounded buffer: waits", Axis.auto("wait", "µs"),
                new ArrayList<>(names), List.of("put p99 wait", "put max wait", "take p99 wait", "take max wait"), List.of(v))));
    }

    /**
     * Producers put distinct items until the deadline; then one poison item per consumer (behind
     * every real item, as the buffer is FIFO) tells each consumer to stop.
     */
    private List<LoadRun.ThreadResult> transfer(Buffer b, LongAdder produced, LongAdder consumed) {
        CyclicBarrier start = new CyclicBarrier(PRODUCERS + CONSUMERS + 1);
        long deadline = clock.nanoTime() + durationNs();
        List<Thread> producers = new ArrayList<>();
        List<Thread> consumers = new ArrayList<>();
        long[] ops = new long[PRODUCERS + CONSUMERS];
        WaitHistogram[] waits = new WaitHistogram[PRODUCERS + CONSUMERS];
        for (int p = 0; p < PRODUCERS + CONSUMERS; p++) {
            int me = p;
            waits[p] = new WaitHistogram();
            boolean producer = p < PRODUCERS;
            Thread th = Thread.ofPlatform().name((producer ? "producer-" : "consumer-") + p).start(() -> {
                try {
                    start.await();
                    long item = (long) me << 40;
                    while (true) {
                        long t0 = clock.nanoTime();
                        if (producer) {
                            if (t0 >= deadline) {
                                return;
                            }
                            b.put(++item);
                            produced.add(item);
                        } else {
                            long got = b.take();
                            if (got == POISON) {
                                return;
                            }
                            consumed.add(got);
                        }
                        waits[me].record(clock.nanoTime() - t0);
                        ops[me]++;
                    }
                } catch (InterruptedException | BrokenBarrierException e) {
                    Thread.currentThread().interrupt();
                }
            });
            (producer ? producers : consumers).add(th);
        }
        try {
            start.await();
            for (Thread th : producers) {
                th.join();
            }
            for (int c = 0; c < CONSUMERS; c++) {
                b.put(POISON);
            }
            for (Thread th : consumers) {
                th.join();
            }
        } catch (InterruptedException | BrokenBarrierException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        List<LoadRun.ThreadResult> out = new ArrayList<>();
        for (int p = 0; p < ops.length; p++) {
            out.add(new LoadRun.ThreadResult(p < PRODUCERS ? "producer" : "consumer", ops[p], waits[p]));
        }
        return out;
    }

    private static Buffer ours() {
        BoundedBuffer<Long> buf = new BoundedBuffer<>(CAPACITY);
        return new Buffer() {
            public void put(long v) {
                buf.put(v);
            }

            public long take() {
                return buf.take();
            }
        };
    }

    private static Buffer jdk() {
        ArrayBlockingQueue<Long> q = new ArrayBlockingQueue<>(CAPACITY);
        return new Buffer() {
            public void put(long v) throws InterruptedException {
                q.put(v);
            }

            public long take() throws InterruptedException {
                return q.take();
            }
        };
    }
}
