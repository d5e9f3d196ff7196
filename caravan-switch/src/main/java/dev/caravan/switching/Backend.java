package dev.caravan.switching;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;

/**
 * One place a front end can send clients: a process's data endpoint as naming publishes it.
 *
 * @param id         the backend's naming name without its {@code process/} prefix (for example {@code web-2});
 *                   unique within a backend set, the key for runtime control (weight, drain)
 * @param address    the data endpoint (host, port) where it is served now
 * @param node       the node it runs on now ("" when unknown)
 * @param attributes the naming entry's attributes (labels are {@code label.<key>})
 */
public record Backend(String id, InetSocketAddress address, String node, Map<String, String> attributes) {
    public Backend {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
        node = node == null ? "" : node;
        attributes = Map.copyOf(attributes == null ? Map.of() : attributes);
    }
}
