package dev.caravan.core.time;

import java.util.concurrent.atomic.AtomicLong;

/** A {@link Clock} that moves only when told to; for deterministic tests. Thread-safe. */
public final class ManualClock implements Clock {
    private final AtomicLong nowNs;

    public ManualClock(long startMs) {
        this.nowNs = new AtomicLong(startMs * 1_000_000L);
    }

    @Override
    public long nowMs() {
        return nowNs.get() / 1_000_000L;
    }

    @Override
    public long nanoTime() {
        return nowNs.get();
    }

    /** Moves time forward. */
    public void advanceMs(long ms) {
        nowNs.addAndGet(ms * 1_000_000L);
    }
}
