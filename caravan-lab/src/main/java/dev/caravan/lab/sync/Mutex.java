package dev.caravan.lab.sync;

/**
 * A lock protecting a critical section, as the slides' {@code acquire(); CS; release();}.
 * Implementations state whether they spin or block, and how many threads they support.
 */
public interface Mutex {
    /**
     * Enters the critical section.
     *
     * @param threadIndex the caller's index in {@code [0, parties)}; only {@link PetersonLock} needs it
     */
    void lock(int threadIndex);

    /** Leaves the critical section; must be called by the thread that entered it. */
    void unlock(int threadIndex);

    /** The name shown in tables. */
    String name();
}
