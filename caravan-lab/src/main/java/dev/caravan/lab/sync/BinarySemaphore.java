package dev.caravan.lab.sync;

/**
 * A binary semaphore: a {@link QueueSemaphore} whose value never exceeds 1. A release while the
 * value is already 1 is a programming error and throws. Thread-safe.
 */
public final class BinarySemaphore extends QueueSemaphore {
    public BinarySemaphore(boolean available) {
        super(available ? 1 : 0);
    }

    @Override
    protected void beforeRelease(int oldValue) {
        if (oldValue >= 1) {
            throw new IllegalStateException("binary semaphore released while already 1");
        }
    }
}
