package dev.caravan.lab.report;

/**
 * Where experiments report what they are measuring now, one line per step. Called on the
 * experiment's driving thread.
 */
@FunctionalInterface
public interface Progress {
    void step(String what);

    /** Discards progress (tests). */
    static Progress silent() {
        return what -> {
        };
    }
}
