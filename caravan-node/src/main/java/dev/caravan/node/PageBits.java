package dev.caravan.node;

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
}
