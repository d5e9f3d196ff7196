package dev.caravan.dashboard;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Per-second rates of counters reported by successive polls (a process's commands served, its
 * dirty pages), keyed by whatever names the counter. Not thread-safe: the poller owns it.
 */
final class RateTracker {
    private record Last(long value, long atNs) {
    }

    private final Map<String, Last> last = new HashMap<>();

    /**
     * Records {@code value} at {@code nowNs} and returns its growth per second since the last
     * record for {@code key}: -1 on the first record, 0 when it shrank (a counter that restarted, a
     * dirty set cleared) or no time passed.
     */
    double rate(String key, long value, long nowNs) {
        Last prev = last.put(key, new Last(value, nowNs));
        if (prev == null) {
            return -1;
        }
        long dtNs = nowNs - prev.atNs();
        if (dtNs <= 0 || value < prev.value()) {
            return 0;
        }
        return (value - prev.value()) * 1e9 / dtNs;
    }

    /** Forgets every key not in {@code keep}. */
    void retain(Set<String> keep) {
        last.keySet().retainAll(keep);
    }
}
