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

    private static long lost(Mutex m) throws Exception {
        Counter c = new Counter();
        CyclicBarrier barrier = new CyclicBarrier(2);
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            int me = i;
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int r = 0; r < ROUNDS; r++) {
                        barrier.await();
                        for (int k = 0; k < PER_ROUND; k++) {
                            m.lock(me);
                            long v = c.count;
                            Thread.onSpinWait();
                            c.count = v + 1;
                            m.unlock(me);
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
        return 2L * ROUNDS * PER_ROUND - c.count;
    }

    @Test
    void shouldLoseUpdatesWithoutLock() throws Exception {
        assertThat(lost(new NoLock())).isPositive();
    }

    @Test
    void shouldLoseNothingWithEveryLock() throws Exception {
        for (Mutex m : List.of(new PetersonLock(), new TasLock(), new CasLock(), new SemaphoreLock(), new JdkLock(false))) {
            assertThat(lost(m)).as(m.name()).isZero();
        }
    }
}
