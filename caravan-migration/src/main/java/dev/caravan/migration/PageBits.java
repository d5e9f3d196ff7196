package dev.caravan.migration;

/** Page bitmaps as {@link dev.caravan.core.memory.PagedMemory} hands them out: bit p of word p/64. */
final class PageBits {
    private PageBits() {
    }

    /** Pages set in {@code bits}. */
    static long count(long[] bits) {
        long n = 0;
        for (long w : bits) {
            n += Long.bitCount(w);
        }
        return n;
    }

    /** Sets in {@code into} every page set in {@code from} (over their common length). */
    static void orInto(long[] into, long[] from) {
        for (int w = 0; w < Math.min(into.length, from.length); w++) {
            into[w] |= from[w];
        }
    }
}
