package dev.caravan.lab.threads;

/**
 * A private working set that a thread or process touches between context switches: one read and
 * one write per 64-byte cache line, so that touching it pulls the whole set into the cache.
 * Not thread-safe: each side of a ping-pong owns its own.
 */
public final class WorkingSet {
    private static final int LINE_BYTES = 64;
    private final byte[] bytes;
    private long sink;

    public WorkingSet(int sizeBytes) {
        this.bytes = new byte[sizeBytes];
    }

    /** Reads and writes every cache line once. */
    public void touch() {
        byte[] b = bytes;
        long s = sink;
        for (int i = 0; i < b.length; i += LINE_BYTES) {
            s += b[i];
            b[i] = (byte) s;
        }
        sink = s;
    }

    public int sizeBytes() {
        return bytes.length;
    }
}
