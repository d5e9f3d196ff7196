package dev.caravan.cli.bench.migration;

import dev.caravan.core.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Failed client requests with the time they failed (System.nanoTime). Thread-safe. */
public final class FailureLog {
    /** One failure. */
    public record Failure(long atNs, String what) {
    }

    private final List<Failure> failures = new ArrayList<>();

    public synchronized void add(String what) {
        failures.add(new Failure(Clock.system().nanoTime(), what));
    }

    /** Failures at or after {@code fromNs} and before {@code toNs}. */
    public synchronized List<Failure> between(long fromNs, long toNs) {
        List<Failure> out = new ArrayList<>();
        for (Failure f : failures) {
            if (f.atNs() >= fromNs && f.atNs() < toNs) {
                out.add(f);
            }
        }
        return out;
    }

    public synchronized int size() {
        return failures.size();
    }
}
