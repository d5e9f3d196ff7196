package dev.caravan.node;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.process.CaravanProcess;
import dev.caravan.core.process.ProcessId;
import dev.caravan.core.process.ProcessRunner;
import dev.caravan.core.time.Clock;
import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingService;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.net.FrameServer;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The node daemon: hosts processes, holds a naming lease, serves the control port and the data
 * endpoints of its processes.
 *
 * <p>Naming entries it keeps under its lease: {@code node/<id>} (control endpoint),
 * {@code process/<name>} (data endpoint, epoch, control endpoint) and
 * {@code bundle/<hash>/<id>} (bundles it can serve to others).
 *
 * <p>Threading: control requests arrive on connection threads; starting and stopping a process
 * is serialized per node by a lock; each process's state is touched only by its own runner.
 * One scheduler thread renews the lease and ticks processes; if it dies the node shuts down.
 */
public final class NodeDaemon implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NodeDaemon.class.getName());
    private static final long TICK_MS = 100;

    private final NodeConfig config;
    private final NamingService naming;
    private final Clock clock;
    private final BundleStore bundles;
    private final ProcessFactory factory;
    private final BundleFetcher fetcher;
    private final Map<String, HostedProcess> processes = new ConcurrentHashMap<>();
    private final Object lifecycleLock = new Object();
    private final ScheduledExecutorService scheduler;
    private final LeaseKeeper lease;
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    private FrameServer control;
    private volatile boolean closed;

    private NodeDaemon(NodeConfig config, NamingService naming, Clock clock) throws IOException {
        this.config = config;
        this.naming = naming;
        this.clock = clock;
        this.bundles = new BundleStore(config.dataDir().resolve("bundles"), NodeDaemon.class.getClassLoader());
        this.factory = new ProcessFactory(bundles);
        this.fetcher = new BundleFetcher(naming, bundles, config.nodeId(), config.token());
        this.lease = new LeaseKeeper(naming, "node/" + config.nodeId(), config.leaseTtlMs(), clock, this::reregister);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("node-" + config.nodeId() + "-ticker").daemon(true).factory());
    }

    /** Starts a node: opens its lease, binds its control port, registers, starts ticking. */
    public static NodeDaemon start(NodeConfig config, NamingService naming, Clock clock) throws Exception {
        NodeDaemon node = new NodeDaemon(config, naming, clock);
        try {
            node.lease.open();
            node.control = new FrameServer("node-" + config.nodeId(),
                    new InetSocketAddress(config.bindHost(), config.controlPort()),
                    new ControlHandler(node), config.token(), 4096, dev.caravan.wire.Frame.DEFAULT_MAX_FRAME_BYTES);
            node.registerSelf(node.lease.leaseId());
            long renewMs = Math.max(50, config.leaseTtlMs() / 4);
            node.scheduler.scheduleWithFixedDelay(node.critical(node.lease::onTick), renewMs, renewMs, TimeUnit.MILLISECONDS);
            node.scheduler.scheduleWithFixedDelay(node.critical(node::tickProcesses), TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
            LOG.log(System.Logger.Level.INFO, "node " + config.nodeId() + " serving control on " + node.control.address());
            return node;
        } catch (Exception e) {
            node.close();
            throw e;
        }
    }

    private Runnable critical(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.ERROR, "node " + config.nodeId() + ": critical thread failed; shutting down", t);
                Thread.ofPlatform().start(this::close);
                throw t;
            }
        };
    }

    public String nodeId() {
        return config.nodeId();
    }

    public InetSocketAddress controlAddress() {
        return control.address();
    }

    /** Whether the node currently answers for its processes (holds a live lease). */
    public boolean ownsProcesses() {
        return lease.owns();
    }

    private void registerSelf(long leaseId) {
        naming.register(leaseId, new NamingEntry("node/" + config.nodeId(), config.nodeId(), config.bindHost(),
                control.port(), 0, Map.of("role", "node"), leaseId));
    }

    private void registerProcess(long leaseId, HostedProcess p) {
        naming.register(leaseId, new NamingEntry("process/" + p.spec().name(), config.nodeId(), p.dataHost(),
                p.dataPort(), p.runner().epoch(), Map.of("id", p.runner().id().toString(),
                "control", config.bindHost() + ":" + control.port()), leaseId));
    }

    /** After a lost lease: register the node again and every process it still may own. */
    private void reregister(long leaseId) throws InterruptedException {
        registerSelf(leaseId);
        for (HostedProcess p : List.copyOf(processes.values())) {
            try {
                registerProcess(leaseId, p);
            } catch (CaravanException e) {
                if (e.code() != ErrorCode.STALE_EPOCH) {
                    throw e;
                }
                LOG.log(System.Logger.Level.WARNING, "process " + p.spec().name() + " is owned elsewhere now (" + e.getMessage()
                        + "); stopping the stale copy here");
                processes.remove(p.spec().name());
                p.close();
            }
        }
        fetcher.reregister(leaseId);
    }

    private void tickProcesses() {
        for (HostedProcess p : processes.values()) {
            p.runner().tick();
        }
    }

    /** Stores a bundle pushed to this node and advertises it. */
    String putBundle(byte[] jar, String expectedHash) throws IOException {
        String hash = bundles.put(jar, expectedHash);
        fetcher.advertise(lease.leaseId(), hash, config.bindHost(), control.port());
        return hash;
    }

    byte[] getBundle(String hash) throws IOException {
        return bundles.get(hash);
    }

    /** Starts a process here; pulls its bundle from another node if this one lacks it. */
    ProcessInfo startProcess(ProcessSpec spec) throws Exception {
        synchronized (lifecycleLock) {
            requireOwnership();
            if (processes.containsKey(spec.name())) {
                throw ErrorCode.ALREADY_EXISTS.exception("process " + spec.name() + " already runs on this node");
            }
            Optional<NamingEntry> existing = naming.lookup("process/" + spec.name());
            if (existing.isPresent()) {
                throw ErrorCode.ALREADY_EXISTS.exception("process " + spec.name() + " already runs on node "
                        + existing.get().node());
            }
            if (!spec.bundleHash().isEmpty() && !bundles.has(spec.bundleHash())) {
                fetcher.fetch(spec.bundleHash(), lease.leaseId(), config.bindHost(), control.port());
            }
            CaravanProcess code = factory.create(spec);
            PagedMemory memory = new PagedMemory(spec.memoryBytes(), PagedMemory.DEFAULT_PAGE_SIZE_BYTES);
            ProcessRunner runner = new ProcessRunner(ProcessId.random(), spec.name(), 1, code, memory, clock,
                    spec.config(), config.mailboxCapacity());
            DataEndpoint endpoint = null;
            HostedProcess hosted = null;
            try {
                endpoint = new DataEndpoint(spec.name(), runner, lease::owns, config.bindHost());
                hosted = new HostedProcess(spec, runner, memory, endpoint, config.bindHost());
                awaitStart(runner.start(false), spec.name());
                registerProcess(lease.leaseId(), hosted);
                processes.put(spec.name(), hosted);
            } catch (Exception e) {
                if (hosted != null) {
                    hosted.close();
                } else {
                    if (endpoint != null) {
                        endpoint.close();
                    }
                    memory.close();
                }
                throw e;
            }
            LOG.log(System.Logger.Level.INFO, "started process " + spec.name() + " (" + runner.id() + ") data endpoint "
                    + hosted.dataHost() + ":" + hosted.dataPort());
            return hosted.info(config.nodeId());
        }
    }

    private static void awaitStart(CompletableFuture<Void> started, String name) throws InterruptedException {
        try {
            started.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw ErrorCode.PROCESS_FAILED.exception("process " + name + " failed in onStart: " + e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw ErrorCode.TIMEOUT.exception("process " + name + " did not finish onStart within 30 s");
        }
    }

    /** Stops a process here and removes its naming entry. */
    void stopProcess(String name) throws InterruptedException {
        synchronized (lifecycleLock) {
            HostedProcess p = processes.remove(name);
            if (p == null) {
                throw ErrorCode.NOT_FOUND.exception("no process " + name + " on node " + config.nodeId());
            }
            try {
                naming.unregister(lease.leaseId(), "process/" + name, p.runner().epoch());
            } catch (CaravanException e) {
                LOG.log(System.Logger.Level.INFO, "unregistering " + name + ": " + e);
            }
            p.close();
            LOG.log(System.Logger.Level.INFO, "stopped process " + name);
        }
    }

    List<ProcessInfo> list() throws InterruptedException {
        List<ProcessInfo> infos = new ArrayList<>();
        for (HostedProcess p : processes.values()) {
            infos.add(p.info(config.nodeId()));
        }
        infos.sort((a, b) -> a.name().compareTo(b.name()));
        return infos;
    }

    ProcessInfo inspect(String name) throws InterruptedException {
        return hosted(name).info(config.nodeId());
    }

    /**
     * Runs one command on a hosted process, deduplicating by (clientId, requestId).
     *
     * @throws CaravanException NOT_HERE when the process is not here or the node lost its lease
     */
    Reply call(String name, long clientId, long requestId, Command command) throws InterruptedException {
        HostedProcess p = hosted(name);
        Reply seen = p.recentReply(clientId, requestId);
        if (seen != null) {
            return seen;
        }
        Reply reply;
        try {
            reply = p.runner().submit(command).get();
        } catch (ExecutionException e) {
            throw ErrorCode.INTERNAL.exception("command completion failed: " + e.getCause());
        }
        p.rememberReply(clientId, requestId, reply);
        return reply;
    }

    private HostedProcess hosted(String name) {
        requireOwnership();
        HostedProcess p = processes.get(name);
        if (p == null) {
            throw ErrorCode.NOT_HERE.exception("process " + name + " is not on node " + config.nodeId());
        }
        return p;
    }

    private void requireOwnership() {
        if (!lease.owns()) {
            throw ErrorCode.NOT_HERE.exception("node " + config.nodeId() + " lost its naming lease and answers for no process");
        }
    }

    /** Blocks until the node has closed. */
    public void awaitClosed() throws InterruptedException {
        closedLatch.await();
    }

    /** Stops every process, withdraws from naming and closes the ports. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        scheduler.shutdownNow();
        synchronized (lifecycleLock) {
            for (HostedProcess p : processes.values()) {
                try {
                    p.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            processes.clear();
        }
        lease.close();
        if (control != null) {
            control.close();
        }
        try {
            bundles.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing bundle loaders: " + e);
        }
        LOG.log(System.Logger.Level.INFO, "node " + config.nodeId() + " stopped");
        closedLatch.countDown();
    }
}
