package dev.caravan.node.quota;

import java.util.ArrayDeque;

/**
 * The share of one core a thread used over the last window: fed samples of the thread's
 * cumulative CPU time (ns, from {@link java.lang.management.ThreadMXBean#getThreadCpuTime}) with
 * the wall time (ns) they were taken at, it answers (CPU used)/(wall time elapsed) between the
 * oldest sample still inside the window and the newest. A share is {@link #full() known} only once
 * the samples span the whole window, so a burst at start-up is not read as a rate.
 *
 * <p>Not thread-safe: fed and read by the node's quota watchdog thread only.
 */
public final class CpuWindow {
    private record Sample(long wallNs, long cpuNs) {
    }

    private final long windowNs;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    public CpuWindow(long windowNs) {
        if (windowNs <= 0) {
            throw new IllegalArgumentException("window must be positive");
        }
        this.windowNs = windowNs;
    }

    /** Adds a sample; keeps one sample at or before the window's start, so that the window stays covered. */
    public void record(long wallNs, long cpuNs) {
        samples.addLast(new Sample(wallNs, cpuNs));
        while (samples.size() > 2) {
            var it = samples.iterator();
            it.next();
            Sample second = it.next();
            if (wallNs - second.wallNs() >= windowNs) {
                samples.removeFirst();
            } else {
                break;
            }
        }
    }

    /** Whether the samples span at least the window. */
    public boolean full() {
        return samples.size() >= 2 && samples.peekLast().wallNs() - samples.peekFirst().wallNs() >= windowNs;
    }

    /** CPU share over the samples kept, in percent of one core (0 with fewer than two samples). */
    public double percent() {
        if (samples.size() < 2) {
            return 0;
        }
        Sample first = samples.peekFirst();
        Sample last = samples.peekLast();
        long wall = last.wallNs() - first.wallNs();
        return wall <= 0 ? 0 : 100.0 * (last.cpuNs() - first.cpuNs()) / wall;
    }

    /** Wall time the samples kept span, ns. */
    public long spanNs() {
        return samples.size() < 2 ? 0 : samples.peekLast().wallNs() - samples.peekFirst().wallNs();
    }

    /** Forgets every sample (after the thread changed, or a throttle ended). */
    public void clear() {
        samples.clear();
    }
}
