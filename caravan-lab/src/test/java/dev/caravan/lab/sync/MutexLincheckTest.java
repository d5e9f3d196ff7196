package dev.caravan.lab.sync;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Model-checks each lock with Lincheck: a counter incremented as {@code v = count; count = v + 1}
 * inside the lock must be linearizable (every interleaving of two threads loses nothing).
 */
class MutexLincheckTest {
    /** The counter under test; subclasses pick the lock. */
    public abstract static class LockedCounter {
        private final Mutex lock;
        private final ThreadIndex threads = new ThreadIndex();
        private int count;

        LockedCounter(Mutex lock) {
            this.lock = lock;
        }

        @Operation
        public int increment() {
            int me = threads.of();
            lock.lock(me);
            try {
                int v = count;
                count = v + 1;
                return v + 1;
            } finally {
                lock.unlock(me);
            }
        }
    }

    public static final class Racy extends LockedCounter {
        public Racy() {
            super(new NoLock());
        }
    }

    public static final class Peterson extends LockedCounter {
        public Peterson() {
            super(new PetersonLock());
        }
    }

    public static final class Tas extends LockedCounter {
        public Tas() {
            super(new TasLock());
        }
    }

    public static final class Cas extends LockedCounter {
        public Cas() {
            super(new CasLock());
        }
    }

    public static final class Sem extends LockedCounter {
        public Sem() {
            super(new SemaphoreLock());
        }
    }

    private static ModelCheckingOptions twoThreads() {
        return new ModelCheckingOptions().threads(2).actorsPerThread(2).actorsBefore(0).actorsAfter(0).iterations(10)
                .invocationsPerIteration(300);
    }

    @Test
    void shouldFindLostUpdateWithoutLock() {
        assertThatThrownBy(() -> twoThreads().check(Racy.class)).hasMessageContaining("Invalid execution results");
    }

    @Test
    void shouldGiveMutualExclusionWithPeterson() {
        twoThreads().check(Peterson.class);
    }

    @Test
    void shouldGiveMutualExclusionWithTestAndSet() {
        twoThreads().check(Tas.class);
    }

    @Test
    void shouldGiveMutualExclusionWithCompareAndSwap() {
        twoThreads().check(Cas.class);
    }

    @Test
    void shouldGiveMutualExclusionWithBinarySemaphore() {
        twoThreads().check(Sem.class);
    }
}
