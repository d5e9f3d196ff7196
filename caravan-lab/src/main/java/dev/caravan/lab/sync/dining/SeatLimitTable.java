package dev.caravan.lab.sync.dining;

import dev.caravan.lab.sync.QueueSemaphore;

/**
 * Remedy 1: at most {@code n − 1} philosophers sit at the table (a counting semaphore), so at
 * least one of them can always get both chopsticks.
 */
public final class SeatLimitTable extends ChopstickTable {
    private final QueueSemaphore seats;

    public SeatLimitTable(int n) {
        super(n, p -> { });
        this.seats = new QueueSemaphore(n - 1);
    }

    @Override
    public void pickUp(int p) throws InterruptedException {
        seats.acquire();
        try {
            takeInOrder(p, p, (p + 1) % size());
        } catch (InterruptedException | RuntimeException e) {
            seats.release();
            throw e;
        }
    }

    @Override
    public void putDown(int p) {
        super.putDown(p);
        seats.release();
    }

    @Override
    public String name() {
        return "at most n-1 seated";
    }
}
