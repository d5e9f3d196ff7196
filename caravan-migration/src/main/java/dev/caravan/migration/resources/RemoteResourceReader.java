package dev.caravan.migration.resources;

import dev.caravan.wire.node.ResourceProtocol;

/**
 * Reads a resource that another node exported as a global reference. The node implements it
 * over its control client with {@link ResourceProtocol#NODE_READ_RESOURCE}; the serving node
 * answers from {@link ResourceMigrator#readExported}.
 *
 * <p>Called on the thread of the process that reads (through {@link ResourceMigrator#open});
 * implementations must be thread-safe. Failures are {@link dev.caravan.wire.CaravanException}s
 * (NOT_FOUND when the node does not export the name, UNAVAILABLE when it cannot be reached).
 */
@FunctionalInterface
public interface RemoteResourceReader {
    /**
     * Up to {@code maxBytes} bytes of the resource from {@code offset}; an empty array at its end.
     *
     * @param node          the node in the reference ({@code caravan-ref://node/...})
     * @param qualifiedName {@code process/resource} as in the reference
     */
    byte[] read(String node, String qualifiedName, long offset, int maxBytes);

    /** A reader for nodes that are not wired to others: every remote read is UNAVAILABLE. */
    static RemoteResourceReader unavailable() {
        return (node, name, offset, max) -> {
            throw dev.caravan.wire.ErrorCode.UNAVAILABLE.exception("no remote reader: cannot read " + name + " on " + node);
        };
    }
}
