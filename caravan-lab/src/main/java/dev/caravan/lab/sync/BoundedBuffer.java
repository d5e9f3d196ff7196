package dev.caravan.lab.sync;

/**
 * The slides' bounded buffer of {@code n} slots with three semaphores: {@code mutex} (1),
 * {@code full} (0) and {@code empty} (n). Producers block while it is full, consumers while it
 * is empty; FIFO order of items. Thread-safe for any number of producers and consumers.
 *
 * @param <T> item type
 */
public final class BoundedBuffer<T> {
    private final Object[] slots;
    private final BinarySemaphore mutex = new BinarySemaphore(true);
    private final QueueSemaphore full = new QueueSemaphore(0);
    private final QueueSemaphore empty;
    private int in;
    private int out;

    public BoundedBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
        }
        this.slots = new Object[capacity];
        this.empty = new QueueSemaphore(capacity);
    }

    /** Adds an item, blocking while the buffer is full. */
    public void put(T item) {
        empty.acquire();
        mutex.acquire();
        slots[in] = item;
        in = (in + 1) % slots.length;
        mutex.release();
        full.release();
    }

    /** Removes the oldest item, blocking while the buffer is empty. */
    @SuppressWarnings("unchecked")
    public T take() {
        full.acquire();
        mutex.acquire();
        T item = (T) slots[out];
        slots[out] = null;
        out = (out + 1) % slots.length;
        mutex.release();
        empty.release();
        return item;
    }

    public int capacity() {
        return slots.length;
    }
}
