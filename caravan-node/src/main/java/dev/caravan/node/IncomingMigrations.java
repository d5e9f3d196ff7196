package dev.caravan.node;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.process.CaravanProcess;
import dev.caravan.core.process.ProcessId;
import dev.caravan.core.process.ProcessRunner;
import dev.caravan.wire.BodyReader;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.MigrationProtocol;
import dev.caravan.wire.node.ProcessSpec;

import dev.caravan.node.resources.ResourceProtocol;
import dev.caravan.node.resources.ResourceTransfer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The destination side of migrations: processes that are arriving (memory filling, runner not
 * started) until their commit, and page deliveries for post-copy processes that already run.
 * Control connection threads call it; each arriving process is touched by the connection of
 * its source only, and by nothing else until its runner starts.
 */
final class IncomingMigrations {
    private static final System.Logger LOG = System.getLogger(IncomingMigrations.class.getName());

    /** A process being received. */
    record Arrival(ProcessSpec spec, ProcessId id, long epoch, boolean ownFront, String sourceNode, Faults faults,
                   long connectionId, HostedProcess hosted, ResourcesHolder resources, PageStreamReceiver stream,
                   SourcePageFetcher earlyFetcher) {
    }

    /** The resources installed for an arriving process, until its commit or abort. */
    static final class ResourcesHolder {
        volatile List<ResourceTransfer> transfers = List.of();
        volatile Map<String, String> uris = Map.of();
        volatile boolean installed;
    }

    private final NodeDaemon node;
    private final Map<String, Arrival> arrivals = new ConcurrentHashMap<>();
    private final Map<String, PagedMemory> postCopyTargets = new ConcurrentHashMap<>();
    private final Map<String, SourcePageFetcher> fetchers = new ConcurrentHashMap<>();

    IncomingMigrations(NodeDaemon node) {
        this.node = node;
    }

