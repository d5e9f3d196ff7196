package dev.caravan.lab.threads;

/** The smallest child JVM: starts and exits. Used to measure process (JVM) creation cost. */
public final class NoOpMain {
    private NoOpMain() {
    }

    public static void main(String[] args) {
        // Nothing: the cost measured is the JVM's start and exit.
    }
}
