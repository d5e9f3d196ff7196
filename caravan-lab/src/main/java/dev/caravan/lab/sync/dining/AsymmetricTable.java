package dev.caravan.lab.sync.dining;

/**
 * Remedy 3: odd philosophers take left then right, even ones right then left. Two neighbours
 * then compete for the same first chopstick, which breaks the circular wait.
 */
public final class AsymmetricTable extends ChopstickTable {
    public AsymmetricTable(int n) {
        super(n, p -> { });
    }

    @Override
    public void pickUp(int p) throws InterruptedException {
        int left = p;
        int right = (p + 1) % size();
        if (p % 2 == 1) {
            takeInOrder(p, left, right);
        } else {
            takeInOrder(p, right, left);
        }
    }

    @Override
    public String name() {
        return "asymmetric order";
    }
}
