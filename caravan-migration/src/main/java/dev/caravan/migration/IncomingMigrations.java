package dev.caravan.migration;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.process.ProcessId;
import dev.caravan.migration.resources.ResourceTransfer;
import dev.caravan.wire.node.ResourceProtocol;
import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.net.FrameConnection;
import dev.caravan.wire.node.MigrationMessages;
import dev.caravan.wire.node.MigrationPhase;
import dev.caravan.wire.node.MigrationProtocol;
import dev.caravan.wire.node.MigrationReport;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The destination side of migrations: {@link Arrival}s (memory filling, runner not started)
 * until their commit, and post-copy processes that run while their last pages arrive.
 * Control connection threads call it; each arrival is touched by its source's connection and
 * by the idle check only, and by nothing else until its runner starts.
 */
final class IncomingMigrations {
    private static final System.Logger LOG = System.getLogger(IncomingMigrations.class.getName());

    /** The source node a checkpoint restore names in MIG_BEGIN (the file plays the source). */
    static final String CHECKPOINT_SOURCE = "checkpoint";

    private final MigrationEngine engine;
    private final MigrationHost host;
    private final Map<String, Arrival> arrivals = new ConcurrentHashMap<>();
    private final Map<String, PagedMemory> postCopyTargets = new ConcurrentHashMap<>();
    private final Map<String, SourcePageFetcher> fetchers = new ConcurrentHashMap<>();
    /** The control connection each post-copy's pages are pushed on, until MIG_PUSH_DONE. */
    private final Map<String, Long> pushLinks = new ConcurrentHashMap<>();
    /** Names whose commit is under way: off {@link #arrivals}, not yet hosted, still taken. */
    private final java.util.Set<String> committing = ConcurrentHashMap.newKeySet();

    IncomingMigrations(MigrationEngine engine) {
        this.engine = engine;
        this.host = engine.host();
    }

    /** True while {@code name} is arriving here: begun and not yet committed or dropped. */
    boolean isArriving(String name) {
        return arrivals.containsKey(name) || committing.contains(name);
    }

    /** MIG_BEGIN: prepares memory, runner, data endpoint and page stream; answers {@link MigrationMessages.BeginReply}. */
    void begin(FrameConnection connection, BodyReader in, BodyWriter out) throws Exception {
        MigrationMessages.Begin b = MigrationMessages.Begin.decode(in);
        Faults faults = Faults.parse(b.destFault(), engine.settings().faultPauseMs());
        String name = b.spec().name();
        if (faults.hit(Faults.Role.DEST, MigrationPhase.BEGIN, host)) {
            connection.close();
            throw ErrorCode.UNAVAILABLE.exception("migration link cut at begin (fault injection)");
        }
        // In this order: a commit marks its name committing before it leaves the arrivals.
        if (arrivals.containsKey(name) || committing.contains(name) || host.hosts(name)) {
            throw ErrorCode.ALREADY_EXISTS.exception("process " + name + " is already on node " + host.nodeId());
        }
        host.ownerOf(name).ifPresent(o -> {
            if (o.epoch() >= b.epoch()) {
                throw ErrorCode.ALREADY_EXISTS.exception("process " + name + " is registered on node " + o.node()
                        + " at epoch " + o.epoch() + "; an arrival at epoch " + b.epoch() + " could not own it");
            }
        });
        long startNs = host.clock().nanoTime();
        MovableProcess process = host.admit(b.spec(), ProcessId.parse(b.processId()), b.epoch(), b.front());
        PageStreamReceiver stream;
        try {
            // Before a page moves: state this code cannot read is refused while the source still owns the process.
            if (b.stateVersion().isPresent()) {
                StateVersionGate.check(process.runner().process(), b.spec(), b.stateVersion().getAsInt(), host.nodeId(),
                        CHECKPOINT_SOURCE.equals(b.sourceNode()));
            }
            long needBytes = PageBits.count(b.chunks()) * (long) PagedMemory.PAGES_PER_CHUNK * process.memory().pageSizeBytes();
            boolean warm = host.warmBytes() >= needBytes;
            switch (b.allocation()) {
                case BEFORE_REPLY -> process.memory().preallocate(b.chunks());
                // With enough warm memory the first round's whole chunks go straight into pooled chunks, unzeroed.
                case ALONGSIDE_FIRST_ROUND -> {
                    if (!warm) {
                        preallocateAlongside(process, b.chunks());
                    }
                }
                case ON_ARRIVAL -> {
                    // Post-copy: chunks are allocated as their pages arrive or fault in.
                }
            }
            stream = new PageStreamReceiver(host.bindHost(), process.memory(), name, this::heardFrom,
                    host.transportSecurity());
        } catch (java.io.IOException | RuntimeException e) {
            host.discard(process);
            throw e;
        }
        // Post-copy faults go to the source's control port: connect now, off the switch-over's critical path.
        SourcePageFetcher early = sourceControl(b.sourceNode())
                .map(a -> new SourcePageFetcher(host, engine.settings(), name, a.getHostString() + ":" + a.getPort(), process))
                .orElse(null);
        if (early != null) {
            early.warmUp();
        }
        Arrival a = new Arrival(process, b.epoch(), b.front().isEmpty(), b.sourceNode(), faults, connection, stream, early,
                startNs);
        if (arrivals.putIfAbsent(name, a) != null) {
            // Another source's arrival of this name began meanwhile: exactly one of them may arrive.
            stream.closeAndAwait();
            if (early != null) {
                early.close();
            }
            host.discard(process);
            throw ErrorCode.ALREADY_EXISTS.exception("process " + name + " is already arriving on node " + host.nodeId());
        }
        scheduleIdleCheck(a);
        engine.tell(() -> engine.listener().onArrivalBegun(name, b.sourceNode(), b.epoch()));
        new MigrationMessages.BeginReply(process.dataPort(), stream.port(), stream.nonce(), process.tlsDataPort()).writeTo(out);
    }

