package dev.caravan.lab.sync;

/** A {@link Mutex} made of a {@link BinarySemaphore}: blocks instead of spinning; FIFO-fair. */
public final class SemaphoreLock implements Mutex {
    private final BinarySemaphore semaphore = new BinarySemaphore(true);

    @Override
    public void lock(int threadIndex) {
        semaphore.acquire();
    }

    @Override
    public void unlock(int threadIndex) {
        semaphore.release();
    }

    @Override
    public String name() {
        return "binary semaphore";
    }
}
