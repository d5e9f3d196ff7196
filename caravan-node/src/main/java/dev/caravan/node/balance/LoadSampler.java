package dev.caravan.node.balance;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns each process's running count of commands served into commands per second, between two
 * samples. A process seen for the first time counts 0 until the next sample. Owned by one thread.
 */
final class LoadSampler {
    private final Map<String, Long> lastCounts = new HashMap<>();
    private long lastAtMs = -1;

    /** Commands per second of each process in {@code counts} since the previous sample. */
    Map<String, Double> sample(long nowMs, Map<String, Long> counts) {
        Map<String, Double> rates = new LinkedHashMap<>();
        double seconds = lastAtMs < 0 || nowMs <= lastAtMs ? 0 : (nowMs - lastAtMs) / 1000.0;
        counts.forEach((name, count) -> {
            Long before = lastCounts.get(name);
            rates.put(name, before == null || seconds == 0 || count < before ? 0 : (count - before) / seconds);
        });
        lastCounts.clear();
        lastCounts.putAll(counts);
        lastAtMs = nowMs;
        return rates;
    }
}
