package dev.caravan.lab.sync;

import java.util.HashMap;
import java.util.Map;

/** Gives each thread that calls {@link #of} a dense index 0, 1, ... (Peterson needs one). */
final class ThreadIndex {
    private final Map<Thread, Integer> index = new HashMap<>();

    synchronized int of() {
        return index.computeIfAbsent(Thread.currentThread(), t -> index.size());
    }
}
