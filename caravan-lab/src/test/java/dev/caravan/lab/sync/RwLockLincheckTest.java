package dev.caravan.lab.sync;

import static org.assertj.core.api.Assertions.assertThatCode;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.junit.jupiter.api.Test;

/**
 * Model-checks each readers-writers lock with Lincheck: a two-field register written under the
 * write lock and read under the read lock must behave as an atomic register (linearizable, no
 * torn reads), in every interleaving of three threads.
 */
class RwLockLincheckTest {
    /** The register under test; subclasses pick the lock. */
    public abstract static class Register {
        private final RwLock lock;
        private int a;
        private int b;

        Register(RwLock lock) {
            this.lock = lock;
        }

        @Operation
        public void write(@Param(gen = IntGen.class, conf = "1:3") int v) {
            lock.writeLock();
            a = v;
            b = v;
            lock.writeUnlock();
        }

        @Operation
        public int read() {
            lock.readLock();
            int x = a;
            int y = b;
            lock.readUnlock();
            return x == y ? x : -1;
        }
    }

    public static final class ReaderPreferring extends Register {
        public ReaderPreferring() {
            super(new ReaderPreferringRwLock());
        }
    }

    public static final class WriterPreferring extends Register {
        public WriterPreferring() {
            super(new WriterPreferringRwLock());
        }
    }

    public static final class Fair extends Register {
        public Fair() {
            super(new FairRwLock());
        }
    }

    private static ModelCheckingOptions options() {
        return new ModelCheckingOptions().threads(3).actorsPerThread(2).iterations(8).invocationsPerIteration(200);
    }

    @Test
    void shouldBeAtomicRegisterWithReaderPreferringLock() {
        assertThatCode(() -> options().check(ReaderPreferring.class))
                .as("linearizable under every explored interleaving").doesNotThrowAnyException();
    }

    @Test
    void shouldBeAtomicRegisterWithWriterPreferringLock() {
        assertThatCode(() -> options().check(WriterPreferring.class))
                .as("linearizable under every explored interleaving").doesNotThrowAnyException();
    }

    @Test
    void shouldBeAtomicRegisterWithFairLock() {
        assertThatCode(() -> options().check(Fair.class))
                .as("linearizable under every explored interleaving").doesNotThrowAnyException();
    }
}
