package dev.caravan.core.time;

/**
 * The time source that logic reads; injected so that leases, expiries and timeouts are
 * tested by advancing a {@link ManualClock} instead of sleeping. Implementations are
 * thread-safe.
 */
public interface Clock {
    /** Wall-clock milliseconds since the epoch (for expiry times that travel or persist). */
    long nowMs();

    /** A monotonic nanosecond reading (for durations only). */
    long nanoTime();

    /** The system's clocks. */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
