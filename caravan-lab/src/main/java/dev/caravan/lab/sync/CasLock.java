package dev.caravan.lab.sync;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A spin lock on compare-and-swap: {@code compareAndSet(null, me)} succeeds for exactly one
 * thread. Records the owner, so {@link #unlock} by another thread fails loudly. Any number of
 * threads; busy-waits (test-and-test-and-set: it only attempts the CAS when the lock looks free,
 * which keeps the cache line shared while waiting); not fair.
 */
public final class CasLock implements Mutex {
    private final AtomicReference<Thread> owner = new AtomicReference<>();

    @Override
    public void lock(int threadIndex) {
        Thread me = Thread.currentThread();
        while (owner.get() != null || !owner.compareAndSet(null, me)) {
            Thread.onSpinWait();
        }
    }

    @Override
    public void unlock(int threadIndex) {
        if (!owner.compareAndSet(Thread.currentThread(), null)) {
            throw new IllegalMonitorStateException("unlock by a thread that does not hold the lock");
        }
    }

    @Override
    public String name() {
        return "compare-and-swap";
    }
}
