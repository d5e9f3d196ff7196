package dev.caravan.lab.sync.dining;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Chopsticks as {@link ReentrantLock}s, taken one at a time with {@code lockInterruptibly} so the
 * JVM's deadlock detection sees the cycle and an interrupt can break it. Subclasses choose the
 * order. Thread-safe.
 */
abstract class ChopstickTable implements DiningTable {
    /** Called between the first and second chopstick; the demo uses it to force the deadlock. */
    @FunctionalInterface
    public interface BetweenChopsticks {
        void onFirstTaken(int p) throws InterruptedException;
    }

    final ReentrantLock[] chopsticks;
    private final BetweenChopsticks between;

    ChopstickTable(int n, BetweenChopsticks between) {
        this.chopsticks = new ReentrantLock[n];
        for (int i = 0; i < n; i++) {
            chopsticks[i] = new ReentrantLock();
        }
        this.between = between;
    }

    /** Takes {@code first} then {@code second}; on interrupt releases what it holds. */
    final void takeInOrder(int p, int first, int second) throws InterruptedException {
        chopsticks[first].lockInterruptibly();
        try {
            between.onFirstTaken(p);
            chopsticks[second].lockInterruptibly();
        } catch (InterruptedException | RuntimeException e) {
            chopsticks[first].unlock();
            throw e;
        }
    }

    @Override
    public void putDown(int p) {
        chopsticks[(p + 1) % chopsticks.length].unlock();
        chopsticks[p].unlock();
    }

    @Override
    public int size() {
        return chopsticks.length;
    }
}
