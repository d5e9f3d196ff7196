package dev.caravan.switching.pool;

import dev.caravan.core.time.Clock;
import dev.caravan.switching.AdminState;
import dev.caravan.switching.Backend;
import dev.caravan.switching.BackendStatus;
import dev.caravan.switching.policy.Candidate;

/**
 * One backend of a {@link BackendPool} with everything the pool keeps about it across naming
 * updates: weight, admin state, health counters, load and slow start. Its identity is the
 * process name; the {@link Backend} (address, node) is replaced when the process moves.
 *
 * <p>Threading: every field is guarded by the owning pool's lock; {@link #weight()} and
 * {@link #active()} are read by the policy under that lock.
 */
final class BackendState implements Candidate {
    /** Policies see weights in 1/16ths so that even a weight-1 backend can ramp in slow start (HAProxy's BE_WEIGHT_SCALE). */
    static final int WEIGHT_SCALE = 16;
    static final int MAX_WEIGHT = 256;
    /** Smoothing of the latency average the passive outlier check compares against. */
    private static final double LATENCY_EWMA_ALPHA = 0.1;

    private final String id;
    private final Clock clock;
    private final long slowStartNs;

    Backend backend;
    int namingWeight;
    int overrideWeight; // 0: none
    AdminState admin = AdminState.READY;
    boolean healthy = true;
    boolean removed;
    /** When the current slow start began; Long.MIN_VALUE for none. */
    long slowStartFromNs = Long.MIN_VALUE;
    /** When health checks took it out (for the passive retry without active checks). */
    long downSinceNs;
    int active;
    long served;
    long failed;
    int failuresInRow;
    int slowRepliesInRow;
    int goodProbesInRow;
    int badProbesInRow;
    /** Exponentially weighted average of successful replies' latency; 0 before the first. */
    double latencyAverageNs;

    BackendState(Backend backend, Clock clock, long slowStartNs) {
        this.id = backend.id();
        this.backend = backend;
        this.clock = clock;
        this.slowStartNs = slowStartNs;
        this.namingWeight = weightAttribute(backend);
    }

    /** The naming attribute {@code weight} when it is a number in 1..256, else 1. */
    static int weightAttribute(Backend backend) {
        String text = backend.attributes().get("weight");
        if (text == null) {
            return 1;
        }
        try {
            int w = Integer.parseInt(text.trim());
            return w >= 1 && w <= MAX_WEIGHT ? w : 1;
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    @Override
    public String id() {
        return id;
    }

    /** Configured weight: the runtime override, else naming's. */
    int configuredWeight() {
        return overrideWeight > 0 ? overrideWeight : namingWeight;
    }

    /**
     * Weight in force in 1/{@link #WEIGHT_SCALE} units: during slow start it rises linearly from
     * 1/16 to the full weight over the slow start period (HAProxy {@code slowstart}).
     */
    @Override
    public int weight() {
        long full = (long) configuredWeight() * WEIGHT_SCALE;
        if (slowStartFromNs == Long.MIN_VALUE || slowStartNs <= 0) {
            return (int) full;
        }
        long elapsed = clock.nanoTime() - slowStartFromNs;
        if (elapsed >= slowStartNs) {
            slowStartFromNs = Long.MIN_VALUE;
            return (int) full;
        }
        return (int) Math.max(1, full * Math.max(0, elapsed) / slowStartNs);
    }

    @Override
    public int active() {
        return active;
    }

    /** Takes new work: healthy and READY (the connection limit is checked by the pool). */
    boolean usable() {
        return healthy && admin == AdminState.READY && !removed;
    }

    void startSlowStart() {
        slowStartFromNs = clock.nanoTime();
    }

    /** Records a success's latency; returns the average before this sample (0 when none). */
    double recordLatency(long latencyNs) {
        double before = latencyAverageNs;
        latencyAverageNs = before == 0 ? latencyNs : before + LATENCY_EWMA_ALPHA * (latencyNs - before);
        return before;
    }

    void resetHealthCounters() {
        failuresInRow = 0;
        slowRepliesInRow = 0;
        goodProbesInRow = 0;
        badProbesInRow = 0;
    }

    BackendStatus status() {
        int effective = usable() ? (weight() + WEIGHT_SCALE - 1) / WEIGHT_SCALE : 0;
        String address = backend.address().getHostString() + ":" + backend.address().getPort();
        return new BackendStatus(id, address, backend.node(), admin, healthy, configuredWeight(), effective,
                active, served, failed);
    }
}
