package dev.caravan.lab.sync;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Peterson's solution for two threads (indices 0 and 1), correct under the Java memory model.
 *
 * <p>The algorithm needs sequential consistency for its four shared accesses: a store to
 * {@code flag[i]} and {@code turn}, then loads of {@code flag[j]} and {@code turn}. Plain fields
 * allow the store-load reordering that breaks it (both threads then read the other's flag as
 * false). Volatile accesses (here {@link AtomicIntegerArray} elements and a volatile
 * {@code turn}) are synchronization actions, which the JMM orders totally, so the proof from the
 * slides holds. Busy-waits; at most two threads.
 */
public final class PetersonLock implements Mutex {
    private final AtomicIntegerArray flag = new AtomicIntegerArray(2);
    private volatile int turn;

    @Override
    public void lock(int threadIndex) {
        int other = 1 - threadIndex;
        flag.set(threadIndex, 1);
        turn = other;
        while (flag.get(other) == 1 && turn == other) {
            Thread.onSpinWait();
        }
    }

    @Override
    public void unlock(int threadIndex) {
        flag.set(threadIndex, 0);
    }

    @Override
    public String name() {
        return "Peterson";
    }
}
