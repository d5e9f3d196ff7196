package dev.caravan.servers.binary;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A simulated blocking call (a disk read, a remote service) of uniformly random length, used
 * by the blocking variant of the benchmark handlers. It really blocks the calling thread
 * ({@link Thread#sleep}), which is the point: virtual threads unmount, platform threads and
 * event loops stall.
 *
 * @param minMicros shortest wait
 * @param maxMicros longest wait (inclusive)
 */
public record RequestDelay(long minMicros, long maxMicros) {
    /** No wait at all. */
    public static final RequestDelay NONE = new RequestDelay(0, 0);

    public RequestDelay {
        if (minMicros < 0 || maxMicros < minMicros) {
            throw dev.caravan.wire.ErrorCode.INVALID_ARGUMENT.exception("delay range " + minMicros + ".." + maxMicros + " µs");
        }
    }

    /** Blocks for a random time in the range; returns at once for {@link #NONE}. */
    public void await() throws InterruptedException {
        if (maxMicros == 0) {
            return;
        }
        long us = minMicros == maxMicros ? minMicros : ThreadLocalRandom.current().nextLong(minMicros, maxMicros + 1);
        TimeUnit.MICROSECONDS.sleep(us);
    }

    public boolean blocking() {
        return maxMicros > 0;
    }
}
