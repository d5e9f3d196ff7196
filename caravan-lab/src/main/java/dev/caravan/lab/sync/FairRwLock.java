package dev.caravan.lab.sync;

/**
 * The third readers-writers solution: everyone first passes a FIFO {@code serviceQueue}
 * semaphore, so readers and writers are served in arrival order (readers that arrive together
 * still read together). Neither side starves, because {@link QueueSemaphore} wakes in FIFO order.
 */
public final class FairRwLock implements RwLock {
    private final BinarySemaphore serviceQueue = new BinarySemaphore(true);
    private final BinarySemaphore resource = new BinarySemaphore(true);
    private final BinarySemaphore readCountMutex = new BinarySemaphore(true);
    private int readCount;

    @Override
    public void readLock() {
        serviceQueue.acquire();
        readCountMutex.acquire();
        readCount++;
        if (readCount == 1) {
            resource.acquire();
        }
        readCountMutex.release();
        serviceQueue.release();
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
        serviceQueue.acquire();
        resource.acquire();
        serviceQueue.release();
    }

    @Override
    public void writeUnlock() {
        resource.release();
    }

    @Override
    public String name() {
        return "fair (FIFO)";
    }
}
