package dev.caravan.fuzz;

import dev.caravan.wire.fuzz.DecoderFuzzer;

import java.lang.management.ManagementFactory;

/**
 * Makes "limits are checked before allocating" a checked property of a fuzz target: the bytes
 * the calling thread allocates while one input is parsed are measured (HotSpot's per-thread
 * allocation counter) and an input that costs more than {@link #MAX_BYTES_PER_INPUT} is a
 * finding ({@link ExcessiveAllocation}) when a rerun of the same input costs as much, even when
 * the heap could have held it. Every parser's
 * own limit (1 MiB frames, 64 KiB DNS messages, 16 KiB HTTP heads) is far below it, so only a
 * length taken from the input and trusted before it was checked reaches it.
 */
public final class AllocationGuard {
    /** The most one input may make a parser allocate. */
    public static final long MAX_BYTES_PER_INPUT = 32L << 20;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private AllocationGuard() {
    }

    /** A parser allocated more for one input than any limit allows. */
    public static final class ExcessiveAllocation extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ExcessiveAllocation(long bytes, int inputBytes) {
            super(bytes + " bytes allocated for a " + inputBytes + "-byte input (limit " + MAX_BYTES_PER_INPUT + ")");
        }
    }

    /**
     * {@code target}, failing with {@link ExcessiveAllocation} after an input that allocated too
     * much. {@code warmUp} is run through it first, unmeasured: loading and initialising the
     * parser's classes (Netty, dnsjava) allocates tens of MiB once, on the first input.
     */
    public static DecoderFuzzer.Target guarded(DecoderFuzzer.Target target, java.util.List<byte[]> warmUp) {
        for (byte[] input : warmUp) {
            try {
                target.run(input);
            } catch (java.io.IOException | RuntimeException e) {
                throw new IllegalStateException("a seed fails its own target: " + e, e);
            }
        }
        return input -> {
            long used = measured(target, input);
            // A path taken for the first time loads (and under Jazzer instruments) classes on this
            // thread: tens of MiB once. A parser that trusts a length allocates again on a rerun.
            if (used > MAX_BYTES_PER_INPUT && (used = measured(target, input)) > MAX_BYTES_PER_INPUT) {
                throw new ExcessiveAllocation(used, input.length);
            }
        };
    }

    private static long measured(DecoderFuzzer.Target target, byte[] input) throws java.io.IOException {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        try {
            target.run(input);
        } catch (OutOfMemoryError e) {
            throw new ExcessiveAllocation(Long.MAX_VALUE, input.length);
        }
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }
}
