package dev.caravan.node;

import dev.caravan.wire.resp.RespConnection;
import dev.caravan.core.process.ProcessId;
import dev.caravan.core.process.ProcessRunner;
import dev.caravan.naming.NamingEntry;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.ProcessSpec;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The source side of moving processes off this node: migrations, clones and checkpoints, the
 * hand-off after a commit, deciding ownership after a failed commit, and serving post-copy page
 * faults. Control connection threads call it; at most one move per process at a time.
 */
final class OutgoingMigrations {
    private static final System.Logger LOG = System.getLogger(OutgoingMigrations.class.getName());

    private final NodeDaemon node;
    private final Map<String, PostCopyPusher> pageFaultServers = new ConcurrentHashMap<>();
    private final Set<String> migrating = ConcurrentHashMap.newKeySet();

    OutgoingMigrations(NodeDaemon node) {
        this.node = node;
    }

    /** Whether a process is being moved or checkpointed right now. */
    boolean isMoving(String name) {
        return migrating.contains(name);
    }

    /** What the source did with the process after commit. */
    record HandOff(long forwarded) {
    }

    /**
     * Moves a process out of here (migration, clone or checkpoint-free): runs at the source on the
     * control thread that asked for it, with progress pushed to {@code progress}.
     */
    dev.caravan.wire.node.MigrationReport migrate(dev.caravan.wire.node.MigrationRequest request,
                                                  java.util.function.Consumer<dev.caravan.wire.node.MigrationProgress> progress)
            throws InterruptedException {
        if (request.toNode().equals(node.nodeId())) {
            throw ErrorCode.INVALID_ARGUMENT.exception("process " + request.name() + " is already on node " + node.nodeId());
        }
        if (request.cloning() && request.mode().resumesEarly()) {
            throw ErrorCode.NOT_SUPPORTED.exception("a clone must be consistent at one instant: use stop-and-copy or pre-copy");
        }
        HostedProcess hosted = node.hosted(request.name());
        NamingEntry dest = node.naming().lookup("node/" + request.toNode()).orElseThrow(() ->
                ErrorCode.NOT_FOUND.exception("no node " + request.toNode() + " is registered"));
        if (!migrating.add(request.name())) {
            throw ErrorCode.ALREADY_EXISTS.exception("process " + request.name() + " is already being moved");
        }
        try {
            String destControl = dest.host() + ":" + dest.port();
            dev.caravan.wire.net.FrameClient link = dev.caravan.wire.net.FrameClient.connect(
                    new InetSocketAddress(dest.host(), dest.port()),
                    new dev.caravan.wire.net.Hello("node/" + node.nodeId(), node.token()), java.time.Duration.ofSeconds(30));
            return new MigrationSource(node, this, hosted, request, node.clock(), progress).run(link, request.toNode(), dest.host());
        } finally {
            migrating.remove(request.name());
        }
    }

    /** What the destination answered to MIG_BEGIN. */
    record BeginReply(int dataPort, int streamPort, long nonce) {
    }

    BeginReply migrationBegin(dev.caravan.wire.net.FrameClient link, HostedProcess hosted, String targetName, long newEpoch,
                              dev.caravan.wire.node.MigrationRequest request, String destFault) {
        ProcessSpec s = hosted.spec();
        ProcessSpec spec = new ProcessSpec(targetName, s.sample(), s.bundleHash(), s.className(), s.memoryBytes(), s.config());
        ProcessId id = request.cloning() ? ProcessId.random() : hosted.runner().id();
        String front = request.cloning() ? "" : hosted.front();
        long[] chunks;
        try {
            chunks = hosted.runner().onProcessThread(hosted.memory()::allocatedChunkBitmap).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ErrorCode.UNAVAILABLE.exception("interrupted");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw ErrorCode.PROCESS_FAILED.exception("the process did not answer: " + e);
        }
        dev.caravan.wire.BodyReader r = link.call(dev.caravan.wire.Op.MIG_BEGIN, dev.caravan.wire.node.MigrationMessages.begin(
                spec, id.toString(), newEpoch, front, node.nodeId(), destFault,
                request.mode() != dev.caravan.wire.node.MigrationMode.PRE_COPY && request.mode() != dev.caravan.wire.node.MigrationMode.HYBRID,
                chunks), java.time.Duration.ofSeconds(120)).expectOk();
        return new BeginReply(r.i32(), r.i32(), r.i64());
    }

    void migrationCommit(dev.caravan.wire.net.FrameClient link, String name, int stateVersion, byte[] state, long[] missing) {
        link.call(dev.caravan.wire.Op.MIG_COMMIT, dev.caravan.wire.node.MigrationMessages.commit(name, stateVersion, state,
                missing, node.bindHost() + ":" + node.controlPort()), java.time.Duration.ofSeconds(60)).expectOk();
    }

