package dev.caravan.naming;

import dev.caravan.wire.node.SecuritySettings;
import dev.caravan.wire.security.Identity;

import java.util.List;

/**
 * Which naming entries a reader may see: a cluster-wide identity sees all; a tenant (an identity
 * with a slice) sees the entries of its slice's processes (attribute {@code security.slice}, set by
 * the node at deploy) and the cluster's own entries (nodes, switches, daemons: not under
 * {@code process/}), never another slice's process nor a process of no slice — for LOOKUP it does
 * not exist, LIST and WATCH (snapshot and events) leave it out. Stateless.
 */
final class SliceVisibility {
    private static final String PROCESS_PREFIX = "process/";

    private SliceVisibility() {
    }

    static boolean visible(Identity reader, NamingEntry entry) {
        if (reader == null || !reader.inSlice()) {
            return true;
        }
        String slice = entry.attributes().get(SecuritySettings.SLICE);
        if (slice == null) {
            return !entry.name().startsWith(PROCESS_PREFIX);
        }
        return slice.equals(reader.slice());
    }

    static List<NamingEntry> visible(Identity reader, List<NamingEntry> entries) {
        if (reader == null || !reader.inSlice()) {
            return entries;
        }
        return entries.stream().filter(e -> visible(reader, e)).toList();
    }
}
