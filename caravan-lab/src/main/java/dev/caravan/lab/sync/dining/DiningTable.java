package dev.caravan.lab.sync.dining;

/**
 * A table of {@code n} philosophers and {@code n} chopsticks; philosopher {@code p} needs
 * chopsticks {@code p} (left) and {@code (p + 1) % n} (right). Each philosopher is one thread;
 * {@link #pickUp} blocks until it holds both, {@link #putDown} releases both.
 */
public interface DiningTable {
    /**
     * Takes both chopsticks.
     *
     * @throws InterruptedException if interrupted while waiting; the caller then holds none
     */
    void pickUp(int p) throws InterruptedException;

    void putDown(int p);

    int size();

    String name();
}
