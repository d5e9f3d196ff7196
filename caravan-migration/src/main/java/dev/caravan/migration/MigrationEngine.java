package dev.caravan.migration;

import dev.caravan.migration.resources.ResourceMigrator;
import dev.caravan.wire.node.ResourceProtocol;
import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.net.FrameConnection;
import dev.caravan.wire.node.MigrationMessages;
import dev.caravan.wire.node.MigrationPhase;
import dev.caravan.wire.node.MigrationProgress;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.core.process.ProcessState;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The migration engine of one node: moves processes out ({@link SourceSession}s: migrations and
 * clones; {@link CheckpointTaker}: checkpoints), receives them ({@link IncomingMigrations}), serves
 * post-copy page faults, and applies resource bindings ({@link ResourceMigrator}). It sees its node
 * only through {@link MigrationHost}.
 *
 * <p>Rules it enforces for every name: at most one outgoing operation (migration, clone or
 * checkpoint) at a time; a process whose state is incomplete — a post-copy still pulling pages —
 * is not a source until it is complete (the engine waits up to
 * {@link MigrationSettings#awaitCompleteMs} for that, then answers BUSY); a FAILED process is
 * refused at once with its reason.
 *
 * <p>Threading: the control port's connection threads call every method concurrently; an
 * outgoing operation runs on the thread that asked for it; {@link #cancel} may come from any
 * thread.
 */
public final class MigrationEngine implements AutoCloseable {
    private final MigrationHost host;
    private final ResourceMigrator resources;
    private final MigrationSettings settings;
    private final IncomingMigrations incoming;
    private final Map<String, SourceSession> outgoing = new ConcurrentHashMap<>();
    private final Map<String, Boolean> checkpointing = new ConcurrentHashMap<>();
    private final Map<String, PostCopyPusher> pageFaultServers = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> pulling = new ConcurrentHashMap<>();
    private final Object claims = new Object();
    private final java.util.List<MigrationListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final MigrationListener fanOut = new FanOutListener(listeners);

    public MigrationEngine(MigrationHost host, ResourceMigrator resources, MigrationSettings settings) {
        this(host, resources, settings, MigrationListener.NONE);
    }

    /** An engine that reports each operation's steps to {@code listener} (see {@link MigrationListener}). */
    public MigrationEngine(MigrationHost host, ResourceMigrator resources, MigrationSettings settings, MigrationListener listener) {
        this.host = host;
        this.resources = resources;
        this.settings = settings.validate();
        if (java.util.Objects.requireNonNull(listener, "listener") != MigrationListener.NONE) {
            listeners.add(listener);
        }
        this.incoming = new IncomingMigrations(this);
    }

    // ---- source side ---------------------------------------------------------------------------

    /**
     * Moves (or clones) a hosted process to another node, on the calling thread, with progress
     * pushed to {@code progress}; returns when the operation has ended, whatever its outcome.
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT, NOT_SUPPORTED, NOT_FOUND (no such node),
     *         NOT_HERE (no such process here), BUSY (another operation on it, or still arriving),
     *         PROCESS_FAILED (the process has failed); and, after the source kept the process because the
     *         destination refused its code at MIG_BEGIN (nothing moved): UNSUPPORTED_VERSION (that code cannot
     *         read the state version), BUNDLE_HASH_MISMATCH (the bundle's bytes do not match its hash),
     *         CLASS_LOAD_FAILED — with the destination's one-line message
     */
    public MigrationReport migrate(MigrationRequest request, Consumer<MigrationProgress> progress) throws InterruptedException {
        if (request.toNode().equals(host.nodeId())) {
            throw ErrorCode.INVALID_ARGUMENT.exception(request.cloning()
                    ? "a clone goes to another node than its original (" + request.name() + " runs on " + host.nodeId() + ")"
                    : "process " + request.name() + " is already on node " + host.nodeId());
        }
        if (request.cloning() && request.mode().resumesEarly()) {
            throw ErrorCode.NOT_SUPPORTED.exception("a clone must be consistent at one instant: use stop-and-copy or pre-copy");
        }
        Faults.parse(request.fault(), settings.faultPauseMs());
        MovableProcess process = readySource(request.name());
        if (!request.upgradeTo().isEmpty() && process.spec().bundleHash().isEmpty()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("process " + request.name() + " runs the built-in sample "
                    + process.spec().sample() + "; only a process deployed from a bundle can be upgraded");
        }
        InetSocketAddress dest = host.nodeAddress(request.toNode()).orElseThrow(() ->
                ErrorCode.NOT_FOUND.exception("no node " + request.toNode() + " is registered"));
        if (request.cloning()) {
            host.ownerOf(request.newName()).ifPresent(o -> {
                throw ErrorCode.ALREADY_EXISTS.exception("a process named " + request.newName() + " already runs on node "
                        + o.node() + "; choose another name for the clone");
            });
        }
        SourceSession session = new SourceSession(this, process, request, phasesTo(request).andThen(p -> {
            fanOut.onOutgoingProgress(request, p);
            progress.accept(p);
        }));
        claim(request.name(), () -> outgoing.putIfAbsent(request.name(), session) == null);
        fanOut.onOutgoingBegun(request);
        MigrationReport report = null;
        try {
            report = session.run(dest);
            if (session.codeRefused() != null) {
                throw session.codeRefused();
            }
            return report;
        } finally {
            outgoing.remove(request.name(), session);
            fanOut.onOutgoingEnded(request, report);
        }
    }

    /** Adds a listener told about every operation from now on (see {@link MigrationListener}). */
    public void addListener(MigrationListener listener) {
        listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }


    /** A progress consumer that tells the listener once per (phase, round). */
    private Consumer<MigrationProgress> phasesTo(MigrationRequest request) {
        long[] last = {-1};
        return p -> {
            long key = ((long) p.phase().value() << 32) | (p.round() & 0xffffffffL);
            if (key != last[0]) {
                last[0] = key;
                fanOut.onOutgoingPhase(request, p);
            }
        };
    }

    /** Runs a listener call; what it throws must not disturb the operation it reports. */
    void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            System.getLogger(MigrationEngine.class.getName()).log(System.Logger.Level.DEBUG, "migration listener failed: " + e);
        }
    }

    /** Every listener at once: what one throws is logged and does not keep the others from hearing. */
    MigrationListener listener() {
        return fanOut;
    }

    /**
     * Cancels the migration or clone of {@code name} that runs here, if it has not committed;
     * its own caller then gets a report with outcome CANCELLED.
     *
     * @throws dev.caravan.wire.CaravanException NOT_FOUND when nothing moves it here, BUSY after its commit
     */
    public void cancel(String name) {
        SourceSession s = outgoing.get(name);
        if (s == null) {
            throw ErrorCode.NOT_FOUND.exception("no migration of " + name + " is running on node " + host.nodeId());
        }
        s.cancel();
    }

    /** The phase of the outgoing migration of {@code name}, if one runs here (for ps). */
    public Optional<MigrationPhase> movingPhase(String name) {
        SourceSession s = outgoing.get(name);
        if (s != null) {
            return Optional.of(s.state());
        }
        return checkpointing.containsKey(name) ? Optional.of(MigrationPhase.CHECKPOINT) : Optional.empty();
    }

    /**
     * What the engine is doing with a process, for ps: "being moved (rounds)", "checkpointing",
     * "receiving 1234 missing pages (post-copy)", or "" when nothing.
     */
    public String activity(String name) {
        SourceSession s = outgoing.get(name);
        if (s != null) {
            return "being moved (" + s.state() + "); caravan migrate " + name + " --cancel stops it before its commit";
        }
        if (checkpointing.containsKey(name)) {
            return "being checkpointed";
        }
        if (pulling.containsKey(name)) {
            try {
                long missing = host.hosted(name).memory().missingPageCount();
                return missing > 0 ? "receiving " + missing + " missing pages (post-copy)" : "";
            } catch (dev.caravan.wire.CaravanException e) {
                return "";
            }
        }
        return "";
    }

    /** True while a migration, clone or restore of {@code name} is arriving here and has not committed or been dropped. */
    public boolean isArriving(String name) {
        return incoming.isArriving(name);
    }

    /**
     * True while a move of {@code name} away from here has sent (or is sending) its commit and has
     * not ended: the process is frozen here, and its migration — not a caller that finds a higher
     * epoch in naming — decides whether it leaves (the destination registered it) or resumes. A
     * node re-registering after a lost lease must leave such a process alone.
     */
    public boolean isCommittingOut(String name) {
        SourceSession s = outgoing.get(name);
        return s != null && s.commitOut();
    }

    /** Whether a process is being moved, cloned or checkpointed right now. */
    public boolean isMoving(String name) {
        return outgoing.containsKey(name) || checkpointing.containsKey(name);
    }

    /** Writes a consistent checkpoint of a hosted process to {@code path} (on this node's file system). */
    public MigrationReport checkpoint(String name, Path path, Consumer<MigrationProgress> progress)
            throws IOException, InterruptedException {
        MovableProcess process = readySource(name);
        claim(name, () -> checkpointing.putIfAbsent(name, Boolean.TRUE) == null);
        try {
            MigrationReport report = new CheckpointTaker(host.nodeId(), host.clock(), settings).take(process, path, progress);
            fanOut.onCheckpointed(name, path, report);
            return report;
        } catch (IOException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such file or directory"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
                    : String.valueOf(e.getMessage());
            throw ErrorCode.INVALID_ARGUMENT.exception("cannot write the checkpoint of " + name + " to " + path + " on node "
                    + host.nodeId() + ": " + why + "; choose a writable directory on that node");
        } finally {
            checkpointing.remove(name);
        }
    }

    /** A hosted process that may be a source now: not failed, not still pulling its post-copy pages. */
    private MovableProcess readySource(String name) throws InterruptedException {
        MovableProcess process = host.hosted(name);
        CompletableFuture<Void> complete = pulling.get(name);
        if (complete != null || process.memory().missingPageCount() > 0) {
            try {
                if (complete != null) {
                    complete.get(settings.awaitCompleteMs(), TimeUnit.MILLISECONDS);
                }
            } catch (ExecutionException | TimeoutException e) {
                // Reported below.
            }
            if (process.memory().missingPageCount() > 0) {
                throw ErrorCode.BUSY.exception("process " + name + " is still receiving " + process.memory().missingPageCount()
                        + " pages of its post-copy migration; try again when it has them all");
            }
        }
        if (process.runner().state() == ProcessState.FAILED) {
            throw ErrorCode.PROCESS_FAILED.exception("process " + name + " has failed on node " + host.nodeId()
                    + " and cannot be moved; restore it from a checkpoint");
        }
        return process;
    }

    /**
     * Takes the one outgoing slot of {@code name}: a migration or clone and a checkpoint must
     * exclude each other too (a checkpoint takes the dirty bits pre-copy relies on and resumes the
     * process at its end, even one a switch-over froze).
     */
    private void claim(String name, java.util.function.BooleanSupplier claimed) {
        boolean ok;
        synchronized (claims) {
            ok = !isMoving(name) && claimed.getAsBoolean();
        }
        if (!ok) {
            throw ErrorCode.BUSY.exception("process " + name + " is already being moved or checkpointed"
                    + movingPhase(name).map(p -> " (" + p + ")").orElse("") + "; wait for it or cancel it");
        }
    }

    void servePageFaults(String name, PostCopyPusher pusher) {
        pageFaultServers.put(name, pusher);
    }

    void stopServingPageFaults(String name) {
        pageFaultServers.remove(name);
    }

    /** MIG_FETCH at the source: a page of a post-copy process that left, and its following missing pages. */
    public void onFetch(BodyReader in, BodyWriter out) {
        MigrationMessages.Fetch f = MigrationMessages.Fetch.decode(in);
        PostCopyPusher p = pageFaultServers.get(f.name());
        if (p == null) {
            throw ErrorCode.NOT_FOUND.exception("no post-copy of " + f.name() + " is being served here");
        }
        out.raw(p.fetch(f.page(), f.around()));
    }

    // ---- destination side ----------------------------------------------------------------------

    public void onBegin(FrameConnection connection, BodyReader in, BodyWriter out) throws Exception {
        incoming.begin(connection, in, out);
    }

    public void onPages(BodyReader in) {
        incoming.pages(in);
    }

    public void onResources(BodyReader in, BodyWriter out) {
        ResourceProtocol.writeUris(out, incoming.resources(in));
    }

    public void onCommit(BodyReader in, BodyWriter out) throws Exception {
        incoming.commit(in, out);
    }

    public void onAbort(BodyReader in) {
        incoming.abort(MigrationMessages.readNameOnly(in));
    }

    public void onPushDone(BodyReader in, BodyWriter out) {
        incoming.pushDone(in, out);
    }

    public void onConnectionClosed(long connectionId) {
        incoming.onConnectionClosed(connectionId);
    }

    /** Called when a post-copy arrival starts pulling (at commit) — see {@link #readySource}. */
    void pullingStarted(String name) {
        pulling.put(name, new CompletableFuture<>());
    }

    void pullingDone(String name) {
        CompletableFuture<Void> f = pulling.remove(name);
        if (f != null) {
            f.complete(null);
        }
    }

    // ---- shared ----------------------------------------------------------------------------------

    public ResourceMigrator resources() {
        return resources;
    }

    MigrationHost host() {
        return host;
    }

    MigrationSettings settings() {
        return settings;
    }

    /** Cancels every outgoing operation that has not committed and drops every arrival. */
    @Override
    public void close() {
        for (SourceSession s : outgoing.values()) {
            try {
                s.cancel();
            } catch (RuntimeException ignored) {
                // Committed already: it finishes on its own.
            }
        }
        incoming.closeAll();
        pulling.values().forEach(f -> f.complete(null));
    }
}
