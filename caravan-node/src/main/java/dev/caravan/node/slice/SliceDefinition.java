package dev.caravan.node.slice;

import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.security.Identity;

/**
 * A slice (PlanetLab's word for a tenant's share of the cluster): its name and its quotas, memory
 * and processes summed over the slice's processes across the whole cluster, connections per node.
 * 0 means no limit.
 *
 * @param name            a slice name ({@link Identity#checkSlice}), non-empty
 * @param memoryBytes     paged memory ({@code deploy --memory}) of all the slice's processes together
 * @param processes       processes the slice may run at once
 * @param connections     client connections the slice's processes may hold at once on one node
 *                        ({@link SliceConnections})
 */
public record SliceDefinition(String name, long memoryBytes, int processes, int connections) {
    public SliceDefinition {
        if (Identity.checkSlice(name).isEmpty()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("a slice needs a name");
        }
        if (memoryBytes < 0 || processes < 0 || connections < 0) {
            throw ErrorCode.INVALID_ARGUMENT.exception("slice " + name + ": quotas must be 0 (no limit) or positive");
        }
    }

    /** The text of the slice's file (format in {@link SliceRegistry}). */
    public String format() {
        return SliceRegistry.HEADER + "\nmemory-bytes " + memoryBytes + "\nprocesses " + processes + "\nconnections "
                + connections + "\n";
    }

    /** One quota as shown: the number, or {@code -} for none. */
    public static String shown(long quota) {
        return quota == 0 ? "-" : Long.toString(quota);
    }
}
