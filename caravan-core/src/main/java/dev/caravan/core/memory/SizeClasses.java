package dev.caravan.core.memory;

/**
 * The block sizes {@link PagedHeap} hands out: multiples of 16 up to 64 bytes, then four
 * steps per power of two (80, 96, 112, 128, 160, …) up to {@value #MAX_BLOCK_BYTES} bytes.
 * A request is rounded up to its class, so waste is under 25 %. Pure functions; thread-safe.
 */
final class SizeClasses {
    static final long MAX_BLOCK_BYTES = 1L << 30;
    /** Classes 0..3 are 16, 32, 48, 64; then 4 per power of two from 2^6 to 2^30. */
    static final int COUNT = 4 + 4 * (30 - 6);

    private SizeClasses() {
    }

    /** Payload bytes of class {@code c}. */
    static long size(int c) {
        if (c < 4) {
            return 16L * (c + 1);
        }
        int power = 6 + (c - 4) / 4;
        int step = (c - 4) % 4 + 1;
        return (1L << power) + step * (1L << (power - 2));
    }

    /** The smallest class holding {@code bytes}; -1 if above {@link #MAX_BLOCK_BYTES}. */
    static int of(long bytes) {
        if (bytes <= 64) {
            return bytes <= 16 ? 0 : (int) ((bytes + 15) / 16) - 1;
        }
        if (bytes > MAX_BLOCK_BYTES) {
            return -1;
        }
        int power = 63 - Long.numberOfLeadingZeros(bytes - 1);
        long quarter = 1L << (power - 2);
        int step = (int) ((bytes - 1 - (1L << power)) / quarter) + 1;
        return 4 + (power - 6) * 4 + step - 1;
    }
}