    /**
     * After commit at the source: stop answering for the process (later commands get MOVED),
     * hand the commands that queued up during the switch-over to the destination and relay their
     * replies, and free the process's slot here.
     */
    HandOff handOff(HostedProcess hosted, String destNode, int destDataPort, long newEpoch) throws InterruptedException {
        String name = hosted.spec().name();
        String destHost = node.naming().lookup("node/" + destNode).map(NamingEntry::host).orElse(node.bindHost());
        InetSocketAddress destData = new InetSocketAddress(destHost, destDataPort);
        node.removeHosted(hosted);
        hosted.endpoint().movedTo(newEpoch, destHost + ":" + destDataPort);
        hosted.runner().epoch(newEpoch);
        List<ProcessRunner.PendingBatch> pending = hosted.runner().handOff();
        long forwarded = 0;
        if (!pending.isEmpty()) {
            try (RespConnection f = new RespConnection(destData)) {
                for (ProcessRunner.PendingBatch b : pending) {
                    b.completion().complete(f.forward(b.commands()));
                    forwarded += b.commands().length;
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "forwarding " + pending.size() + " queued batches of " + name
                        + " to " + destData + " failed: " + e);
                for (ProcessRunner.PendingBatch b : pending) {
                    Reply[] r = new Reply[b.commands().length];
                    java.util.Arrays.fill(r, Reply.error("MOVED " + newEpoch + " " + destHost + ":" + destDataPort));
                    b.completion().complete(r);
                }
            }
        }
        // Keep answering MOVED for a while so that connected clients learn the new place, then let go.
        node.scheduleLater(() -> hosted.endpoint().close(), 30_000);
        LOG.log(System.Logger.Level.INFO, "process " + name + " moved to " + destNode + " (epoch " + newEpoch + "); forwarded "
                + forwarded + " queued commands");
        return new HandOff(forwarded);
    }

    /**
     * Decides, after a failed commit, who owns the process: the source (resume), or the
     * destination (its registration went through and only the answer was lost). Asks naming,
     * retrying while naming cannot answer; the process stays frozen meanwhile, never runs twice.
     */
    String resolveAfterFailedCommit(HostedProcess hosted, long oldEpoch) throws InterruptedException {
        String name = hosted.spec().name();
        for (int attempt = 0; attempt < 600; attempt++) {
            try {
                Optional<NamingEntry> e = node.naming().lookup("process/" + name);
                if (e.isPresent() && e.get().epoch() > oldEpoch) {
                    LOG.log(System.Logger.Level.WARNING, "process " + name + " was committed at " + e.get().node()
                            + " although its answer was lost; handing off");
                    handOff(hosted, e.get().node(), e.get().port(), e.get().epoch());
                    hosted.memory().close();
                    return "committed";
                }
                if (e.isPresent() && e.get().node().equals(node.nodeId()) && e.get().epoch() == oldEpoch && node.ownsProcesses()) {
                    return "resumed-at-source";
                }
            } catch (CaravanException e) {
                LOG.log(System.Logger.Level.INFO, "cannot ask naming who owns " + name + " yet: " + e.getMessage());
            }
            Thread.sleep(100);
        }
        return "in-doubt";
    }

    /** Writes a consistent checkpoint of a hosted process to {@code path} (on this node's file system). */
    dev.caravan.wire.node.MigrationReport checkpoint(String name, java.nio.file.Path path,
                                                     java.util.function.Consumer<dev.caravan.wire.node.MigrationProgress> progress)
            throws IOException, InterruptedException {
        HostedProcess hosted = node.hosted(name);
        if (!migrating.add(name)) {
            throw ErrorCode.ALREADY_EXISTS.exception("process " + name + " is being moved or checkpointed already");
        }
        try {
            return new CheckpointTaker(node.nodeId(), node.clock()).take(hosted, path, progress);
        } finally {
            migrating.remove(name);
        }
    }

    void servePageFaults(String name, PostCopyPusher pusher) {
        pageFaultServers.put(name, pusher);
    }

    void stopServingPageFaults(String name) {
        pageFaultServers.remove(name);
    }

    /** MIG_FETCH at the source: one page of a post-copy process that left. */
    byte[] fetchPage(String name, long page) {
        PostCopyPusher p = pageFaultServers.get(name);
        if (p == null) {
            throw ErrorCode.NOT_FOUND.exception("no post-copy of " + name + " is being served here");
        }
        return p.fetch(page);
    }
}
