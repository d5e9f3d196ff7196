package dev.caravan.lab.sync;

/**
 * The slides' first readers-writers solution: {@code rw_mutex}, {@code mutex} and
 * {@code read_count}. The first reader locks writers out and the last one lets them in, so while
 * readers keep overlapping a writer waits forever: writers can starve.
 */
public final class ReaderPreferringRwLock implements RwLock {
    private final BinarySemaphore rwMutex = new BinarySemaphore(true);
    private final BinarySemaphore mutex = new BinarySemaphore(true);
    private int readCount;

    @Override
    public void readLock() {
        mutex.acquire();
        readCount++;
        if (readCount == 1) {
            rwMutex.acquire();
        }
        mutex.release();
    }

    @Override
    public void readUnlock() {
        mutex.acquire();
        readCount--;
        if (readCount == 0) {
            rwMutex.release();
        }
        mutex.release();
    }

    @Override
    public void writeLock() {
        rwMutex.acquire();
    }

    @Override
    public void writeUnlock() {
        rwMutex.release();
    }

    @Override
    public String name() {
        return "reader-preferring";
    }
}
