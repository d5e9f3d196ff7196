package dev.caravan.lab.sync;

/**
 * The second readers-writers solution: a waiting writer closes the {@code readTry} gate, so no
 * new reader enters until every waiting writer has written. Readers can starve while writers
 * keep coming.
 */
public final class WriterPreferringRwLock implements RwLock {
    private final BinarySemaphore readTry = new BinarySemaphore(true);
    private final BinarySemaphore resource = new BinarySemaphore(true);
    private final BinarySemaphore readCountMutex = new BinarySemaphore(true);
    private final BinarySemaphore writeCountMutex = new BinarySemaphore(true);
    private int readCount;
    private int writeCount;

    @Override
    public void readLock() {
        readTry.acquire();
        readCountMutex.acquire();
        readCount++;
        if (readCount == 1) {
            resource.acquire();
        }
        readCountMutex.release();
        readTry.release();
    }

    @Override
    public void readUnlock() {
        readCountMutex.acquire();
        readCount--;
        if (readCount == 0) {
            resource.release();
        }
        readCountMutex.release();
    }

    @Override
    public void writeLock() {
        writeCountMutex.acquire();
        writeCount++;
        if (writeCount == 1) {
            readTry.acquire();
        }
        writeCountMutex.release();
        resource.acquire();
    }

    @Override
    public void writeUnlock() {
        resource.release();
        writeCountMutex.acquire();
        writeCount--;
        if (writeCount == 0) {
            readTry.release();
        }
        writeCountMutex.release();
    }

    @Override
    public String name() {
        return "writer-preferring";
    }
}
