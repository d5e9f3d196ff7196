package dev.caravan.lab.sync;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real threads on real cores (Lincheck's model checker assumes sequential consistency; this
 * exercises the JMM on the hardware): barrier-started rounds of two threads incrementing a plain
 * counter inside each lock; the count must be exact. The unlocked counter must lose updates.
 */
class MutexStressTest {
    private static final int ROUNDS = 20;
    private static final int PER_ROUND = 20_000;

    static final class Counter {
        long count;
    }

    /** Two platform threads, started together by a barrier each round, each running {@code step} PER_ROUND times a round. */
    private static void race(int rounds, java.util.function.IntConsumer step) throws InterruptedException {
        CyclicBarrier barrier = new CyclicBarrier(2);
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            int me = i;
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int r = 0; r < rounds; r++) {
                        barrier.await();
                        for (int k = 0; k < PER_ROUND; k++) {
                            step.accept(me);
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
    }

    private static long lost(Mutex m) throws Exception {
        Counter c = new Counter();
        race(ROUNDS, me -> {
            m.lock(me);
            long v = c.count;
            Thread.onSpinWait();
            c.count = v + 1;
            m.unlock(me);
        });
        return 2L * ROUNDS * PER_ROUND - c.count;
    }

    /** Volatile so that the JIT cannot fold the unlocked loop into one add: each increment is a real read and write. */
    static final class SharedCounter {
        volatile long count;
    }

    /**
     * Without a lock, updates are lost — but only when the two threads' read-modify-writes
     * interleave, which a busy machine may not schedule in any given round; so rounds repeat
     * until a loss is seen, for at most 20 s.
     */
    @Test
    void shouldLoseUpdatesWithoutLock() throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        long lost = 0;
        while (lost == 0 && System.nanoTime() < deadline) {
            SharedCounter c = new SharedCounter();
            race(1, me -> {
                long v = c.count;
                Thread.onSpinWait();
                c.count = v + 1;
            });
            lost = 2L * PER_ROUND - c.count;
        }
        assertThat(lost).as("updates lost by two unlocked incrementers").isPositive();
    }

    @Test
    void shouldLoseNothingWithEveryLock() throws Exception {
        for (Mutex m : List.of(new PetersonLock(), new TasLock(), new CasLock(), new SemaphoreLock(), new JdkLock(false))) {
            assertThat(lost(m)).as(m.name()).isZero();
        }
    }
}
