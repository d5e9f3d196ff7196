package dev.caravan.node;

import dev.caravan.naming.NamingEntry;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.node.SecuritySettings;

import java.util.List;

/**
 * What a slice uses: its processes and their paged memory, counted from process specs (on one
 * node) or from naming entries (across the cluster, where each process's entry carries its slice
 * and {@link #MEMORY_ATTRIBUTE}).
 */
record SliceUsage(int processes, long memoryBytes) {
    /** The naming attribute with a process's paged-memory capacity, bytes. */
    static final String MEMORY_ATTRIBUTE = dev.caravan.node.slice.SliceUsageReport.MEMORY_ATTRIBUTE;

    static SliceUsage of(List<ProcessSpec> specs, String slice) {
        int n = 0;
        long bytes = 0;
        for (ProcessSpec s : specs) {
            if (slice.equals(s.config().get(SecuritySettings.SLICE))) {
                n++;
                bytes += s.memoryBytes();
            }
        }
        return new SliceUsage(n, bytes);
    }

    /** Usage by processes of {@code slice} registered by nodes other than {@code exceptNode}. */
    static SliceUsage ofEntries(List<NamingEntry> entries, String slice, String exceptNode) {
        int n = 0;
        long bytes = 0;
        for (NamingEntry e : entries) {
            if (!e.node().equals(exceptNode) && slice.equals(e.attributes().get(SecuritySettings.SLICE))) {
                n++;
                try {
                    bytes += Long.parseLong(e.attributes().getOrDefault(MEMORY_ATTRIBUTE, "0"));
                } catch (NumberFormatException ignored) {
                    // An entry from a node of another version: counted as a process, without memory.
                }
            }
        }
        return new SliceUsage(n, bytes);
    }

    SliceUsage plus(int moreProcesses, long moreBytes) {
        return new SliceUsage(processes + moreProcesses, memoryBytes + moreBytes);
    }

    SliceUsage plus(SliceUsage other) {
        return plus(other.processes, other.memoryBytes);
    }
}
