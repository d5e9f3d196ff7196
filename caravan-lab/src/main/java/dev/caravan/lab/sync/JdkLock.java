package dev.caravan.lab.sync;

import java.util.concurrent.locks.ReentrantLock;

/** The JDK's {@link ReentrantLock} as the reference: spins briefly, then parks. */
public final class JdkLock implements Mutex {
    private final ReentrantLock lock;

    public JdkLock(boolean fair) {
        this.lock = new ReentrantLock(fair);
    }

    @Override
    public void lock(int threadIndex) {
        lock.lock();
    }

    @Override
    public void unlock(int threadIndex) {
        lock.unlock();
    }

    @Override
    public String name() {
        return lock.isFair() ? "ReentrantLock(fair)" : "ReentrantLock";
    }
}
