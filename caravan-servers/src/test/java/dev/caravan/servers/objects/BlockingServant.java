package dev.caravan.servers.objects;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Test servant: {@code block} signals entry, then waits for the gate; records peak concurrency. */
final class BlockingServant implements Servant {
    static Semaphore entered;
    static CountDownLatch gate;
    static AtomicInteger current;
    static AtomicInteger max;

    static void reset() {
        entered = new Semaphore(0);
        gate = new CountDownLatch(1);
        current = new AtomicInteger();
        max = new AtomicInteger();
    }

    @Override
    public String invoke(String operation, String argument) throws InterruptedException {
        max.accumulateAndGet(current.incrementAndGet(), Math::max);
        try {
            entered.release();
            if (!gate.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gate never opened");
            }
            return "ok";
        } finally {
            current.decrementAndGet();
        }
    }
}