    /** The source's control endpoint, if naming knows it now (a restoring client has none). */
    private java.util.Optional<java.net.InetSocketAddress> sourceControl(String sourceNode) {
        try {
            return host.nodeAddress(sourceNode);
        } catch (dev.caravan.wire.CaravanException e) {
            return java.util.Optional.empty();
        }
    }

    /** Faults fresh memory in alongside the first round, which it overlaps (the receiver takes what it has not reached). */
    private static void preallocateAlongside(MovableProcess process, long[] chunks) {
        // A platform thread: faulting memory in is long kernel work that would pin a virtual thread's carrier.
        Thread.ofPlatform().daemon(true).name("preallocate-" + process.name()).start(() -> {
            try {
                process.memory().preallocate(chunks);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "preallocating " + process.name() + " stopped: " + e);
            }
        });
    }

    private void heardFrom(String name) {
        Arrival a = arrivals.get(name);
        if (a != null) {
            a.lastHeardNs = host.clock().nanoTime();
        }
    }

    /** Discards an arrival whose source has said nothing for the idle deadline (a frozen or vanished source). */
    private void scheduleIdleCheck(Arrival a) {
        long idleMs = engine.settings().arrivalIdleTimeoutMs();
        host.schedule(() -> {
            if (arrivals.get(a.name()) != a || a.state != Arrival.State.RECEIVING) {
                return;
            }
            long quietMs = TimeUnit.NANOSECONDS.toMillis(host.clock().nanoTime() - a.lastHeardNs);
            if (quietMs >= idleMs) {
                LOG.log(System.Logger.Level.WARNING, "migration of " + a.name() + " from " + a.sourceNode + ": no word for "
                        + quietMs + " ms; discarding what arrived");
                // Off the node's scheduler: aborting waits for the page-stream reader to stop.
                Thread.ofVirtual().name("abort-" + a.name()).start(() -> {
                    abort(a.name(), "no word from its source for " + quietMs + " ms");
                    a.connection.close();
                });
            } else {
                scheduleIdleCheck(a);
            }
        }, Math.max(10, idleMs / 4));
    }

    /** MIG_PAGES: installs pages into an arriving process, or delivers pushed pages to a running one. */
    void pages(BodyReader in) {
        String name = in.string();
        int n = in.count(MigrationProtocol.PAGES_PER_FRAME, "page");
        Arrival a = arrivals.get(name);
        PagedMemory running = a == null ? postCopyTargets.get(name) : null;
        if (a == null && running == null) {
            throw ErrorCode.NOT_FOUND.exception("no migration of " + name + " is arriving here");
        }
        if (a != null) {
            a.lastHeardNs = host.clock().nanoTime();
        }
        PagedMemory memory = a != null ? a.process.memory() : running;
        int[] length = new int[1];
        for (int i = 0; i < n; i++) {
            long page = in.i64();
            int at = in.bytesInPlace(length);
            if (length[0] != memory.pageSizeBytes() || page < 0 || page >= memory.pageCapacity()) {
                throw ErrorCode.MALFORMED.exception("page " + page + " of " + length[0] + " bytes does not fit");
            }
            if (a != null) {
                memory.installPage(page, in.array(), at);
            } else {
                memory.deliverPage(page, in.array(), at);
            }
        }
        in.expectEnd();
    }

    /** MIG_RESOURCES: installs what the arriving process's resources need here; returns their new URIs. */
    Map<String, String> resources(BodyReader in) {
        ResourceProtocol.Resources r = ResourceProtocol.readResources(in);
        java.util.List<ResourceTransfer> transfers = ResourceTransfer.fromWire(r.transfers());
        Arrival a = arrivals.get(r.process());
        if (a == null) {
            throw ErrorCode.NOT_FOUND.exception("no migration of " + r.process() + " is arriving here");
        }
        a.lastHeardNs = host.clock().nanoTime();
        Map<String, String> uris = engine.resources().install(r.process(), transfers);
        a.transfers = transfers;
        a.uris = uris;
        a.resourcesInstalled = true;
        return uris;
    }

    /** MIG_COMMIT: restores object state and recent replies, registers with the new epoch (the commit point) and starts. */
    void commit(BodyReader in, BodyWriter out) throws Exception {
        MigrationMessages.Commit c = MigrationMessages.Commit.decode(in);
        Arrival pending = arrivals.get(c.name());
        if (pending != null && pending.faults.hit(Faults.Role.DEST, MigrationPhase.SWITCH_OVER, host)) {
            abort(c.name(), "link cut before commit (fault injection)");
            pending.connection.close();
            throw ErrorCode.UNAVAILABLE.exception("migration link cut before commit (fault injection)");
        }
        if (!committing.add(c.name())) {
            throw ErrorCode.ALREADY_EXISTS.exception("process " + c.name() + " is already committing on node " + host.nodeId());
        }
        try {
            commitArrival(c, out);
        } finally {
            committing.remove(c.name());
        }
    }

    private void commitArrival(MigrationMessages.Commit c, BodyWriter out) throws Exception {
        Arrival a = arrivals.remove(c.name());
        if (a == null) {
            throw ErrorCode.NOT_FOUND.exception("no migration of " + c.name() + " is arriving here");
        }
        a.stream.close();
        MovableProcess process = a.process;
        long hookNs;
        long registerNs;
        try {
            if (!a.resourcesInstalled) {
                throw ErrorCode.INVALID_ARGUMENT.exception("commit of " + c.name() + " before its resources were installed");
            }
            // Again at the commit, which is still before the commit point: a begin may not have said (a restore, an older source).
            StateVersionGate.check(process.runner().process(), process.spec(), c.stateVersion(), host.nodeId(),
                    CHECKPOINT_SOURCE.equals(a.sourceNode));
            long hookStartNs = host.clock().nanoTime();
            process.runner().process().readState(c.stateVersion(), new BodyReader(c.state()));
            hookNs = host.clock().nanoTime() - hookStartNs;
            process.recentReplies().restore(c.recentReplies());
            if (PageBits.count(c.missing()) > 0) {
                SourcePageFetcher fetcher = a.earlyFetcher != null ? a.earlyFetcher
                        : new SourcePageFetcher(host, engine.settings(), c.name(), c.sourceControl(), process);
                fetchers.put(c.name(), fetcher);
                pushLinks.put(c.name(), a.connection.id());
                postCopyTargets.put(c.name(), process.memory());
                engine.pullingStarted(c.name());
                process.memory().expectPages(c.missing(), fetcher::fetch);
            } else if (a.earlyFetcher != null) {
                a.earlyFetcher.close();
            }
            Map<String, String> uris = a.uris;
            if (uris.isEmpty()) {
                // Nothing travelled (a restore from a checkpoint): bind what the code declares.
                uris = new HashMap<>();
                for (dev.caravan.core.process.ResourceBinding rb : process.runner().process().resources()) {
                    uris.put(rb.name(), rb.uri());
                }
            }
            host.bindResources(process, uris);
            long registerStartNs = host.clock().nanoTime();
            host.commitArrival(process);
            registerNs = host.clock().nanoTime() - registerStartNs;
            a.state = postCopyTargets.containsKey(c.name()) ? Arrival.State.PULLING : Arrival.State.DONE;
        } catch (Exception | Error e) {
            a.state = Arrival.State.ABORTED;
            a.stream.closeAndAwait();
            engine.resources().discardInstalled(c.name(), a.transfers);
            postCopyTargets.remove(c.name());
            engine.pullingDone(c.name());
            SourcePageFetcher f = fetchers.remove(c.name());
            if (f != null) {
                f.close();
            }
            host.discard(process);
            engine.tell(() -> engine.listener().onArrivalAborted(c.name(), a.sourceNode, "its commit failed here: " + e.getMessage()));
            throw e;
        }
        engine.tell(() -> engine.listener().onArrivalCommitted(c.name(), a.sourceNode, a.epoch));
        if (a.faults.hit(Faults.Role.DEST, MigrationPhase.COMMITTED, host)) {
            a.connection.close();
        }
        dev.caravan.core.memory.AllocationStats alloc = process.memory().allocationStats();
        new MigrationReport.DestinationCosts(TimeUnit.NANOSECONDS.toMillis(alloc.allocationNanos()), alloc.freshBytes(),
                TimeUnit.NANOSECONDS.toMicros(hookNs), TimeUnit.NANOSECONDS.toMicros(registerNs)).writeTo(out);
        LOG.log(System.Logger.Level.INFO, "process " + c.name() + " arrived from " + a.sourceNode + " with epoch " + a.epoch);
    }

    /** MIG_PUSH_DONE: the source has pushed every page; answers the fault statistics. */
    void pushDone(BodyReader in, BodyWriter out) {
        String name = MigrationMessages.readNameOnly(in);
        pushLinks.remove(name);
        PagedMemory m = postCopyTargets.remove(name);
        SourcePageFetcher f = fetchers.remove(name);
        MigrationReport.FaultStats stats = MigrationReport.FaultStats.NONE;
        if (f != null) {
            stats = f.stats();
            f.close();
        }
        engine.pullingDone(name);
        if (m != null && m.missingPageCount() > 0) {
            throw ErrorCode.INTERNAL.exception(m.missingPageCount() + " pages of " + name + " still missing after the push");
        }
        stats.writeTo(out);
    }

    /** MIG_ABORT, the source's connection closed, or the idle deadline: drops what arrived. */
    void abort(String name) {
        abort(name, "its source aborted it");
    }

    private void abort(String name, String why) {
        Arrival a = arrivals.remove(name);
        if (a != null) {
            a.state = Arrival.State.ABORTED;
            a.stream.closeAndAwait();
            if (a.earlyFetcher != null) {
                a.earlyFetcher.close();
            }
            engine.resources().discardInstalled(name, a.transfers);
            host.discard(a.process);
            LOG.log(System.Logger.Level.INFO, "migration of " + name + " aborted; discarded what had arrived");
            engine.tell(() -> engine.listener().onArrivalAborted(name, a.sourceNode, why));
        }
    }

    void onConnectionClosed(long connectionId) {
        for (Arrival a : arrivals.values()) {
            if (a.connection.id() == connectionId) {
                abort(a.name(), "its source's connection closed");
            }
        }
        pushLinks.forEach((name, id) -> {
            if (id == connectionId && pushLinks.remove(name, id)) {
                Thread.ofVirtual().name("post-copy-probe-" + name).start(() -> probeSource(name));
            }
        });
    }

    /**
     * The link that pushed a post-copy's pages closed before the push was done: fetch one missing
     * page now. If the source is gone the fetch fails and the process is marked FAILED and withdrawn
     * at once (as the ownership table says), rather than when a client happens to touch a missing
     * page; if the source is alive (it may push again on a new link) the page simply arrives.
     */
    private void probeSource(String name) {
        PagedMemory memory = postCopyTargets.get(name);
        SourcePageFetcher fetcher = fetchers.get(name);
        if (memory == null || fetcher == null) {
            return;
        }
        for (long p = 0; p < memory.pageCapacity() && memory.missingPageCount() > 0; p++) {
            if (memory.isMissing(p)) {
                try {
                    memory.deliverPage(p, fetcher.fetch(p));
                } catch (dev.caravan.wire.CaravanException e) {
                    LOG.log(System.Logger.Level.WARNING, "post-copy of " + name + ": its source is gone with "
                            + memory.missingPageCount() + " pages missing; the process is marked failed");
                }
                return;
            }
        }
    }

    /** Drops every arrival (node closing). */
    void closeAll() {
        for (String name : arrivals.keySet()) {
            abort(name, "this node is closing");
        }
        fetchers.values().forEach(SourcePageFetcher::close);
        fetchers.clear();
    }
}
