package dev.caravan.node.slice;

import dev.caravan.naming.NamingEntry;
import dev.caravan.wire.node.SecuritySettings;

import java.util.Map;
import java.util.TreeMap;

/**
 * What each slice uses now, per node and cluster-wide, counted from the processes' naming entries
 * (each carries {@code security.slice} and {@link #MEMORY_ATTRIBUTE}, published by its node): the
 * figures {@code caravan slice ls} shows. As fresh as naming: a process that just started or moved
 * may be missing or counted on its old node for a moment. Immutable once built.
 *
 * @param bySlice each slice's use, by slice name (sorted)
 */
public record SliceUsageReport(Map<String, Use> bySlice) {
    /** The naming attribute with a process's paged-memory capacity, bytes. */
    public static final String MEMORY_ATTRIBUTE = "memoryBytes";

    /** One slice's use: cluster-wide and per node id (sorted). */
    public record Use(int processes, long memoryBytes, Map<String, Use> byNode) {
        Use plus(long bytes) {
            return new Use(processes + 1, memoryBytes + bytes, byNode);
        }
    }

    /** The use of every slice with a process among {@code entries} (names under {@code process/}). */
    public static SliceUsageReport from(Iterable<NamingEntry> entries) {
        Map<String, Use> out = new TreeMap<>();
        for (NamingEntry e : entries) {
            String slice = e.attributes().get(SecuritySettings.SLICE);
            if (slice == null || slice.isEmpty() || !e.name().startsWith("process/")) {
                continue;
            }
            long bytes = memoryOf(e);
            Use total = out.computeIfAbsent(slice, s -> new Use(0, 0, new TreeMap<>()));
            total.byNode().merge(e.node(), new Use(1, bytes, Map.of()), (a, b) -> a.plus(b.memoryBytes()));
            out.put(slice, total.plus(bytes));
        }
        return new SliceUsageReport(out);
    }

    /** A slice's use; none when it runs nothing. */
    public Use of(String slice) {
        return bySlice.getOrDefault(slice, new Use(0, 0, Map.of()));
    }

    /** The memory an entry declares; 0 when it declares none (an entry from a node of another version). */
    static long memoryOf(NamingEntry e) {
        try {
            return Math.max(0, Long.parseLong(e.attributes().getOrDefault(MEMORY_ATTRIBUTE, "0")));
        } catch (NumberFormatException ignored) {
            return 0;
        }
    }
}
