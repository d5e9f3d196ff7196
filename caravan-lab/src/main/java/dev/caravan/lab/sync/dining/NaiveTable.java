package dev.caravan.lab.sync.dining;

/**
 * The slides' first attempt: take the left chopstick, then the right. If all philosophers take
 * their left at once, each waits forever for its right: a deadlock.
 */
public final class NaiveTable extends ChopstickTable {
    public NaiveTable(int n) {
        this(n, p -> { });
    }

    public NaiveTable(int n, BetweenChopsticks between) {
        super(n, between);
    }

    @Override
    public void pickUp(int p) throws InterruptedException {
        takeInOrder(p, p, (p + 1) % size());
    }

    @Override
    public String name() {
        return "naive (left, then right)";
    }
}
