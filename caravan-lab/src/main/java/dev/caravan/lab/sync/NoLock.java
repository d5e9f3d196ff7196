package dev.caravan.lab.sync;

/** No mutual exclusion at all: the race condition baseline. Thread-safe only in name. */
public final class NoLock implements Mutex {
    @Override
    public void lock(int threadIndex) {
    }

    @Override
    public void unlock(int threadIndex) {
    }

    @Override
    public String name() {
        return "none (race)";
    }
}
