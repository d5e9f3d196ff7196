package dev.caravan.node;

import dev.caravan.core.process.CaravanProcess;
import dev.caravan.core.process.ProcessId;
import dev.caravan.core.time.Clock;
import dev.caravan.migration.MigrationHost;
import dev.caravan.migration.MovableProcess;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.ProcessSpec;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node as its migration engine sees it ({@link MigrationHost}): a thin adapter over
 * {@link NodeDaemon}, its naming service and its peers. Thread-safe.
 */
final class NodeMigrationHost implements MigrationHost {
    private final NodeDaemon node;
    /** Arrivals that got a new stable endpoint here (clones, restores): discarding them closes it. */
    private final Set<String> ownFronts = ConcurrentHashMap.newKeySet();

    NodeMigrationHost(NodeDaemon node) {
        this.node = node;
    }

    @Override
    public String nodeId() {
        return node.nodeId();
    }

    @Override
    public Clock clock() {
        return node.clock();
    }

    @Override
    public String bindHost() {
        return node.bindHost();
    }

    @Override
    public String controlAddress() {
        return node.bindHost() + ":" + node.controlPort();
    }

    @Override
    public long warmBytes() {
        return node.warmBytes();
    }

    @Override
    public boolean ownsProcesses() {
        return node.ownsProcesses();
    }

    @Override
    public MovableProcess hosted(String name) {
        return node.hosted(name);
    }

    @Override
    public boolean hosts(String name) {
        return node.hostsProcess(name);
    }

    @Override
    public Optional<InetSocketAddress> nodeAddress(String nodeId) {
        return node.naming().lookup("node/" + nodeId).map(e -> new InetSocketAddress(e.host(), e.port()));
    }

    @Override
    public Optional<Owner> ownerOf(String processName) {
        return node.naming().lookup("process/" + processName).map(e -> new Owner(e.node(), e.host(), e.port(), e.epoch()));
    }

    @Override
    public String linkToken() {
        return node.token();
    }

    /** The node's transport: page streams go over TLS exactly when the node's ports do. */
    @Override
    public dev.caravan.wire.security.TransportSecurity transportSecurity() {
        return node.security();
    }

    @Override
    public FrameClient connect(InetSocketAddress controlAddress, Duration timeout) {
        return FrameClient.connect(controlAddress, new Hello("node/" + node.nodeId(), node.token()), timeout, node.security());
    }

    @Override
    public MovableProcess admit(ProcessSpec spec, ProcessId id, long epoch, String front) throws IOException {
        node.requireSchedulable("receive " + spec.name());
        // Its slice's quotas, before anything is allocated and before the source freezes: a refusal leaves it there.
        node.sliceQuotas().admitArrival(spec);
        try {
            return admitWithinQuota(spec, id, epoch, front);
        } catch (IOException | RuntimeException e) {
            node.sliceQuotas().arrivalEnded(spec.name());
            throw e;
        }
    }

    private MovableProcess admitWithinQuota(ProcessSpec spec, ProcessId id, long epoch, String front) throws IOException {
        CaravanProcess code = node.createProcessCode(spec);
        // A clone or a restore arrives without a stable endpoint: it gets one here, its new home.
        boolean ownFront = front.isEmpty();
        String stable = ownFront ? node.openFront(spec) : front;
        try {
            HostedProcess hosted = node.prepareHosted(spec, id, epoch, code, stable);
            if (ownFront) {
                ownFronts.add(spec.name());
            }
            return hosted;
        } catch (RuntimeException e) {
            if (ownFront) {
                node.closeFront(spec.name());
            }
            throw e;
        }
    }

    @Override
    public void bindResources(MovableProcess process, Map<String, String> uris) {
        node.bindResources(own(process), uris);
    }

    @Override
    public void commitArrival(MovableProcess process) throws Exception {
        try {
            node.commitArrival(own(process));
        } finally {
            node.sliceQuotas().arrivalEnded(process.name());
        }
        ownFronts.remove(process.name());
    }

    @Override
    public void discard(MovableProcess process) {
        node.sliceQuotas().arrivalEnded(process.name());
        try {
            own(process).close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (ownFronts.remove(process.name())) {
                node.closeFront(process.name());
            }
        }
    }

    @Override
    public void removeAfterMove(MovableProcess process, long newEpoch, String destinationDataAddress) {
        removeAfterMove(process, newEpoch, destinationDataAddress, new dev.caravan.migration.HandOffLink(node.security(),
                node.token(), dev.caravan.wire.net.HostPort.parse(destinationDataAddress), 0));
    }

    @Override
    public void removeAfterMove(MovableProcess process, long newEpoch, String destinationDataAddress,
                                dev.caravan.migration.HandOffLink link) {
        HostedProcess hosted = own(process);
        node.removeHosted(hosted);
        hosted.endpoint().movedTo(newEpoch, destinationDataAddress, link);
        // Keep answering MOVED for a while so that connected clients learn the new place, then let go.
        // RESP over TLS relays to this endpoint: it goes when the endpoint goes.
        node.scheduleLater(() -> {
            hosted.closeRespTls();
            hosted.endpoint().close();
        }, node.config().migration().movedAnswerMs());
    }

    @Override
    public void markLost(MovableProcess process) {
        node.markLost(own(process));
    }

    @Override
    public void schedule(Runnable task, long delayMs) {
        node.scheduleLater(task, delayMs);
    }

    @Override
    public void crash(String why) {
        System.err.println(why);
        System.err.flush();
        Runtime.getRuntime().halt(137);
    }

    private static HostedProcess own(MovableProcess p) {
        if (p instanceof HostedProcess h) {
            return h;
        }
        throw ErrorCode.INTERNAL.exception("process " + p.name() + " was not created by this node");
    }
}
