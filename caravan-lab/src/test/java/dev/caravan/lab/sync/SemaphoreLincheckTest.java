package dev.caravan.lab.sync;

import static org.assertj.core.api.Assertions.assertThatCode;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Model-checks the counting semaphore and the bounded buffer with Lincheck. Operations that block
 * are paired so that no interleaving can block forever unless the implementation loses a wake-up
 * (Lincheck then reports the hang); invariants are checked per operation and after each run.
 */
class SemaphoreLincheckTest {
    /** Three threads share two permits; nobody may ever see three holders. */
    public static final class TwoPermits {
        private final QueueSemaphore semaphore = new QueueSemaphore(2);
        private final AtomicInteger holders = new AtomicInteger();

        @Operation
        public int useResource() {
            semaphore.acquire();
            int inside = holders.incrementAndGet();
            holders.decrementAndGet();
            semaphore.release();
            return inside <= 2 ? 0 : inside;
        }

        @Validate
        public void allPermitsBack() {
            if (semaphore.value() != 2) {
                throw new IllegalStateException("semaphore value " + semaphore.value() + " after all releases");
            }
        }
    }

    /** Each operation puts an item and takes one; capacity 1 forces blocking in both directions. */
    public static final class Buffer {
        private final BoundedBuffer<Integer> buffer = new BoundedBuffer<>(1);
        private final AtomicInteger putSum = new AtomicInteger();
        private final AtomicInteger takeSum = new AtomicInteger();

        @Operation
        public int putThenTake(@Param(gen = IntGen.class, conf = "1:9") int v) {
            buffer.put(v);
            putSum.addAndGet(v);
            int got = buffer.take();
            takeSum.addAndGet(got);
            return 0;
        }

        @Validate
        public void nothingLostOrDuplicated() {
            if (putSum.get() != takeSum.get()) {
                throw new IllegalStateException("put " + putSum.get() + " but took " + takeSum.get());
            }
        }
    }

    @Test
    void shouldNeverAdmitMoreHoldersThanPermits() {
        assertThatCode(() -> new ModelCheckingOptions().threads(3).actorsPerThread(2).iterations(8).invocationsPerIteration(200).check(TwoPermits.class))
                .as("linearizable under every explored interleaving").doesNotThrowAnyException();
    }

    @Test
    void shouldTransferEveryItemExactlyOnceThroughBoundedBuffer() {
        assertThatCode(() -> new ModelCheckingOptions().threads(3).actorsPerThread(1).iterations(8).invocationsPerIteration(200).check(Buffer.class))
                .as("linearizable under every explored interleaving").doesNotThrowAnyException();
    }
}
