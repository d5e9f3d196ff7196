package dev.caravan.node;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.process.ProcessRunner;
import dev.caravan.core.time.Clock;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationProgress;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The source side of one migration or clone (the protocol is drawn in
 * {@link dev.caravan.wire.node.MigrationProtocol}). Runs on the thread of the control request
 * that asked for it; reads pages concurrently with the process thread and reaches process
 * state only through {@link ProcessRunner#onProcessThread}.
 *
 * <p>Pre-copy stops iterating when what is left fits the downtime budget at the measured
 * bandwidth, when the rounds stop shrinking, after {@code maxRounds}, or when three times the
 * state has been sent (as Xen does); when dirtying outruns sending it throttles the process
 * (auto-converge: 20%, then +10% per round, as QEMU does).
 */
final class MigrationSource {
    private static final System.Logger LOG = System.getLogger(MigrationSource.class.getName());

    private final NodeDaemon node;
    private final OutgoingMigrations out;
    private final HostedProcess hosted;
    private final MigrationRequest request;
    private final Faults faults;
    private final Clock clock;
    private final Consumer<MigrationProgress> progress;
    private final long startNs;
    private int rounds;
    private long freezeAtMs = -1;
    private String switchOver = "";
    private PageStreamSender pages;
    private int maxThrottlePercent;
    /** Pages the process holds: read at the start and again each round, since it may grow while it moves. */
    private volatile long statePages;
    private long lastDirty;
    private double dirtyPagesPerSec;

    MigrationSource(NodeDaemon node, OutgoingMigrations out, HostedProcess hosted, MigrationRequest request, Clock clock,
                    Consumer<MigrationProgress> progress) {
        this.node = node;
        this.out = out;
        this.hosted = hosted;
        this.request = request;
        this.faults = Faults.parse(request.fault());
        this.clock = clock;
        this.progress = progress;
        this.startNs = clock.nanoTime();
    }

    /** Runs the migration to its end; the report says whether it committed or the source kept the process. */
    MigrationReport run(FrameClient link, String destNode, String destHost) throws InterruptedException {
        MigrationMode mode = request.mode();
        ProcessRunner runner = hosted.runner();
        PagedMemory memory = hosted.memory();
        long oldEpoch = runner.epoch();
        long newEpoch = request.cloning() ? 1 : oldEpoch + 1;
        String targetName = request.cloning() ? request.newName() : hosted.spec().name();
        statePages = memory.allocatedPages();
        long suspendNs = 0;
        boolean suspended = false;
        int destDataPort;
        PostCopyPusher pusher = null;
        java.util.List<dev.caravan.node.resources.ResourceTransfer> transfers = java.util.List.of();
        try {
            OutgoingMigrations.BeginReply begun = out.migrationBegin(link, hosted, targetName, newEpoch, request,
                    faults.role().equals("dest") ? faults.spec() : "");
            destDataPort = begun.dataPort();
            try {
                pages = new PageStreamSender(new java.net.InetSocketAddress(destHost, begun.streamPort()), begun.nonce(),
                        memory, clock);
            } catch (java.io.IOException e) {
                throw ErrorCode.UNAVAILABLE.exception("cannot open the page stream to " + destNode + ": " + e.getMessage());
            }
            cut("begin", link);
            long[] unsent = new long[0];
            if (mode == MigrationMode.PRE_COPY || mode == MigrationMode.HYBRID) {
                // One step on the process thread: every page that exists now is sent in round 1,
                // every page written from now on is dirty. Taken apart, a chunk allocated in between
                // would be in neither.
                long[] toSend = runner.onProcessThread(() -> {
                    memory.clearDirty();
                    return memory.allocatedPageBitmap();
                }).get(30, TimeUnit.SECONDS);
                int maxRounds = mode == MigrationMode.HYBRID ? request.hybridRounds() : request.maxRounds();
                long previousDirty = Long.MAX_VALUE;
                int notShrinking = 0;
                while (true) {
                    long roundStart = clock.nanoTime();
                    long[] sendNow = toSend;
                    pages.send(sendNow, p -> false, n -> report("pre-copy", n));
                    rounds++;
                    cut(rounds == 1 ? "pages" : "round-" + rounds, link);
                    long[] dirty = runner.onProcessThread(memory::takeDirtyPages).get(30, TimeUnit.SECONDS);
                    statePages = memory.allocatedPages();
                    lastDirty = PageBits.count(dirty);
                    double roundSecs = Math.max(1e-6, (clock.nanoTime() - roundStart) / 1e9);
                    dirtyPagesPerSec = lastDirty / roundSecs;
                    toSend = dirty;
                    report("pre-copy", 0);
                    double budgetBytes = pages.bandwidthBytesPerSec() * request.maxDowntimeMs() / 1000.0;
                    if (rounds >= maxRounds || lastDirty * (double) memory.pageSizeBytes() <= budgetBytes
                            || pages.bytesSent() > 3L * Math.max(1, statePages) * memory.pageSizeBytes()) {
                        break;
                    }
                    if (lastDirty >= previousDirty * 0.9) {
                        notShrinking++;
                        runner.throttlePercent(runner.throttlePercent() == 0 ? 20 : runner.throttlePercent() + 10);
                        maxThrottlePercent = Math.max(maxThrottlePercent, runner.throttlePercent());
                        if (notShrinking >= 8 && runner.throttlePercent() >= 99) {
                            break;
                        }
                    }
                    previousDirty = lastDirty;
                }
                // The last round's dirty pages were taken but not sent: they go with the final copy.
                unsent = toSend;
            }
            // Stop: freeze at a request boundary; commands queue up in the mailbox meanwhile.
            suspendNs = clock.nanoTime();
            freezeAtMs = TimeUnit.NANOSECONDS.toMillis(suspendNs - startNs);
            runner.suspend().get(30, TimeUnit.SECONDS);
            suspended = true;
            long frozenNs = clock.nanoTime();
            runner.throttlePercent(0);
            statePages = memory.allocatedPages();
            long[] rest = runner.onProcessThread(() -> switch (mode) {
                case STOP_AND_COPY, POST_COPY -> memory.allocatedPageBitmap();
                case PRE_COPY, HYBRID -> memory.takeDirtyPages();
            }).get(30, TimeUnit.SECONDS);
            for (int w = 0; w < Math.min(rest.length, unsent.length); w++) {
                rest[w] |= unsent[w];
            }
            long[] missing = new long[0];
            if (mode.resumesEarly()) {
                missing = rest;
            } else {
                pages.send(rest, p -> false, n -> report("stop-and-copy", n));
            }
            long pagesDoneNs = clock.nanoTime();
            java.util.List<dev.caravan.core.process.ResourceBinding> declared =
                    runner.onProcessThread(() -> runner.process().resources()).get(30, TimeUnit.SECONDS);
            transfers = node.resources().prepare(hosted.spec().name(), declared, runner.resourceUris(), request.cloning());
            // Not awaited here: the destination handles its frames in order and refuses the commit
            // if installing the resources failed, so the switch-over saves a round trip.
            java.util.concurrent.CompletableFuture<dev.caravan.wire.Frame> resourcesInstalled = link.callAsync(
                    dev.caravan.wire.Op.MIG_RESOURCES,
                    dev.caravan.node.resources.ResourceProtocol.resourcesBody(targetName, transfers));
            if (faults.hit("source", "before-commit") || cut("before-commit", link)) {
                throw ErrorCode.UNAVAILABLE.exception("migration link cut before commit (fault injection)");
            }
            long resourcesDoneNs = clock.nanoTime();
            byte[] state = runner.onProcessThread(() -> {
                BodyWriter w = new BodyWriter();
                runner.process().writeState(w);
                return w.toBytes();
            }).get(30, TimeUnit.SECONDS);
            report("commit", 0);
            if (mode.resumesEarly()) {
                pusher = new PostCopyPusher(link, targetName, memory, clock, faults, missing);
                out.servePageFaults(targetName, pusher);
            }
            long stateDoneNs = clock.nanoTime();
            out.migrationCommit(link, targetName, runner.process().stateVersion(), state, missing);
            resourcesInstalled.get(30, TimeUnit.SECONDS).expectOk();
            long committedNs = clock.nanoTime();
            switchOver = String.format(java.util.Locale.ROOT,
                    "switch-over ms: freeze %.1f, last pages %.1f, resources %.1f, state %.1f, commit %.1f",
                    (frozenNs - suspendNs) / 1e6, (pagesDoneNs - frozenNs) / 1e6, (resourcesDoneNs - pagesDoneNs) / 1e6,
                    (stateDoneNs - resourcesDoneNs) / 1e6, (committedNs - stateDoneNs) / 1e6);
        } catch (CaravanException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            out.stopServingPageFaults(targetName);
            return failedBeforeCommit(link, targetName, oldEpoch, suspended, e);
        }
        long downtimeMicros = TimeUnit.NANOSECONDS.toMicros(clock.nanoTime() - suspendNs);
        faults.hit("source", "after-commit");
        pages.close();
        try {
            node.resources().finishAtSource(transfers);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "releasing moved resources of " + targetName + " at the source: " + e);
        }
        if (request.cloning()) {
            runner.resume();
            link.close();
            return report("cloned", destNode, newEpoch, downtimeMicros, 0, 0, 0, "clone " + targetName
                    + " runs on " + destNode + "; " + switchOver);
        }
        OutgoingMigrations.HandOff handOff = out.handOff(hosted, destNode, destDataPort, newEpoch);
        long pushed = 0;
        long fetched = 0;
        long extraBytes = 0;
        String detail = "";
        if (pusher != null) {
            try {
                pusher.pushAll(n -> report("post-copy push", n));
            } finally {
                out.stopServingPageFaults(targetName);
            }
            pushed = pusher.pushed();
            fetched = pusher.fetched();
            extraBytes = pusher.bytesAfterResume();
            detail = pusher.failure() == null ? "" : "background push failed: " + pusher.failure() + "; ";
        }
        detail += switchOver;
        link.close();
        memory.close();
        MigrationReport r = report("committed", destNode, newEpoch, downtimeMicros, fetched, pushed,
                handOff.forwarded(), detail);
        return withExtraBytes(r, extraBytes);
    }

    private MigrationReport failedBeforeCommit(FrameClient link, String targetName, long oldEpoch, boolean suspended,
                                               Exception cause) throws InterruptedException {
        LOG.log(System.Logger.Level.WARNING, "migration of " + hosted.spec().name() + " failed: " + cause);
        try {
            link.callAsync(Op.MIG_ABORT, new BodyWriter().string(targetName).toBytes());
        } catch (RuntimeException ignored) {
            // The destination may be gone; it discards an unfinished process on its own.
        }
        link.close();
        if (pages != null) {
            pages.close();
        }
        hosted.runner().throttlePercent(0);
        String outcome = suspended && !request.cloning() ? out.resolveAfterFailedCommit(hosted, oldEpoch) : "resumed-at-source";
        if (outcome.equals("resumed-at-source")) {
            hosted.runner().resume();
        }
        return report(outcome, request.toNode(), outcome.equals("resumed-at-source") ? oldEpoch : oldEpoch + 1,
                0, 0, 0, 0, String.valueOf(cause.getMessage()));
    }

    private static MigrationReport withExtraBytes(MigrationReport r, long extra) {
        return new MigrationReport(r.name(), r.fromNode(), r.toNode(), r.mode(), r.outcome(), r.epoch(), r.totalMs(),
                r.downtimeMicros(), r.stateBytes(), r.bytesSent() + extra, r.rounds(), r.pagesFetchedOnDemand(),
                r.pagesPushedAfterResume(), r.forwardedCommands(), r.throttlePercent(), r.freezeAtMs(), r.detail());
    }

    private boolean cut(String phase, FrameClient link) {
        if (faults.hit("source", phase) && faults.action().equals("cut")) {
            link.close();
            if (pages != null) {
                pages.close();
            }
            return true;
        }
        return false;
    }

    private void report(String phase, long sentThisRound) {
        PageStreamSender s = pages;
        long sent = s == null ? 0 : s.pagesSent();
        long bytes = s == null ? 0 : s.bytesSent();
        long bandwidth = s == null ? 0 : (long) s.bandwidthBytesPerSec();
        long remaining = phase.equals("pre-copy") ? lastDirty : Math.max(0, statePages - sentThisRound);
        progress.accept(new MigrationProgress(phase, rounds, sent, statePages, bytes, lastDirty,
                (long) dirtyPagesPerSec, bandwidth, remaining,
                TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - startNs), hosted.runner().throttlePercent()));
    }

    private MigrationReport report(String outcome, String to, long epoch, long downtimeMicros,
                                   long fetched, long pushed, long forwarded, String detail) {
        return new MigrationReport(request.cloning() ? request.newName() : hosted.spec().name(), node.nodeId(), to,
                request.mode().label(), outcome, epoch, TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - startNs),
                downtimeMicros, statePages * hosted.memory().pageSizeBytes(), pages == null ? 0 : pages.bytesSent(), rounds,
                fetched, pushed,
                forwarded, maxThrottlePercent, freezeAtMs, detail);
    }
}
