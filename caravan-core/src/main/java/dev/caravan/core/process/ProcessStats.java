package dev.caravan.core.process;

/**
 * Counters of one process, read together on its own thread.
 *
 * @param allocatedPages pages backed by memory
 * @param dirtyPages     pages written since dirty tracking last started a round
 * @param memoryBytes    off-heap bytes held
 * @param queuedCommands commands waiting in the mailbox
 */
public record ProcessStats(ProcessState state, long allocatedPages, long dirtyPages, long memoryBytes,
                           long commandsServed, long commandsFailed, int queuedCommands) {
}
