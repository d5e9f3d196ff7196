package dev.caravan.migration.testkit;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.process.CaravanProcess;
import dev.caravan.core.process.ProcessId;
import dev.caravan.core.process.ProcessRunner;
import dev.caravan.core.process.ResourceBinding;
import dev.caravan.core.time.Clock;
import dev.caravan.kv.KvProcess;
import dev.caravan.migration.MigrationEngine;
import dev.caravan.migration.MigrationHost;
import dev.caravan.migration.MigrationSettings;
import dev.caravan.migration.MovableProcess;
import dev.caravan.migration.resources.ResourceMigrator;
import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingService;
import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Frame;
import dev.caravan.wire.Op;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.FrameConnection;
import dev.caravan.wire.net.FrameHandler;
import dev.caravan.wire.net.FrameServer;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.ProcessSpec;

import java.io.IOException;
import java.io.Serial;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Caravan node in the test's JVM, as the migration engine sees one ({@link MigrationHost}):
 * a control port ({@link FrameServer} on 127.0.0.1, port 0) that routes the MIG_* operations to
 * its {@link MigrationEngine} exactly as caravan-node's ControlHandler does, a lease in the
 * cluster's shared embedded naming service, processes ({@link TestProcess}: the real kv process
 * on a real runner and paged memory, with a RESP data endpoint) and a {@link ResourceMigrator}
 * over its own directory.
 *
 * <p><b>Time.</b> The engine runs on the real clock and a real scheduler, because its peers
 * are real sockets whose stalls take real time; only naming leases run on the cluster's manual
 * clock (see {@link TestCluster#expireCrashedNodes}), so a crashed node is forgotten when the
 * test says so and never by accident.
 *
 * <p><b>Crash.</b> {@link #crash} behaves as {@code kill -9} for this node only: its control
 * port, every connection it opened and every data endpoint close at once, its processes stop
 * without leaving naming, its lease is no longer renewed, and the calling thread unwinds with
 * {@link Crashed} (an Error: the engine catches only CaravanException and IOException, so it
 * leaves the engine's stack as a halted JVM would). Threads of a crashed node that still run
 * unwind with {@link Crashed} at their next call into the node.
 *
 * <p><b>Freeze.</b> {@link #freeze} stands for SIGSTOP: the control port and the data endpoints
 * stop serving (each connection's thread blocks before handling its next frame or batch; the
 * kernel still accepts connections, as it does for a stopped process) and every engine thread
 * that reads this node's clock — the page-stream receiver after each batch, the scheduler —
 * blocks until {@link #thaw}.
 *
 * <p>Thread-safe.
 */
public final class TestNode implements MigrationHost {
    public static final String LOOPBACK = "127.0.0.1";
    private static final System.Logger LOG = System.getLogger(TestNode.class.getName());

    /** How a crashed node's threads unwind. */
    public static final class Crashed extends Error {
        @Serial
        private static final long serialVersionUID = 1L;

        Crashed(String why) {
            super(why);
        }
    }

    private final String id;
    private final NamingService naming;
    private final MigrationSettings settings;
    private final long leaseId;
    private final FrameServer control;
    private final ResourceMigrator resources;
    private final MigrationEngine engine;
    private final ScheduledExecutorService scheduler;
    private final Clock clock = new FreezableClock();
    private final Object lifecycleLock = new Object();
    private final Map<String, TestProcess> processes = new ConcurrentHashMap<>();
    /** Every process this node created and has not released: hosted, arriving, or answering MOVED. */
    private final Set<TestProcess> created = ConcurrentHashMap.newKeySet();
    private final Set<FrameClient> links = ConcurrentHashMap.newKeySet();
    private volatile boolean crashed;
    private volatile CompletableFuture<Void> thawed = CompletableFuture.completedFuture(null);
    private volatile boolean freezeAfterNextCommit;
    private final java.util.concurrent.atomic.AtomicReference<Runnable> duringNextCommit = new java.util.concurrent.atomic.AtomicReference<>();

    TestNode(String id, NamingService naming, long leaseTtlMs, MigrationSettings settings, Path dir) throws IOException {
        this.id = id;
        this.naming = naming;
        this.settings = settings;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name(id + "-scheduler").daemon(true)
                .factory());
        this.leaseId = naming.openLease("node/" + id, leaseTtlMs).id();
        this.control = new FrameServer("test-" + id, new InetSocketAddress(LOOPBACK, 0), new ControlPort(), "", 256,
                Frame.DEFAULT_MAX_FRAME_BYTES);
        Files.createDirectories(dir);
        this.resources = new ResourceMigrator(id, dir, Map.of(), controlAddress());
        this.engine = new MigrationEngine(this, resources, settings);
        naming.register(leaseId, new NamingEntry("node/" + id, id, LOOPBACK, control.port(), 0, Map.of("role", "node")));
    }

    // ---- what the tests drive, as the node's control port would -------------------------------

    public String id() {
        return id;
    }

    public InetSocketAddress controlSocketAddress() {
        return control.address();
    }

    public MigrationEngine engine() {
        return engine;
    }

    public boolean isCrashed() {
        return crashed;
    }

    /** Starts a kv process here at epoch 1 and registers it; refused if the name is taken. */
    public TestProcess deploy(String name, long memoryBytes) throws InterruptedException {
        return deploy(name, memoryBytes, "kv");
    }

    /** Starts a process of {@code sample} ("kv", or "sessions": {@link SessionProcess}) here at epoch 1. */
    public TestProcess deploy(String name, long memoryBytes, String sample) throws InterruptedException {
        ProcessSpec spec = new ProcessSpec(name, sample, "", "", memoryBytes, Map.of());
        synchronized (lifecycleLock) {
            checkAlive();
            if (processes.containsKey(name)) {
                throw ErrorCode.ALREADY_EXISTS.exception("process " + name + " already runs on node " + id);
            }
            if (engine.isArriving(name)) {
                throw ErrorCode.ALREADY_EXISTS.exception("process " + name + " is arriving on node " + id);
            }
            naming.lookup("process/" + name).ifPresent(e -> {
                throw ErrorCode.ALREADY_EXISTS.exception("process " + name + " already runs on node " + e.node());
            });
            TestProcess p = create(spec, ProcessId.random(), 1);
            try {
                Map<String, String> declared = new HashMap<>();
                for (ResourceBinding b : p.runner().process().resources()) {
                    declared.put(b.name(), b.uri());
                }
                bindResources(p, declared);
                awaitStart(p.runner().start(false), name);
                register(p);
                processes.put(name, p);
                return p;
            } catch (RuntimeException | Error e) {
                release(p);
                throw e;
            }
        }
    }

    /** Runs a migration or clone from here on the calling thread (see {@link MigrationEngine#migrate}). */
    public MigrationReport migrate(MigrationRequest request) throws InterruptedException {
        return engine.migrate(request, p -> { });
    }

    public MigrationReport checkpoint(String name, Path file) throws IOException, InterruptedException {
        return engine.checkpoint(name, file, p -> { });
    }

    /** Stops a process and withdraws it from naming, as {@code caravan stop} does; refused while it moves. */
    public void stop(String name) throws InterruptedException {
        synchronized (lifecycleLock) {
            checkAlive();
            if (engine.isMoving(name)) {
                throw ErrorCode.BUSY.exception("process " + name + " is being moved");
            }
            TestProcess p = processes.remove(name);
            if (p == null) {
                throw ErrorCode.NOT_FOUND.exception("no process " + name + " on node " + id);
            }
            try {
                naming.unregister(leaseId, "process/" + name, p.runner().epoch());
            } catch (CaravanException e) {
                LOG.log(System.Logger.Level.INFO, "unregistering " + name + ": " + e);
            }
            release(p);
        }
    }

    /** One command, deduplicated by (clientId, requestId), as caravan-node's NodeDaemon.call does. */
    public Reply call(String name, long clientId, long requestId, Command command) throws InterruptedException {
        return hosted(name).call(clientId, requestId, command);
    }

    /** The process of this name hosted here (running, frozen or failed), if any. */
    public Optional<TestProcess> process(String name) {
        return Optional.ofNullable(processes.get(name));
    }

    public Map<String, TestProcess> processes() {
        return Map.copyOf(processes);
    }

    /** SIGSTOP: see the class comment. */
    public void freeze() {
        thawed = new CompletableFuture<>();
    }

    /** Freezes this node right after the next arrival has registered and started, before it answers the commit. */
    public void freezeAfterNextCommit() {
        freezeAfterNextCommit = true;
    }

    /**
     * Runs {@code action} inside the next arrival's commit, after the engine took it off its
     * arrivals and before it registers in naming (when its resources are bound): a window in
     * which another arrival of the same name must still be refused.
     */
    public void duringNextCommit(Runnable action) {
        duringNextCommit.set(action);
    }

    /** SIGCONT. */
    public void thaw() {
        thawed.complete(null);
    }

    void renewLease() {
        if (!crashed) {
            naming.renew(leaseId);
        }
    }

    // ---- MigrationHost --------------------------------------------------------------------------

    @Override
    public String nodeId() {
        return id;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public String bindHost() {
        return LOOPBACK;
    }

    @Override
    public String controlAddress() {
        return LOOPBACK + ":" + control.port();
    }

    @Override
    public long warmBytes() {
        return 0;
    }

    @Override
    public boolean ownsProcesses() {
        return !crashed;
    }

    @Override
    public MovableProcess hosted(String name) {
        TestProcess p = processes.get(name);
        if (crashed || p == null) {
            throw ErrorCode.NOT_HERE.exception("process " + name + " is not on node " + id);
        }
        return p;
    }

    @Override
    public boolean hosts(String name) {
        return processes.containsKey(name);
    }

    @Override
    public Optional<InetSocketAddress> nodeAddress(String nodeId) {
        return naming.lookup("node/" + nodeId).map(e -> new InetSocketAddress(e.host(), e.port()));
    }

    @Override
    public Optional<Owner> ownerOf(String processName) {
        return naming.lookup("process/" + processName).map(e -> new Owner(e.node(), e.host(), e.port(), e.epoch()));
    }

    @Override
    public FrameClient connect(InetSocketAddress controlAddress, Duration timeout) {
        checkAlive();
        links.removeIf(l -> !l.isOpen());
        FrameClient c = FrameClient.connect(controlAddress, new Hello("node/" + id, ""), timeout);
        links.add(c);
        if (crashed) {
            c.close();
            throw new Crashed("node " + id + " has crashed");
        }
        return c;
    }

    @Override
    public MovableProcess admit(ProcessSpec spec, ProcessId processId, long epoch, String front) {
        checkAlive();
        return create(spec, processId, epoch);
    }

    @Override
    public void bindResources(MovableProcess process, Map<String, String> uris) {
        process.runner().bindResources(uris, resources::open);
        Runnable during = duringNextCommit.getAndSet(null);
        if (during != null) {
            during.run();
        }
    }

    @Override
    public void commitArrival(MovableProcess process) throws Exception {
        TestProcess p = own(process);
        synchronized (lifecycleLock) {
            checkAlive();
            TestProcess here = processes.get(p.name());
            if (here != null && here != p) {
                throw ErrorCode.ALREADY_EXISTS.exception("process " + p.name() + " was started on node " + id
                        + " while it was arriving; the arrival is dropped");
            }
            register(p);
            processes.put(p.name(), p);
        }
        awaitStart(p.runner().start(true), p.name());
        if (freezeAfterNextCommit) {
            freezeAfterNextCommit = false;
            freeze();
        }
    }

    @Override
    public void discard(MovableProcess process) {
        TestProcess p = own(process);
        processes.remove(p.name(), p);
        try {
            release(p);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void removeAfterMove(MovableProcess process, long newEpoch, String destinationDataAddress) {
        checkAlive();
        TestProcess p = own(process);
        synchronized (lifecycleLock) {
            processes.remove(p.name(), p);
        }
        p.movedTo(newEpoch, destinationDataAddress);
        // The engine stops the runner and frees the memory; the endpoint answers MOVED for a while.
        scheduler.schedule(() -> {
            p.closeEndpoint();
            created.remove(p);
        }, settings.movedAnswerMs(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void markLost(MovableProcess process) {
        // A halted node withdraws nothing: its process thread, failing on a page its dead links can no longer fetch,
        // must not take the arrival's naming entry away (seen in CI: the source, asking naming who owns the process
        // after the commit's answer was lost, found no entry and stayed frozen in doubt).
        checkAlive();
        process.runner().markFailed();
        try {
            naming.unregister(leaseId, "process/" + process.name(), process.runner().epoch());
        } catch (CaravanException e) {
            LOG.log(System.Logger.Level.INFO, "withdrawing failed process " + process.name() + ": " + e);
        }
    }

    @Override
    public void schedule(Runnable task, long delayMs) {
        if (crashed) {
            return;
        }
        try {
            scheduler.schedule(() -> {
                try {
                    awaitThawed();
                    task.run();
                } catch (Crashed ignored) {
                    // The node is gone; so is its timer.
                }
            }, delayMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Crashed or closed meanwhile: as with a dead node, nothing runs.
        }
    }

    @Override
    public void crash(String why) {
        LOG.log(System.Logger.Level.INFO, "node " + id + " halts: " + why);
        crashed = true;
        thawed.complete(null);
        // Data endpoints first: a peer that learns of the crash from the control connection must find them gone.
        for (TestProcess p : created) {
            p.closeEndpoint();
        }
        control.close();
        links.forEach(FrameClient::close);
        for (TestProcess p : created) {
            // Asynchronously: the process thread may be blocked in a post-copy fault; a killed JVM waits for nothing.
            Thread.ofVirtual().name(id + "-kill-" + p.name()).start(() -> {
                try {
                    p.runner().stop(Duration.ofSeconds(5));
                } catch (InterruptedException ignored) {
                    // Dead either way.
                }
            });
        }
        scheduler.shutdownNow();
        throw new Crashed("node " + id + " crashed: " + why);
    }

    // ---- lifecycle --------------------------------------------------------------------------------

    /** Closes the node for good (a test's end), crashed or not; frees every process's memory. */
    void close() {
        thawed.complete(null);
        if (!crashed) {
            crashed = true;
            engine.close();
            try {
                naming.closeLease(leaseId);
            } catch (CaravanException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing lease of " + id + ": " + e);
            }
        }
        control.close();
        links.forEach(FrameClient::close);
        scheduler.shutdownNow();
        for (TestProcess p : created) {
            try {
                p.closeEndpoint();
                p.runner().stop(Duration.ofSeconds(5));
                p.memory().close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // Memory already freed by the engine (a process that moved away), or still read by a dying thread.
            }
        }
        created.clear();
        processes.clear();
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private TestProcess create(ProcessSpec spec, ProcessId processId, long epoch) {
        CaravanProcess code = switch (spec.sample()) {
            case "kv" -> new KvProcess();
            case "sessions" -> new SessionProcess();
            default -> throw ErrorCode.NOT_FOUND.exception("test nodes run the kv and sessions samples only, not " + spec);
        };
        PagedMemory memory = new PagedMemory(spec.memoryBytes(), PagedMemory.DEFAULT_PAGE_SIZE_BYTES);
        ProcessRunner runner = new ProcessRunner(processId, spec.name(), epoch, code, memory, Clock.system(), spec.config(),
                1024);
        TestProcess p = new TestProcess(spec, runner, memory, this::ownsProcesses, this::awaitThawed);
        created.add(p);
        return p;
    }

    private void release(TestProcess p) throws InterruptedException {
        created.remove(p);
        p.close();
    }

    private void register(TestProcess p) {
        naming.register(leaseId, new NamingEntry("process/" + p.name(), id, p.dataHost(), p.dataPort(), p.runner().epoch(),
                Map.of("id", p.runner().id().toString(), "control", controlAddress())));
    }

    private static void awaitStart(CompletableFuture<Void> started, String name) throws InterruptedException {
        try {
            started.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw ErrorCode.PROCESS_FAILED.exception("process " + name + " failed in onStart: " + e.getCause());
        } catch (TimeoutException e) {
            throw ErrorCode.TIMEOUT.exception("process " + name + " did not start within 10 s");
        }
    }

    private TestProcess own(MovableProcess p) {
        if (p instanceof TestProcess t) {
            return t;
        }
        throw ErrorCode.INTERNAL.exception("process " + p.name() + " was not created by node " + id);
    }

    private void checkAlive() {
        if (crashed) {
            throw new Crashed("node " + id + " has crashed");
        }
    }

    private void awaitThawed() {
        CompletableFuture<Void> t = thawed;
        if (!t.isDone()) {
            t.join();
        }
        checkAlive();
    }

    @Override
    public String toString() {
        return id + (crashed ? " (crashed)" : "");
    }

    /** The real clock, except that a frozen node's threads stop when they read it. */
    private final class FreezableClock implements Clock {
        @Override
        public long nowMs() {
            awaitThawed();
            return Clock.system().nowMs();
        }

        @Override
        public long nanoTime() {
            awaitThawed();
            return Clock.system().nanoTime();
        }
    }

    /** The control port: the MIG_* operations, routed as caravan-node's ControlHandler routes them. */
    private final class ControlPort implements FrameHandler {
        @Override
        public Frame onFrame(FrameConnection connection, Frame request) throws Exception {
            awaitThawed();
            BodyReader in = request.reader();
            BodyWriter out = new BodyWriter();
            switch (request.type()) {
                case Op.PING -> in.expectEnd();
                case Op.MIG_BEGIN -> engine.onBegin(connection, in, out);
                case Op.MIG_PAGES -> engine.onPages(in);
                case Op.MIG_COMMIT -> engine.onCommit(in, out);
                case Op.MIG_ABORT -> engine.onAbort(in);
                case Op.MIG_PUSH_DONE -> engine.onPushDone(in, out);
                case Op.MIG_RESOURCES -> engine.onResources(in, out);
                case Op.MIG_FETCH -> engine.onFetch(in, out);
                case Op.NODE_READ_RESOURCE -> {
                    var r = dev.caravan.wire.node.ResourceProtocol.readReadRequest(in);
                    in.expectEnd();
                    out.bytes(resources.readExported(r.qualifiedName(), r.offset(), r.maxBytes()));
                }
                default -> throw ErrorCode.UNKNOWN_OPERATION.exception("a test node's control port does not serve "
                        + Op.name(request.type()));
            }
            return Frame.ok(request.requestId(), out.toBytes());
        }

        @Override
        public void onClose(FrameConnection connection) {
            if (!crashed) {
                engine.onConnectionClosed(connection.id());
            }
        }
    }

    /**
     * Whether this node still holds anything of a process of this name: hosted, arriving, or an
     * old endpoint answering MOVED ({@code includingMoved}).
     */
    public boolean holds(String name, boolean includingMoved) {
        return created.stream().anyMatch(p -> p.name().equals(name) && (includingMoved || !p.hasMoved()));
    }

    /** Processes that run here although the node does not count them as hosted (a second copy it lost track of). */
    public List<TestProcess> runningOrphans() {
        return created.stream().filter(p -> p.state() == dev.caravan.core.process.ProcessState.RUNNING && !p.hasMoved()
                && processes.get(p.name()) != p).toList();
    }

    /** For {@link TestCluster}: the processes this node still holds resources for. */
    List<TestProcess> created() {
        return List.copyOf(created);
    }
}
