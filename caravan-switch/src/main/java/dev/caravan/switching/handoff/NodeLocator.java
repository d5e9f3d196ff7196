package dev.caravan.switching.handoff;

import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingService;
import dev.caravan.wire.CaravanException;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a node takes handoffs: its {@code node/<id>} naming entry's {@code handoff} attribute
 * (the Unix socket's path), usable only when its {@code host} is an address of this machine.
 *
 * <p>Threading: stateless apart from naming; thread-safe.
 */
final class NodeLocator {
    private final NamingService naming;

    NodeLocator(NamingService naming) {
        this.naming = naming;
    }

    /** The handoff socket of a node, or why there is none to use. */
    record Found(Path socket, String whyNot) {
    }

    Found find(String nodeId) {
        if (nodeId.isEmpty()) {
            return new Found(null, "the backend's node is unknown");
        }
        Optional<NamingEntry> entry;
        try {
            entry = naming.lookup("node/" + nodeId);
        } catch (CaravanException e) {
            return new Found(null, "naming lookup failed: " + e.getMessage());
        }
        if (entry.isEmpty()) {
            return new Found(null, "node " + nodeId + " is not registered");
        }
        String path = entry.get().attribute("handoff");
        if (path == null || path.isEmpty()) {
            return new Found(null, "node " + nodeId + " advertises no handoff socket");
        }
        String host = entry.get().attribute("host");
        if (host == null) {
            host = entry.get().host();
        }
        if (!isLocal(host)) {
            return new Found(null, "node " + nodeId + " is on another host (" + host + ")");
        }
        return new Found(Path.of(path), "");
    }

    /** Whether {@code host} is an address of this machine (loopback, wildcard, or one of its interfaces). */
    static boolean isLocal(String host) {
        try {
            InetAddress a = InetAddress.getByName(host);
            return a.isLoopbackAddress() || a.isAnyLocalAddress() || NetworkInterface.getByInetAddress(a) != null;
        } catch (UnknownHostException | SocketException e) {
            return false;
        }
    }
}
