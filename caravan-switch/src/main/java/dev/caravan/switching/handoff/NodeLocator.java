package dev.caravan.switching.handoff;

import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingService;
import dev.caravan.servers.handoff.HostIdentity;
import dev.caravan.wire.CaravanException;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a node takes handoffs, and whether this switch may use it — the host rule. A switch
 * hands a client's socket to a node only when both run on the same host: the node's
 * {@code node/<id>} entry carries the {@link HostIdentity#ATTRIBUTE} equal to the switch's own
 * ({@link HostIdentity}: one machine AND one network namespace). A node that publishes no
 * identity (an older node, or not Linux) is judged by its {@code host} attribute instead: it must
 * be an address of this machine's interfaces in the switch's namespace. Then the node must
 * advertise its Unix socket ({@code handoff}). In every other case the switch splices the
 * backend's clients itself; {@link Found#mode()} says which case, for logs and the admin API.
 *
 * <p>Threading: stateless apart from naming; thread-safe.
 */
final class NodeLocator {
    /** The client socket is passed to the node. */
    static final String HANDOFF = "handoff";
    /** The node runs on another host (machine or network namespace): the switch splices. */
    static final String SPLICE_OTHER_HOST = "splice (other host)";
    /** The node is on this host but takes no handoffs (its JVM lacks the option, or its socket failed to open). */
    static final String SPLICE_NO_SOCKET = "splice (no handoff socket)";
    /** The backend's node is not known or not registered. */
    static final String SPLICE_NODE_UNKNOWN = "splice (node unknown)";
    /** Naming could not be asked where the node is. */
    static final String SPLICE_NAMING = "splice (naming unavailable)";
    /** The node was asked and refused (its limit, a stale epoch): per connection. */
    static final String SPLICE_REFUSED = "splice (refused by node)";
    /** The node's socket could not be reached. */
    static final String SPLICE_UNREACHABLE = "splice (handoff socket unreachable)";

    private final NamingService naming;
    private final String localHostId;

    /** @param localHostId this switch's {@link HostIdentity} ("" when unknown: addresses decide) */
    NodeLocator(NamingService naming, String localHostId) {
        this.naming = naming;
        this.localHostId = localHostId;
    }

    /**
     * The handoff socket of a node, or why there is none to use.
     *
     * @param node   the node's id ("" when unknown)
     * @param socket null unless {@code mode} is {@link #HANDOFF}
     * @param mode   one of this class's mode labels
     * @param whyNot one line for the log ("" for a handoff)
     */
    record Found(String node, Path socket, String mode, String whyNot) {
        static Found splice(String node, String mode, String why) {
            return new Found(node, null, mode, why);
        }
    }

    Found find(String nodeId) {
        if (nodeId.isEmpty()) {
            return Found.splice(nodeId, SPLICE_NODE_UNKNOWN, "the backend's node is unknown");
        }
        Optional<NamingEntry> entry;
        try {
            entry = naming.lookup("node/" + nodeId);
        } catch (CaravanException e) {
            return Found.splice(nodeId, SPLICE_NAMING, "naming lookup failed: " + e.getMessage());
        }
        if (entry.isEmpty()) {
            return Found.splice(nodeId, SPLICE_NODE_UNKNOWN, "node " + nodeId + " is not registered");
        }
        return decide(entry.get(), localHostId);
    }

    /** The host rule for one node entry, seen from a switch whose identity is {@code localHostId}. */
    static Found decide(NamingEntry node, String localHostId) {
        String nodeId = node.name().substring(node.name().indexOf('/') + 1);
        String host = node.attribute("host");
        if (host == null) {
            host = node.host();
        }
        String nodeHostId = node.attribute(HostIdentity.ATTRIBUTE);
        boolean identitiesKnown = nodeHostId != null && !nodeHostId.isEmpty() && !localHostId.isEmpty();
        if (identitiesKnown && !nodeHostId.equals(localHostId)) {
            return Found.splice(nodeId, SPLICE_OTHER_HOST, "node " + nodeId + " is on another host (" + host + ", host id "
                    + nodeHostId + "; this switch's is " + localHostId + ")");
        }
        if (!identitiesKnown && !isLocal(host)) {
            return Found.splice(nodeId, SPLICE_OTHER_HOST, "node " + nodeId + " is on another host (" + host
                    + " is not an address of this switch's host)");
        }
        String path = node.attribute("handoff");
        if (path == null || path.isEmpty()) {
            return Found.splice(nodeId, SPLICE_NO_SOCKET, "node " + nodeId + " advertises no handoff socket");
        }
        return new Found(nodeId, Path.of(path), HANDOFF, "");
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
