package dev.caravan.naming;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests advance by hand. */
final class ManualClock implements InstantSource {
    private final AtomicLong nowMs = new AtomicLong(1_000_000);

    void advanceMs(long ms) {
        nowMs.addAndGet(ms);
    }

    @Override
    public long millis() {
        return nowMs.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(nowMs.get());
    }
}
