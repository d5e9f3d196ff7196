package dev.caravan.lab.sync.dining;

/**
 * Remedy 2: a philosopher picks up chopsticks only when both are free, and the check and the
 * pick-up are one critical section (this object's monitor). Nobody ever holds one chopstick while
 * waiting for another, so there is no circular wait. Waiters sleep on the monitor and are woken
 * by every put-down.
 */
public final class BothOrNoneTable implements DiningTable {
    private final boolean[] taken;

    public BothOrNoneTable(int n) {
        this.taken = new boolean[n];
    }

    @Override
    public synchronized void pickUp(int p) throws InterruptedException {
        int right = (p + 1) % taken.length;
        while (taken[p] || taken[right]) {
            wait();
        }
        taken[p] = true;
        taken[right] = true;
    }

    @Override
    public synchronized void putDown(int p) {
        taken[p] = false;
        taken[(p + 1) % taken.length] = false;
        notifyAll();
    }

    @Override
    public int size() {
        return taken.length;
    }

    @Override
    public String name() {
        return "both or none (critical section)";
    }
}
