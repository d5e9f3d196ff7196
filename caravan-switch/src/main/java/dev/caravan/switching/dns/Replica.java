package dev.caravan.switching.dns;

import java.net.InetAddress;
import java.util.Objects;

/**
 * One process as the DNS dispatcher answers it: where its data endpoint is.
 *
 * @param process the process name (naming {@code process/<name>} without the prefix)
 * @param node    the node it runs on now ("" when unknown)
 * @param address the data endpoint's host address (resolved once, when the snapshot was built)
 * @param port    the data endpoint's TCP port
 */
public record Replica(String process, String node, InetAddress address, int port) {
    public Replica {
        Objects.requireNonNull(process, "process");
        Objects.requireNonNull(address, "address");
        node = node == null ? "" : node;
    }
}
