package dev.caravan.core.memory;

/**
 * What giving a {@link PagedMemory} its chunks cost: the time spent taking them (faulting fresh
 * memory in, or zeroing reused chunks) and how many bytes came each way. For a migration report:
 * "the destination spent X ms allocating, Y MiB of fresh memory faulted in".
 *
 * @param allocationNanos time spent acquiring chunks, by the memory's clock
 * @param freshBytes      bytes the OS had to fault in for this memory
 * @param reusedBytes     bytes taken warm from the node's {@link ChunkPool} (released or pre-faulted)
 */
public record AllocationStats(long allocationNanos, long freshBytes, long reusedBytes) {
    /** Nothing allocated yet. */
    public static final AllocationStats NONE = new AllocationStats(0, 0, 0);

    public long allocatedBytes() {
        return freshBytes + reusedBytes;
    }
}
