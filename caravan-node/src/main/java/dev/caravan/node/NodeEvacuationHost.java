package dev.caravan.node;

import dev.caravan.naming.NamingEntry;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.Op;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.NodeStatus;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The node as its {@link Evacuator} sees it: its books, its peers' status (naming's
 * {@code node/} entries, then NODE_STATUS on each schedulable one) and its migration engine.
 * Thread-safe.
 */
final class NodeEvacuationHost implements Evacuator.Host {
    private static final System.Logger LOG = System.getLogger(NodeEvacuationHost.class.getName());
    /** A peer that does not answer its status within this is left out of placement. */
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(3);

    private final NodeDaemon node;

    NodeEvacuationHost(NodeDaemon node) {
        this.node = node;
    }

    @Override
    public String nodeId() {
        return node.nodeId();
    }

    @Override
    public void cordon() {
        node.setSchedulable(false);
    }

    @Override
    public Map<String, Long> hosted() {
        return node.hostedCapacities();
    }

    @Override
    public List<NodeStatus> peers() {
        List<NodeStatus> out = new ArrayList<>();
        for (NamingEntry e : node.naming().list("node/")) {
            if (e.node().equals(node.nodeId())) {
                continue;
            }
            if ("false".equals(e.attributes().get("schedulable"))) {
                out.add(new NodeStatus(e.node(), false, 0, 0, 0, 0, -1));
                continue;
            }
            try {
                out.add(NodeStatus.readFrom(node.peerLink(new InetSocketAddress(e.host(), e.port()))
                        .call(Op.NODE_STATUS, new byte[0], STATUS_TIMEOUT).expectOk()));
            } catch (CaravanException failure) {
                LOG.log(System.Logger.Level.INFO, "node " + e.node() + " did not report its status (" + failure.getMessage()
                        + "); not a destination");
            }
        }
        return out;
    }

    @Override
    public CompletableFuture<MigrationReport> migrate(MigrationRequest request) {
        return node.migrateInBackground(request, "drain-" + request.name());
    }

    @Override
    public void cancel(String name) {
        try {
            node.migration().cancel(name);
        } catch (CaravanException e) {
            // Ended or committed meanwhile: its own result says which.
        }
    }
}
