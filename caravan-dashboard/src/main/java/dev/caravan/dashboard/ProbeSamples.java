package dev.caravan.dashboard;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * The probe's measurements: a bounded ring of response times, in the order they were taken,
 * numbered so that a stream can send only what is new. Thread-safe (one lock; every operation is short).
 */
public final class ProbeSamples {
    /**
     * One probe call as the client saw it.
     *
     * @param seq       position in this ring, from 1
     * @param process   the process called
     * @param timeMs    when the call was sent, ms since the epoch (the dashboard's clock)
     * @param latencyMs how long until the answer came (or the call failed), in ms
     * @param ok        false when the call failed (the client library gave up, the process is gone)
     */
    public record Sample(long seq, String process, long timeMs, double latencyMs, boolean ok) {
    }

    private final int capacity;
    private final Deque<Sample> ring = new ArrayDeque<>();
    private final java.util.Map<String, Long> answered = new java.util.HashMap<>();
    private long lastSeq;

    /** @param capacity samples kept, at least 1; the oldest go first */
    public ProbeSamples(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** Records one call; returns its sequence number. */
    public synchronized long add(String process, long timeMs, double latencyMs, boolean ok) {
        if (ring.size() == capacity) {
            ring.removeFirst();
        }
        ring.addLast(new Sample(++lastSeq, process, timeMs, latencyMs, ok));
        if (ok) {
            answered.merge(process, 1L, Long::sum);
        }
        return lastSeq;
    }

    /** The samples after {@code seq}, oldest first (those that fell out of the ring are lost). */
    public synchronized List<Sample> since(long seq) {
        List<Sample> out = new ArrayList<>();
        for (var it = ring.descendingIterator(); it.hasNext(); ) {
            Sample s = it.next();
            if (s.seq() <= seq) {
                break;
            }
            out.add(s);
        }
        return out.reversed();
    }

    /** The samples taken at or after {@code fromMs}. */
    public synchronized List<Sample> from(long fromMs) {
        return ring.stream().filter(s -> s.timeMs() >= fromMs).toList();
    }

    /**
     * How many probe calls {@code process} has answered since this dashboard started (never
     * decreases; the samples that left the ring still count): the commands the process served
     * for the probe, which the page's requests/s leaves out.
     */
    public synchronized long answered(String process) {
        return answered.getOrDefault(process, 0L);
    }

    public synchronized long lastSeq() {
        return lastSeq;
    }

    /**
     * The median response time of {@code process}'s successful calls at or after {@code fromMs},
     * or -1 if there were none.
     */
    public synchronized double medianMs(String process, long fromMs) {
        double[] v = ring.stream().filter(s -> s.ok() && s.timeMs() >= fromMs && s.process().equals(process))
                .mapToDouble(Sample::latencyMs).toArray();
        if (v.length == 0) {
            return -1;
        }
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