    /** MIG_BEGIN: prepares memory, runner, data endpoint and page stream; writes {@code i32 dataPort, i32 streamPort, i64 nonce}. */
    void begin(long connectionId, BodyReader in, dev.caravan.wire.BodyWriter out) throws Exception {
        ProcessSpec spec = ProcessSpec.readFrom(in);
        ProcessId id = ProcessId.parse(in.string());
        long epoch = in.i64();
        String offeredFront = in.string();
        String sourceNode = in.string();
        Faults faults = Faults.parse(in.string());
        boolean allocateBeforeReply = in.bool();
        int chunkWords = in.count(1 << 20, "chunk word");
        long[] chunks = new long[chunkWords];
        for (int i = 0; i < chunkWords; i++) {
            chunks[i] = in.i64();
        }
        in.expectEnd();
        faults.hit("dest", "begin");
        if (arrivals.containsKey(spec.name()) || node.hostsProcess(spec.name())) {
            throw ErrorCode.ALREADY_EXISTS.exception("process " + spec.name() + " is already on node " + node.nodeId());
        }
        CaravanProcess code = node.createProcessCode(spec);
        // A clone or a restore arrives without a stable endpoint: it gets one here, its new home.
        String front = offeredFront.isEmpty() ? node.openFront(spec.name()) : offeredFront;
        HostedProcess hosted;
        try {
            hosted = node.prepareHosted(spec, id, epoch, code, front);
        } catch (RuntimeException e) {
            if (offeredFront.isEmpty()) {
                node.closeFront(spec.name());
            }
            throw e;
        }
        PageStreamReceiver stream;
        try {
            if (allocateBeforeReply) {
                hosted.memory().preallocate(chunks);
            } else {
                // Overlaps the first round; the page receiver allocates whatever this has not reached yet.
                Thread.ofVirtual().name("preallocate-" + spec.name()).start(() -> {
                    try {
                        hosted.memory().preallocate(chunks);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.DEBUG, "preallocating " + spec.name() + " stopped: " + e);
                    }
                });
            }
            stream = new PageStreamReceiver(node.bindHost(), hosted.memory(), spec.name());
        } catch (java.io.IOException | RuntimeException e) {
            discard(hosted);
            if (offeredFront.isEmpty()) {
                node.closeFront(spec.name());
            }
            throw e;
        }
        // Post-copy faults go to the source's control port: connect now, off the switch-over's critical path.
        SourcePageFetcher early = node.controlAddressOf(sourceNode)
                .map(control -> new SourcePageFetcher(node, spec.name(), control, hosted)).orElse(null);
        if (early != null) {
            early.warmUp();
        }
        arrivals.put(spec.name(), new Arrival(spec, id, epoch, offeredFront.isEmpty(), sourceNode, faults, connectionId, hosted,
                new ResourcesHolder(), stream, early));
        out.i32(hosted.dataPort()).i32(stream.port()).i64(stream.nonce());
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
        PagedMemory memory = a != null ? a.hosted().memory() : running;
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
        in.expectEnd();
        Arrival a = arrivals.get(r.process());
        if (a == null) {
            throw ErrorCode.NOT_FOUND.exception("no migration of " + r.process() + " is arriving here");
        }
        Map<String, String> uris = node.resources().install(r.process(), r.transfers());
        a.resources().transfers = r.transfers();
        a.resources().uris = uris;
        a.resources().installed = true;
        return uris;
    }

    /** MIG_COMMIT: restores object state, registers with the new epoch (the commit point) and starts. */
    void commit(BodyReader in) throws Exception {
        String name = in.string();
        int stateVersion = in.i32();
        byte[] state = in.bytes();
        int words = in.count(1 << 26, "missing-page word");
        long[] missing = new long[words];
        for (int i = 0; i < words; i++) {
            missing[i] = in.i64();
        }
        String sourceControl = in.string();
        in.expectEnd();
        Arrival a = arrivals.remove(name);
        if (a == null) {
            throw ErrorCode.NOT_FOUND.exception("no migration of " + name + " is arriving here");
        }
        a.faults().hit("dest", "before-commit");
        a.stream().close();
        HostedProcess hosted = a.hosted();
        try {
            if (!a.resources().installed) {
                throw ErrorCode.INVALID_ARGUMENT.exception("commit of " + name + " before its resources were installed");
            }
            hosted.runner().process().readState(stateVersion, new BodyReader(state));
            if (PageBits.count(missing) > 0) {
                SourcePageFetcher fetcher = a.earlyFetcher() != null ? a.earlyFetcher()
                        : new SourcePageFetcher(node, name, sourceControl, hosted);
                fetchers.put(name, fetcher);
                postCopyTargets.put(name, hosted.memory());
                hosted.memory().expectPages(missing, fetcher::fetch);
            } else if (a.earlyFetcher() != null) {
                a.earlyFetcher().close();
            }
            Map<String, String> uris = a.resources().uris;
            if (uris.isEmpty()) {
                // Nothing travelled (a restore from a checkpoint): bind what the code declares.
                uris = new java.util.HashMap<>();
                for (dev.caravan.core.process.ResourceBinding b : hosted.runner().process().resources()) {
                    uris.put(b.name(), b.uri());
                }
            }
            node.bindResources(hosted, uris);
            node.commitArrival(hosted);
        } catch (Exception | Error e) {
            node.resources().discardInstalled(name, a.resources().transfers);
            postCopyTargets.remove(name);
            SourcePageFetcher f = fetchers.remove(name);
            if (f != null) {
                f.close();
            }
            discard(hosted);
            if (a.ownFront()) {
                node.closeFront(name);
            }
            throw e;
        }
        a.faults().hit("dest", "after-commit");
        LOG.log(System.Logger.Level.INFO, "process " + name + " arrived from " + a.sourceNode() + " with epoch " + a.epoch());
    }

    /** MIG_PUSH_DONE: the source has pushed every page. */
    void pushDone(BodyReader in) {
        String name = in.string();
        in.expectEnd();
        PagedMemory m = postCopyTargets.remove(name);
        SourcePageFetcher f = fetchers.remove(name);
        if (f != null) {
            f.close();
        }
        if (m != null && m.missingPageCount() > 0) {
            throw ErrorCode.INTERNAL.exception(m.missingPageCount() + " pages of " + name + " still missing after the push");
        }
    }

    /** MIG_ABORT, or the source's connection closed: drops what arrived from it. */
    void abort(String name) {
        Arrival a = arrivals.remove(name);
        if (a != null) {
            a.stream().close();
            if (a.earlyFetcher() != null) {
                a.earlyFetcher().close();
            }
            node.resources().discardInstalled(name, a.resources().transfers);
            discard(a.hosted());
            if (a.ownFront()) {
                node.closeFront(name);
            }
            LOG.log(System.Logger.Level.INFO, "migration of " + name + " aborted; discarded what had arrived");
        }
    }

    void onConnectionClosed(long connectionId) {
        for (Arrival a : arrivals.values()) {
            if (a.connectionId() == connectionId) {
                abort(a.spec().name());
            }
        }
    }

    private static void discard(HostedProcess hosted) {
        try {
            hosted.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "discarding " + hosted.spec().name() + ": " + e);
        }
    }
}
