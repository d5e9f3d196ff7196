package dev.caravan.lab.sync;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A spin lock on the hardware test-and-set instruction ({@code getAndSet(true)} compiles to an
 * atomic exchange). Any number of threads; busy-waits; no fairness: a releasing thread may win
 * again at once.
 */
public final class TasLock implements Mutex {
    private final AtomicBoolean held = new AtomicBoolean();

    @Override
    public void lock(int threadIndex) {
        while (held.getAndSet(true)) {
            Thread.onSpinWait();
        }
    }

    @Override
    public void unlock(int threadIndex) {
        held.set(false);
    }

    @Override
    public String name() {
        return "test-and-set";
    }
}
