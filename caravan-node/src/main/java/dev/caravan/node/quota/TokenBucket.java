package dev.caravan.node.quota;

import java.util.function.LongSupplier;

/**
 * A token bucket for a request rate: {@code ratePerSecond} tokens a second, holding at most
 * {@code burst}. Taking more than is there leaves the bucket in debt, so a caller that must go on
 * (a batch already read) waits the debt out instead of being refused ({@link #take}); a caller that
 * may refuse asks first ({@link #tryTake}). Time comes from an injected nanosecond clock.
 *
 * <p>Thread-safe (synchronized): a process's connections may be served on several threads.
 */
public final class TokenBucket {
    private final long ratePerSecond;
    private final long burst;
    private final LongSupplier nanoClock;
    /** Tokens, scaled by 1e9 (token-nanoseconds), so refills need no fractions; may be negative (debt). */
    private long scaledTokens;
    private long lastNs;

    /** @param nanoClock monotonic nanoseconds ({@code System::nanoTime}, or a test's) */
    public TokenBucket(long ratePerSecond, long burst, LongSupplier nanoClock) {
        if (ratePerSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("rate and burst must be positive");
        }
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.nanoClock = nanoClock;
        this.lastNs = nanoClock.getAsLong();
        this.scaledTokens = burst * 1_000_000_000L;
    }

    private void refill() {
        long now = nanoClock.getAsLong();
        long elapsed = now - lastNs;
        if (elapsed > 0) {
            lastNs = now;
            long max = burst * 1_000_000_000L;
            // elapsed * rate may overflow after a long idle: the bucket is full by then anyway.
            long add = elapsed > max / ratePerSecond ? max : elapsed * ratePerSecond;
            scaledTokens = Math.min(max, scaledTokens + add);
        }
    }

    /** Takes {@code n} tokens if all are there; false (nothing taken) otherwise. */
    public synchronized boolean tryTake(long n) {
        refill();
        long need = n * 1_000_000_000L;
        if (scaledTokens < need) {
            return false;
        }
        scaledTokens -= need;
        return true;
    }

    /**
     * Takes {@code n} tokens, going into debt if they are not all there, and returns how long the
     * caller should wait (ns) before going on so that the rate holds: 0 when there was no debt.
     */
    public synchronized long take(long n) {
        refill();
        scaledTokens -= n * 1_000_000_000L;
        return scaledTokens >= 0 ? 0 : -scaledTokens / ratePerSecond;
    }

    /** Whole tokens there now (negative while in debt). */
    public synchronized long available() {
        refill();
        return Math.floorDiv(scaledTokens, 1_000_000_000L);
    }
}
