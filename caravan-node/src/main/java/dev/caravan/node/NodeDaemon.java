package dev.caravan.node;

import dev.caravan.core.memory.ChunkPool;
import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.process.CaravanProcess;
import dev.caravan.core.process.ProcessId;
import dev.caravan.core.process.ProcessRunner;
import dev.caravan.core.time.Clock;
import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingService;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.CloseAll;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.net.FrameServer;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.security.signing.CodePolicy;

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
 * <p>Naming entries it keeps under its lease: {@code node/<id>} (control endpoint; attribute
 * {@code schedulable=false} while it is cordoned),
 * {@code process/<name>} (data endpoint, epoch, control endpoint) and
 * {@code bundle/<hash>/<id>} (bundles it can serve to others).
 *
 * <p>Threading: control requests arrive on connection threads; the node's books (which process
 * runs here) are changed under one lock, which is never held while waiting on a process: a
 * process that does not stop cannot wedge its node. Each process's state is touched only by its
 * own runner. One scheduler thread renews the lease and ticks processes; if it dies the node
 * shuts down.
 *
 * <p>Stopping: a process is withdrawn from naming first, then stopped within
 * {@link NodeConfig#stopDeadlineMs()}. One that does not stop by then is abandoned (see
 * {@link HostedProcess}): it is off the books and serves nobody, ps shows it STUCK until its
 * thread ends, and the stop's reply says so. Closing the node stops all processes in
 * parallel, so it takes one stop deadline however many are stuck.
 */
public final class NodeDaemon implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NodeDaemon.class.getName());
    private static final long TICK_MS = 100;
    /** Config keys of a deployment published in its naming entry (the switch's label selectors match them). */
    static final String LABEL_PREFIX = "label.";

    private final NodeConfig config;
    private final NamingService naming;
    private final Clock clock;
    private final BundleStore bundles;
    private final ProcessFactory factory;
    private final BundleFetcher fetcher;
    /** Code on demand: the client bundles processes publish. */
    private final ClientBundles clientBundles;
    /** Memory departed processes leave warm for arriving ones; lives as long as the node's JVM. */
    private final ChunkPool chunkPool;
    private final Map<String, HostedProcess> processes = new ConcurrentHashMap<>();
    private final Map<String, FrontEndpoint> fronts = new ConcurrentHashMap<>();
    private final Map<ProcessId, HostedProcess> abandoned = new ConcurrentHashMap<>();
    private final Object lifecycleLock = new Object();
    private final ScheduledExecutorService scheduler;
    private final LeaseKeeper lease;
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    private volatile FrameServer control;
    /** The TCP handoff socket; null when handoff is off (see {@link #startHandoff}). */
    private HandoffReceiver handoff;
    private dev.caravan.migration.resources.ResourceMigrator resources;
    private dev.caravan.migration.MigrationEngine migration;
    private final Map<InetSocketAddress, dev.caravan.wire.net.FrameClient> peerLinks = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private volatile boolean started;
    /** Cordoned: takes no new process (deploy or arrival) until uncordoned. Changed under {@link #lifecycleLock}. */
    private volatile boolean cordoned;
    private final java.util.concurrent.atomic.AtomicBoolean draining = new java.util.concurrent.atomic.AtomicBoolean();
    /** This node's events (lifecycle steps of the node and its processes), served on the admin port. */
    private final dev.caravan.observe.EventLog events;
    /** This node's meters, scraped at the admin port's /metrics. */
    private final dev.caravan.observe.DaemonMetrics metrics;
    /** Node, process and migration meters in {@link #metrics}, kept in step with the books by the ticker. */
    private final NodeMeters meters;
    /** The admin port (null when the configuration opens none). */
    private volatile dev.caravan.observe.ObserveServer observe;
    /** Publishes this node's lifecycle steps into {@link #events}. */
    private final NodeEvents nodeEvents;
    /** The slice of each process hosted lately: every event about a process carries it. */
    private final ProcessSlices processSlices = new ProcessSlices();
    /** Processes whose failure was published (the ticker notices failures). */
    private final java.util.Set<HostedProcess> reportedFailed = ConcurrentHashMap.newKeySet();
    /** This node's load balancer (off unless configured) and the thread that runs it; replaced by {@link #startBalancer}. */
    private volatile dev.caravan.node.balance.Balancer balancer;
    private dev.caravan.node.balance.BalancerThread balancerThread;
    /** Per-process quotas and the handler watchdog (see {@link dev.caravan.node.quota.NodeQuotas}). */
    private final dev.caravan.node.quota.NodeQuotas quotas;
    /** Whether the node answered for its processes at the last tick (lease loss is published once). */
    private boolean ownedAtLastTick = true;
    /** Its slices' quotas: processes and memory cluster-wide, connections on this node; set at start. */
    private SliceQuotas sliceQuotas;
    /** Set when this node is a sandbox JVM's node (host and slice); null on a host. */
    private final dev.caravan.node.sandbox.SandboxRole sandboxRole;
    /** A host's sandboxes (null in a sandbox): where processes deployed with security.isolation=sandbox run. */
    private final dev.caravan.node.sandbox.Sandboxes sandboxes;

    /** Where a node started without a code policy looks for trusted keys (what {@code caravan node --trust-dir} defaults to). */
    public static final java.nio.file.Path DEFAULT_TRUST_DIR = java.nio.file.Path.of(".caravan", "trust");

    /** How this node's control port and its outgoing control links are carried (plaintext or mutual TLS). */
    private final dev.caravan.wire.security.TransportSecurity security;
    /**
     * Whether RESP processes hosted here serve their data endpoint over TLS too: always on a TLS node
     * (the node-to-node session links need it), {@link #serveRespOverTls} states it explicitly.
     */
    private volatile boolean respTls;

    private NodeDaemon(NodeConfig config, NamingService naming, Clock clock, CodePolicy codePolicy,
                       dev.caravan.wire.security.TransportSecurity security,
                       dev.caravan.node.sandbox.SandboxRole sandboxRole) throws IOException {
        this.config = config;
        this.security = java.util.Objects.requireNonNull(security, "security");
        // --tls implies RESP over TLS: every node-to-node session link (hand-offs of moved sessions, stable
        // endpoints, switches) goes to a process's TLS front, so a TLS node always opens one (never plaintext links).
        this.respTls = security.isTls();
        this.sandboxRole = sandboxRole;
        this.naming = naming;
        this.clock = clock;
        this.bundles = new BundleStore(config.dataDir().resolve("bundles"), NodeDaemon.class.getClassLoader(), codePolicy);
        this.factory = new ProcessFactory(bundles);
        this.fetcher = new BundleFetcher(naming, bundles, config.nodeId(), config.token(), security);
        this.chunkPool = new ChunkPool(PagedMemory.DEFAULT_PAGE_SIZE_BYTES, config.chunkPool(), clock);
        chunkPool.startPrefault();
        this.lease = new LeaseKeeper(naming, "node/" + config.nodeId(), config.leaseTtlMs(), clock, this::reregister);
        this.clientBundles = new ClientBundles(bundles,
                hash -> fetcher.fetch(hash, lease.leaseId(), config.bindHost(), control.port()), name -> hosted(name).spec());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("node-" + config.nodeId() + "-ticker").daemon(true).factory());
        this.events = new dev.caravan.observe.EventLog(config.nodeId());
        this.metrics = new dev.caravan.observe.DaemonMetrics("node", config.nodeId());
        this.meters = new NodeMeters(metrics.registry(), this::status, lease, processes::values, clock);
        this.nodeEvents = new NodeEvents(events, config.nodeId());
        events.tagSubjects(processSlices::fieldsOf);
        this.quotas = new dev.caravan.node.quota.NodeQuotas(config.nodeId(), events, metrics.registry(), clock::nanoTime,
                this::stopProcess);
        this.sandboxes = sandboxRole != null ? null : new dev.caravan.node.sandbox.Sandboxes(config, naming, events,
                dev.caravan.node.sandbox.SandboxSettings.defaults(config.naming() == null ? ""
                        : dev.caravan.naming.NamingSpec.embedded(config.naming()).toString()), security, codePolicy);
    }

    /**
     * Starts a node that requires signed code, trusting the keys of {@link #DEFAULT_TRUST_DIR}
     * (relative to the working directory): {@link #start(NodeConfig, NamingService, Clock, CodePolicy)}.
     */
    public static NodeDaemon start(NodeConfig config, NamingService naming, Clock clock) throws Exception {
        return start(config, naming, clock, CodePolicy.requireSigned(DEFAULT_TRUST_DIR));
    }

    /**
     * Starts a node: opens its lease, binds its control port, registers, starts ticking.
     *
     * @param codePolicy which code it may load: signed by trusted keys, or (development) anything
     */
    public static NodeDaemon start(NodeConfig config, NamingService naming, Clock clock, CodePolicy codePolicy) throws Exception {
        return start(config, naming, clock, NodeAccessSettings.defaults(), dev.caravan.wire.security.TransportSecurity.plaintext(),
                codePolicy);
    }

    /**
     * Starts a node with tokens with roles and slices ({@link NodeAccess}) whose control port and
     * outgoing control links (peer nodes, bundle fetches, migration) run over {@code security}, and
     * which loads only code {@code codePolicy} admits; {@code naming} is already connected by the caller.
     */
    public static NodeDaemon start(NodeConfig config, NamingService naming, Clock clock, NodeAccessSettings access,
                                   dev.caravan.wire.security.TransportSecurity security, CodePolicy codePolicy) throws Exception {
        return start(config, naming, clock, access, security, codePolicy, null);
    }

    /**
     * Starts the node of a sandbox JVM for {@code sandboxRole}'s slice (see
     * {@link dev.caravan.node.sandbox.SandboxMain}), over its host's transport and code policy.
     */
    public static NodeDaemon startSandbox(NodeConfig config, NamingService naming, Clock clock,
                                          dev.caravan.wire.security.TransportSecurity security, CodePolicy codePolicy,
                                          dev.caravan.node.sandbox.SandboxRole sandboxRole, NodeAccessSettings access)
            throws Exception {
        return start(config, naming, clock, access, security, codePolicy, java.util.Objects.requireNonNull(sandboxRole));
    }

    private static NodeDaemon start(NodeConfig config, NamingService naming, Clock clock, NodeAccessSettings access,
                                    dev.caravan.wire.security.TransportSecurity security, CodePolicy codePolicy,
                                    dev.caravan.node.sandbox.SandboxRole sandboxRole) throws Exception {
        NodeDaemon node = new NodeDaemon(config, naming, clock, codePolicy, security, sandboxRole);
        try {
            node.lease.open();
            // Renewals start at once: what follows (binding ports, loading junixsocket's native code for the
            // handoff) can take longer than a lease on a loaded machine, and the first registration needs it alive.
            long renewMs = Math.max(50, node.lease.termMs() / 4);
            node.scheduler.scheduleWithFixedDelay(node.critical(node.lease::onTick), renewMs, renewMs, TimeUnit.MILLISECONDS);
            node.sliceQuotas = new SliceQuotas(node, new dev.caravan.node.slice.SliceRegistry(access.slicesDir()),
                    new dev.caravan.node.slice.SliceConnections(config.nodeId(), node.events));
            if (node.sandboxes != null) {
                node.sandboxes.slicesDir(access.slicesDir());
                node.sandboxes.tokens(access.tokens());
            }
            NodeAccess nodeAccess = new NodeAccess(node, config.token(), access);
            node.control = new FrameServer("node-" + config.nodeId(),
                    new InetSocketAddress(config.bindHost(), config.controlPort()),
                    new ControlHandler(node, nodeAccess), config.token(), 4096, dev.caravan.wire.Frame.DEFAULT_MAX_FRAME_BYTES,
                    dev.caravan.wire.net.FrameServer.DEFAULT_HELLO_TIMEOUT, security);
            node.resources = new dev.caravan.migration.resources.ResourceMigrator(config.nodeId(),
                    config.dataDir().resolve("resources"), config.devices(), config.bindHost() + ":" + node.control.port(),
                    node::readRemoteResource);
            node.migration = new dev.caravan.migration.MigrationEngine(new NodeMigrationHost(node), node.resources,
                    config.migration(), node.nodeEvents);
            node.migration.addListener(new MigrationMeters(node.metrics.registry()));
            node.migration.addListener(new dev.caravan.migration.MigrationListener() {
                @Override
                public void onArrivalCommitted(String name, String sourceNode, long epoch) {
                    node.balancer.onArrived(name);
                }
            });
            node.startBalancer(dev.caravan.node.balance.BalanceSettings.DEFAULTS);
            node.startHandoff();
            if (config.adminPort() >= 0) {
                node.observe = dev.caravan.observe.ObserveServer.start(new InetSocketAddress(config.bindHost(), config.adminPort()),
                        config.token(), node.metrics, node.events, dev.caravan.observe.LogLines.shared(), security);
                node.observe.authenticateWith(nodeAccess.authenticator());
            }
            node.registerSelfAtStart();
            node.quotas.start();
            node.scheduler.scheduleWithFixedDelay(node.critical(node::tickProcesses), TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
            LOG.log(System.Logger.Level.INFO, "node " + config.nodeId() + " serving control on " + node.control.address());
            LOG.log(System.Logger.Level.INFO, "node " + config.nodeId() + ": " + codePolicy.describe());
            node.nodeEvents.started(config.bindHost() + ":" + node.control.port(),
                    node.observe == null ? "" : config.bindHost() + ":" + node.observe.address().getPort());
            node.started = true;
            return node;
        } catch (Exception | Error e) {
            try {
                node.close();
            } catch (RuntimeException | Error closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** The first registration: refused with one clear line when another live node holds this id. */
    private void registerSelfAtStart() {
        try {
            registerSelf(lease.leaseId());
        } catch (CaravanException e) {
            if (e.code() != ErrorCode.ALREADY_EXISTS) {
                throw e;
            }
            String where = "";
            try {
                where = naming.lookup("node/" + config.nodeId()).map(n -> " (control " + n.host() + ":" + n.port() + ")").orElse("");
            } catch (CaravanException ignored) {
                // The refusal says enough without the address.
            }
            throw ErrorCode.ALREADY_EXISTS.exception("node id " + config.nodeId() + " is in use by a running node" + where
                    + "; stop that node or choose another --id");
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

    /** The admin port's address (metrics, events, logs), empty when the node opens none. */
    public java.util.Optional<InetSocketAddress> adminAddress() {
        dev.caravan.observe.ObserveServer o = observe;
        return o == null ? java.util.Optional.empty() : java.util.Optional.of(o.address());
    }

    /** This node's event ring: publish lifecycle steps here. */
    public dev.caravan.observe.EventLog events() {
        return events;
    }

    /** This node's meter registry. */
    public dev.caravan.observe.DaemonMetrics metrics() {
        return metrics;
    }

    /** Free memory this node keeps warm for arriving processes (its chunk pool), in bytes. */
    long warmBytes() {
        return chunkPool.pooledBytes();
    }

    /** Whether the node currently answers for its processes (holds a live lease). */
    public boolean ownsProcesses() {
        return lease.owns();
    }

    private void registerSelf(long leaseId) {
        Map<String, String> attributes = new java.util.HashMap<>(Map.of("role", "node", "host", config.bindHost(),
                "schedulable", String.valueOf(!cordoned)));
        if (handoff != null) {
            attributes.put("handoff", handoff.path().toString());
        }
        // Switches hand off only to a node with their own host identity (one machine AND one network namespace).
        String hostId = dev.caravan.servers.handoff.HostIdentity.local();
        if (!hostId.isEmpty()) {
            attributes.put(dev.caravan.servers.handoff.HostIdentity.ATTRIBUTE, hostId);
        }
        if (observe != null) {
            attributes.put("admin", config.bindHost() + ":" + observe.address().getPort());
        }
        if (sandboxRole != null) {
            attributes.putAll(sandboxRole.attributes());
        }
        naming.register(leaseId, new NamingEntry("node/" + config.nodeId(), config.nodeId(), config.bindHost(),
                control.port(), 0, attributes, leaseId));
    }

    /**
     * Opens the TCP handoff socket ({@code <data-dir>/handoff.sock}): a switch on this host passes
     * client connections there for a process's data endpoint to adopt. Without it (the JVM lacks
     * {@link dev.caravan.servers.handoff.SocketDescriptors#ADD_OPENS}, or the socket cannot be
     * bound) the node runs as before and switches splice its clients' bytes instead.
     */
    private void startHandoff() {
        if (!dev.caravan.servers.handoff.SocketDescriptors.canWrap()) {
            LOG.log(System.Logger.Level.INFO, "node " + config.nodeId() + ": TCP handoff off (start the JVM with "
                    + dev.caravan.servers.handoff.SocketDescriptors.ADD_OPENS + "); switches will splice instead");
            return;
        }
        java.nio.file.Path socket = config.dataDir().resolve("handoff.sock").toAbsolutePath();
        try {
            java.nio.file.Files.createDirectories(config.dataDir());
            handoff = HandoffReceiver.start(socket, config.token(), this::handoffTarget);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "node " + config.nodeId() + ": TCP handoff off, cannot open " + socket + ": "
                    + e.getMessage() + "; switches will splice instead");
        }
    }

    /** The process a switch hands a connection to: served here, with a node that owns its processes. */
    private HandoffReceiver.Target handoffTarget(String name) {
        HostedProcess p = processes.get(name);
        if (p == null || !lease.owns()) {
            return null;
        }
        return new HandoffReceiver.Target() {
            @Override
            public long epoch() {
                return p.runner().epoch();
            }

            @Override
            public void adopt(java.nio.channels.SocketChannel connection, java.nio.ByteBuffer alreadyRead) {
                p.endpoint().adopt(connection, alreadyRead);
            }
        };
    }

    /** Request-limit settings a deployment may override ({@link dev.caravan.wire.resp.RespLimits#with}); published in naming when set. */
    private static final java.util.Set<String> PUBLISHED_LIMIT_KEYS = java.util.Set.of(
            dev.caravan.wire.resp.RespLimits.PROTO_MAX_BULK_LEN, dev.caravan.wire.resp.RespLimits.PROTO_MAX_MULTIBULK_LEN,
            dev.caravan.wire.resp.RespLimits.CLIENT_QUERY_BUFFER_LIMIT, dev.caravan.wire.resp.RespLimits.CLIENT_QUERY_HEAP_LIMIT);

    /** The naming attribute of a process entry holding its RESP-over-TLS port on the entry's host ({@code --resp-tls}). */
    public static final String TLS_PORT_ATTRIBUTE = dev.caravan.servers.forward.TlsLinkOpener.TLS_PORT_ATTRIBUTE;

    /**
     * {@code caravan node --resp-tls}: every RESP process hosted here from now on (deployed,
     * arrived by migration, restored) also serves its data endpoint over mutual TLS
     * ({@link HostedProcess#openRespTls}), its port published in naming as
     * {@value #TLS_PORT_ATTRIBUTE}; processes already here get theirs now. Call once, after start.
     *
     * @throws CaravanException INVALID_ARGUMENT when the node runs plaintext (no {@code --tls DIR})
     */
    public void serveRespOverTls() {
        if (!security.isTls()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--resp-tls needs --tls DIR (the node's identity serves the TLS port)");
        }
        respTls = true;
        for (HostedProcess p : List.copyOf(processes.values())) {
            if (!DataEndpoint.speaksHttp(p.spec())) {
                try {
                    p.openRespTls(security);
                    registerProcess(lease.leaseId(), p);
                } catch (IOException | CaravanException e) {
                    LOG.log(System.Logger.Level.WARNING, "process " + p.spec().name() + ": no RESP over TLS: " + e.getMessage());
                }
            }
        }
    }

    private void registerProcess(long leaseId, HostedProcess p) {
        Map<String, String> attributes = new java.util.HashMap<>();
        attributes.put("id", p.runner().id().toString());
        attributes.put("control", config.bindHost() + ":" + control.port());
        if (!p.front().isEmpty()) {
            attributes.put("front", p.front());
        }
        attributes.put("protocol", DataEndpoint.speaksHttp(p.spec()) ? "http" : "resp");
        // A deployment's labels (config label.<key>=<value>) are published as they are: switches select backends by them.
        // So are its request-limit overrides and whether clients must authenticate: a switch's front end for the
        // process applies the limits its data endpoint applies.
        p.spec().config().forEach((k, v) -> {
            if (k.startsWith(LABEL_PREFIX) || PUBLISHED_LIMIT_KEYS.contains(k)) {
                attributes.put(k, v);
            }
        });
        NodeAccess.publishSlice(p.spec(), attributes);
        if (p.spec().config().containsKey(DataEndpoint.PASSWORD_KEY)) {
            attributes.put("auth", "password");
        }
        if (p.respTlsPort() > 0 && !DataEndpoint.speaksHttp(p.spec())) {
            attributes.put(TLS_PORT_ATTRIBUTE, Integer.toString(p.respTlsPort()));
        }
        naming.register(leaseId, new NamingEntry("process/" + p.spec().name(), config.nodeId(), p.dataHost(),
                p.dataPort(), p.runner().epoch(), attributes, leaseId));
    }

    /** After a lost lease: register the node again and every process it still may own. */
    private void reregister(long leaseId) throws InterruptedException {
        if (control == null) {
            // Lost while starting: the first registration, still to come, takes the new lease.
            return;
        }
        registerSelf(leaseId);
        for (HostedProcess p : List.copyOf(processes.values())) {
            try {
                registerProcess(leaseId, p);
            } catch (CaravanException e) {
                if (!ownedElsewhere(p, e)) {
                    throw e;
                }
                if (migration.isCommittingOut(p.spec().name())) {
                    // Most likely its own destination's commit, whose answer has not arrived yet: the migration
                    // hands the process off (post-copy still needs its pages here), or resumes it if naming says so.
                    LOG.log(System.Logger.Level.INFO, "process " + p.spec().name() + " is registered elsewhere (" + e.getMessage()
                            + ") while its migration from here commits; the migration decides");
                    continue;
                }
                LOG.log(System.Logger.Level.WARNING, "process " + p.spec().name() + " is owned elsewhere now (" + e.getMessage()
                        + "); stopping the stale copy here");
                processes.remove(p.spec().name());
                // Not on this (the ticker's) thread: a copy that does not stop would hold up lease renewal.
                Thread.ofPlatform().daemon(true).name("stop-stale-" + p.spec().name()).start(() -> {
                    try {
                        p.close();
                    } catch (InterruptedException | RuntimeException stopping) {
                        LOG.log(System.Logger.Level.WARNING, "stopping stale copy of " + p.spec().name() + ": " + stopping);
                    }
                });
            }
        }
        fetcher.reregister(leaseId);
    }

    /**
     * Whether naming refused re-registering {@code p} because another node owns the name now: a
     * higher epoch (it moved on), or the same epoch under another node's live lease (it was started
     * there while this node was cut off). Not when the holder is this node (naming may still hold
     * this node's previous lease for the last tenth of its term): that clears by itself.
     */
    private boolean ownedElsewhere(HostedProcess p, CaravanException refusal) {
        if (refusal.code() == ErrorCode.STALE_EPOCH) {
            return true;
        }
        return refusal.code() == ErrorCode.ALREADY_EXISTS && naming.lookup("process/" + p.spec().name())
                .map(holder -> !holder.node().equals(config.nodeId())).orElse(false);
    }

    private void tickProcesses() {
        for (HostedProcess p : processes.values()) {
            p.runner().tick();
            if (p.runner().state() == dev.caravan.core.process.ProcessState.FAILED && reportedFailed.add(p)) {
                nodeEvents.failed(p.spec().name(), p.runner().failureReason());
            }
        }
        reportedFailed.removeIf(p -> !processes.containsValue(p));
        boolean owns = lease.owns();
        if (owns != ownedAtLastTick) {
            ownedAtLastTick = owns;
            if (owns) {
                nodeEvents.leaseRegained();
            } else {
                nodeEvents.leaseLost(config.leaseTtlMs());
            }
        }
        meters.onTick();
    }

    /** Stores a bundle pushed to this node and advertises it. */
    String putBundle(byte[] jar, String expectedHash) throws IOException {
        return putBundle(jar, expectedHash, null);
    }

    /** Stores a bundle pushed with its signature (null: none), if the code policy admits it, and advertises it. */
    String putBundle(byte[] jar, String expectedHash, byte[] signature) throws IOException {
        String hash = bundles.put(jar, expectedHash, signature);
        fetcher.advertise(lease.leaseId(), hash, config.bindHost(), control.port());
        return hash;
    }

    byte[] getBundle(String hash) throws IOException {
        return bundles.get(hash);
    }

    /** The signature stored for a bundle, empty when it has none. */
    byte[] getBundleSignature(String hash) throws IOException {
        return bundles.signature(hash);
    }

    /** Which code this node loads. */
    public CodePolicy codePolicy() {
        return bundles.policy();
    }

    ClientBundles clientBundles() {
        return clientBundles;
    }

    /** The class loader of bundle {@code hash}, pulled from another node first if this one lacks it (remote evaluation). */
    ClassLoader bundleLoader(String hash, String what) throws IOException {
        if (!bundles.has(hash)) {
            fetcher.fetch(hash, lease.leaseId(), config.bindHost(), control.port());
        }
        return bundles.loader(hash, what);
    }

    /** Starts a process here; pulls its bundle from another node if this one lacks it. */
    ProcessInfo startProcess(ProcessSpec spec) throws Exception {
        if (dev.caravan.node.sandbox.SandboxRole.isSandboxed(spec.config()) && sandboxRole == null) {
            requireOwnership();
            requireSchedulable("start " + spec.name());
            return sandboxes.startProcess(spec);
        }
        if (sandboxRole != null) {
            requireSliceOfSandbox(spec);
        }
        try {
            ProcessInfo info = startProcessHere(spec);
            nodeEvents.deployed(spec, info.dataHost() + ":" + info.dataPort(), info.front());
            return info;
        } catch (CaravanException e) {
            // A name in use is about another process: no event under its name.
            if (e.code() != ErrorCode.ALREADY_EXISTS) {
                nodeEvents.startFailed(spec, e.getMessage());
            }
            throw e;
        } catch (Exception e) {
            nodeEvents.startFailed(spec, String.valueOf(e.getMessage()));
            throw e;
        }
    }

    /** In a sandbox: only sandboxed processes of its slice. */
    private void requireSliceOfSandbox(ProcessSpec spec) {
        String slice = dev.caravan.node.sandbox.SandboxRole.sliceOf(spec.config());
        if (!dev.caravan.node.sandbox.SandboxRole.isSandboxed(spec.config()) || !slice.equals(sandboxRole.slice())) {
            throw ErrorCode.FORBIDDEN.exception("sandbox " + config.nodeId() + " runs only sandboxed processes of slice "
                    + sandboxRole.slice() + ", not " + spec.name() + " (slice " + slice + "); deploy to its host "
                    + sandboxRole.hostId());
        }
    }

    /** A host's sandboxes; empty in a sandbox. */
    public Optional<dev.caravan.node.sandbox.Sandboxes> sandboxes() {
        return Optional.ofNullable(sandboxes);
    }

    /** The node id of this host's sandbox for {@code slice}, started if none runs ({@link dev.caravan.wire.Op#NODE_SANDBOX_ENSURE}). */
    String ensureSandbox(String slice) throws InterruptedException {
        if (sandboxes == null) {
            throw ErrorCode.INVALID_ARGUMENT.exception(config.nodeId() + " is a sandbox and runs none; ask its host "
                    + sandboxRole.hostId());
        }
        requireOwnership();
        requireSchedulable("start a sandbox for slice " + slice);
        return sandboxes.ensure(slice);
    }

    /**
     * A migration from a sandbox goes to its destination's sandbox of the same slice (see SandboxMigrations):
     * asked on the control port, by a drain, or by the process itself.
     */
    dev.caravan.wire.node.MigrationRequest sandboxDestination(dev.caravan.wire.node.MigrationRequest request) {
        return sandboxRole == null ? request
                : dev.caravan.node.sandbox.SandboxMigrations.retarget(request, sandboxRole, naming, this::peerLink);
    }

    private ProcessInfo startProcessHere(ProcessSpec spec) throws Exception {
        synchronized (lifecycleLock) {
            requireOwnership();
            requireSchedulable("start " + spec.name());
            if (processes.containsKey(spec.name())) {
                throw ErrorCode.ALREADY_EXISTS.exception("process " + spec.name() + " already runs on this node");
            }
            if (migration.isArriving(spec.name())) {
                throw ErrorCode.ALREADY_EXISTS.exception("process " + spec.name() + " is arriving on this node (a migration, "
                        + "clone or restore); wait for it, or choose another name");
            }
            Optional<NamingEntry> existing = naming.lookup("process/" + spec.name());
            if (existing.isPresent()) {
                throw ErrorCode.ALREADY_EXISTS.exception("process " + spec.name() + " already runs on node "
                        + existing.get().node());
            }
            if (!spec.bundleHash().isEmpty() && !bundles.has(spec.bundleHash())) {
                fetcher.fetch(spec.bundleHash(), lease.leaseId(), config.bindHost(), control.port());
            }
            clientBundles.ensurePresent(spec);
            CaravanProcess code = factory.create(spec);
            FrontEndpoint front = newFront(spec);
            HostedProcess hosted;
            try {
                hosted = prepareHosted(spec, ProcessId.random(), 1, code, config.bindHost() + ":" + front.port());
            } catch (Exception | Error e) {
                front.close();
                throw e;
            }
            try {
                Map<String, String> declared = new java.util.HashMap<>();
                for (dev.caravan.core.process.ResourceBinding b : code.resources()) {
                    declared.put(b.name(), b.uri());
                }
                bindResources(hosted, declared);
                awaitStart(hosted.runner().start(false), spec.name());
                registerProcess(lease.leaseId(), hosted);
                processes.put(spec.name(), hosted);
                lifecycleLock.notifyAll();
                FrontEndpoint previous = fronts.put(spec.name(), front);
                if (previous != null) {
                    previous.close();
                }
            } catch (Exception e) {
                front.close();
                hosted.close();
                throw e;
            }
            LOG.log(System.Logger.Level.INFO, "started process " + spec.name() + " (" + hosted.runner().id() + ") data endpoint "
                    + hosted.dataHost() + ":" + hosted.dataPort());
            return hosted.info(config.nodeId());
        }
    }

    dev.caravan.migration.resources.ResourceMigrator resources() {
        return resources;
    }

    /** Reads part of a resource another node kept for a process that left it (a global reference). */
    private byte[] readRemoteResource(String node, String qualifiedName, long offset, int maxBytes) {
        NamingEntry peer = naming.lookup("node/" + node).orElseThrow(() ->
                ErrorCode.NOT_FOUND.exception("node " + node + ", which holds " + qualifiedName + ", is not registered"));
        InetSocketAddress at = new InetSocketAddress(peer.host(), peer.port());
        return peerLink(at).call(dev.caravan.wire.Op.NODE_READ_RESOURCE,
                dev.caravan.wire.node.ResourceProtocol.readBody(qualifiedName, offset, maxBytes),
                java.time.Duration.ofSeconds(30)).expectOk().bytes();
    }

    /** A control connection to another node, kept and reused while it stays open. */
    dev.caravan.wire.net.FrameClient peerLink(InetSocketAddress at) {
        return peerLinks.compute(at, (a, old) -> old != null && old.isOpen() ? old
                : dev.caravan.wire.net.FrameClient.connect(a, new dev.caravan.wire.net.Hello("node/" + config.nodeId(),
                config.token()), java.time.Duration.ofSeconds(10), security));
    }

    /** Binds a process's declared resources to their URIs and lets it open them through this node. */
    void bindResources(HostedProcess hosted, Map<String, String> uris) {
        hosted.runner().bindResources(uris, resources::open);
    }

    /** Its slices' quotas (processes and memory cluster-wide, connections on this node). */
    SliceQuotas sliceQuotas() {
        return sliceQuotas;
    }

    /** This node's quotas and handler watchdog: {@code --handler-timeout}, {@code --max-bundle-size}, the unstoppable hook. */
    public dev.caravan.node.quota.NodeQuotas quotas() {
        return quotas;
    }

    /** Where a process's data endpoint is now, per naming; null if unregistered. */
    private InetSocketAddress locate(String name) {
        return naming.lookup("process/" + name).map(e -> new InetSocketAddress(e.host(), e.port())).orElse(null);
    }

    /** Memory, runner (not started) and data endpoint for a process; rolls back on failure. */
    HostedProcess prepareHosted(ProcessSpec spec, ProcessId id, long epoch, CaravanProcess code, String front) {
        processSlices.remember(spec);
        dev.caravan.node.quota.ProcessQuotas.from(spec.config()); // refuses invalid quotas before anything is allocated
        if (sandboxRole != null) {
            requireSliceOfSandbox(spec);
        } else if (dev.caravan.node.sandbox.SandboxRole.isSandboxed(spec.config())) {
            // Never in a host's JVM: a move into a host goes to its sandbox (ControlHandler, migrateInBackground).
            throw ErrorCode.FORBIDDEN.exception("process " + spec.name() + " is sandboxed (slice "
                    + dev.caravan.node.sandbox.SandboxRole.sliceOf(spec.config()) + ") and runs only in a sandbox, not in node "
                    + config.nodeId() + "'s JVM; move it with 'caravan migrate --to " + config.nodeId() + "'");
        }
        PagedMemory memory = new PagedMemory(spec.memoryBytes(), PagedMemory.DEFAULT_PAGE_SIZE_BYTES, chunkPool);
        ProcessRunner runner = new ProcessRunner(id, spec.name(), epoch, code, memory, clock, spec.config(),
                config.mailboxCapacity());
        try {
            runner.nodeServices(new HostedNodeServices(this, spec.config()));
        } catch (RuntimeException e) {
            memory.close();
            throw e;
        }
        try {
            DataEndpoint endpoint = new DataEndpoint(spec.name(), runner, lease::owns, config.bindHost(),
                    dev.caravan.servers.model.ServerModel.parse(spec.config().getOrDefault(DataEndpoint.MODEL_KEY, DataEndpoint.DEFAULT_MODEL.cliName())),
                    config.token(), config.respLimits().with(spec.config()), spec.config().containsKey(DataEndpoint.PASSWORD_KEY),
                    DataEndpoint.speaksHttp(spec));
            endpoint.quota(quotas.attach(spec.name(), runner, spec.config()));
            sliceQuotas.connectionGate(spec).ifPresent(endpoint::shareConnections);
            HostedProcess hosted = new HostedProcess(spec, runner, memory, endpoint, config.bindHost(), front,
                    java.time.Duration.ofMillis(config.stopDeadlineMs()));
            // HTTP processes get the TLS front too, unpublished: only for the session links nodes hand moved sessions off on.
            if (respTls) {
                try {
                    hosted.openRespTls(security);
                } catch (IOException e) {
                    endpoint.close();
                    throw ErrorCode.UNAVAILABLE.exception("process " + spec.name() + ": cannot open its RESP over TLS port on "
                            + config.bindHost() + ": " + e.getMessage());
                }
            }
            return hosted;
        } catch (RuntimeException e) {
            memory.close();
            throw e;
        }
    }

    /** The code of a process: a sample, or a bundle pulled from another node if missing here. */
    CaravanProcess createProcessCode(ProcessSpec spec) throws IOException {
        if (!spec.bundleHash().isEmpty() && !bundles.has(spec.bundleHash())) {
            fetcher.fetch(spec.bundleHash(), lease.leaseId(), config.bindHost(), control.port());
        }
        clientBundles.ensurePresent(spec);
        return factory.create(spec);
    }

    /** A stable endpoint for {@code spec}'s process, with its request limits and password requirement. */
    private FrontEndpoint newFront(ProcessSpec spec) {
        // With --resp-tls its session links go over TLS to the process's TLS endpoint, wherever it runs (every node
        // of a --resp-tls cluster publishes one).
        return new FrontEndpoint(spec.name(), () -> locate(spec.name()), config.bindHost(), clock::nanoTime, config.token(),
                config.respLimits().with(spec.config()), spec.config().containsKey(DataEndpoint.PASSWORD_KEY),
                respTls ? dev.caravan.servers.forward.TlsLinkOpener.over(security, naming, spec.name(), config.token(),
                        clock::nanoTime) : null);
    }

    /** Opens a stable endpoint here for a process that has none yet (clones, restores); returns host:port. */
    String openFront(ProcessSpec spec) {
        String name = spec.name();
        FrontEndpoint front = newFront(spec);
        FrontEndpoint previous = fronts.put(name, front);
        if (previous != null) {
            previous.close();
        }
        return config.bindHost() + ":" + front.port();
    }

    void closeFront(String name) {
        FrontEndpoint f = fronts.remove(name);
        if (f != null) {
            f.close();
        }
    }

    /**
     * Waits until {@code runner}'s process is on the books, at most {@code timeoutMs}; whether it is.
     * A process may ask to be moved from its start hook, before the node has registered it.
     */
    boolean awaitHosted(String name, ProcessRunner runner, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (lifecycleLock) {
            while (processes.get(name) == null || processes.get(name).runner() != runner) {
                long leftNs = deadline - System.nanoTime();
                if (leftNs <= 0 || runner.terminated().isDone()) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lifecycleLock, Math.min(leftNs, TimeUnit.MILLISECONDS.toNanos(100)));
            }
            return true;
        }
    }

    /**
     * Runs one migration on a platform thread of its own (named {@code threadName}), as a drain and the
     * balancer start theirs; the future completes with its report, or exceptionally with what it threw.
     */
    java.util.concurrent.CompletableFuture<dev.caravan.wire.node.MigrationReport> migrateInBackground(
            dev.caravan.wire.node.MigrationRequest request, String threadName) {
        java.util.concurrent.CompletableFuture<dev.caravan.wire.node.MigrationReport> result = new java.util.concurrent.CompletableFuture<>();
        Thread.ofPlatform().daemon(true).name(threadName).start(() -> {
            try {
                result.complete(migration.migrate(sandboxDestination(request), p -> { }));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result.completeExceptionally(e);
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** The processes on the books now (not the abandoned ones), in no order. */
    List<HostedProcess> hostedProcesses() {
        return List.copyOf(processes.values());
    }

    boolean hostsProcess(String name) {
        return processes.containsKey(name);
    }

    String token() {
        return config.token();
    }

    /** How this node's ports and links are carried: plaintext or mutual TLS with the node's identity. */
    public dev.caravan.wire.security.TransportSecurity security() {
        return security;
    }

    /**
     * The commit point of an arriving process: register it in naming with its new epoch (naming
     * refuses a lower one, so the source is fenced from here on), then start it.
     */
    void commitArrival(HostedProcess hosted) throws Exception {
        synchronized (lifecycleLock) {
            requireOwnership();
            HostedProcess here = processes.get(hosted.spec().name());
            if (here != null && here != hosted) {
                // Deployed here while it was arriving: exactly one process may bear the name.
                throw ErrorCode.ALREADY_EXISTS.exception("process " + hosted.spec().name() + " was started on node "
                        + config.nodeId() + " while it was arriving; the arrival is dropped");
            }
            registerProcess(lease.leaseId(), hosted);
            processes.put(hosted.spec().name(), hosted);
            lifecycleLock.notifyAll();
        }
        // Returns at once: onArrive runs on the process thread after the switch-over, ahead of any command.
        awaitStart(hosted.runner().start(true), hosted.spec().name());
        hosted.runner().startHook().whenComplete((ns, failure) -> {
            if (failure == null) {
                LOG.log(System.Logger.Level.INFO, "process " + hosted.spec().name() + " ran onArrive in "
                        + TimeUnit.NANOSECONDS.toMillis(ns) + " ms");
            }
        });
    }

    /** A post-copy process that lost pages: failed, and withdrawn from naming so nobody is sent to it. */
    void markLost(HostedProcess hosted) {
        hosted.runner().markFailed("it lost pages with its migration source; restore it from a checkpoint");
        try {
            naming.unregister(lease.leaseId(), "process/" + hosted.spec().name(), hosted.runner().epoch());
        } catch (CaravanException e) {
            LOG.log(System.Logger.Level.INFO, "withdrawing failed process " + hosted.spec().name() + ": " + e);
        }
    }

    dev.caravan.migration.MigrationEngine migration() {
        return migration;
    }

    NamingService naming() {
        return naming;
    }

    Clock clock() {
        return clock;
    }

    NodeConfig config() {
        return config;
    }

    int controlPort() {
        return control.port();
    }

    /** Takes a process that has moved away off this node's books. */
    void removeHosted(HostedProcess hosted) {
        synchronized (lifecycleLock) {
            processes.remove(hosted.spec().name(), hosted);
        }
    }

    void scheduleLater(Runnable task, long delayMs) {
        scheduler.schedule(task, delayMs, TimeUnit.MILLISECONDS);
    }

    /** host:port of another node's control endpoint, per naming (empty if unknown or unreachable). */
    Optional<String> controlAddressOf(String nodeId) {
        try {
            return naming.lookup("node/" + nodeId).map(e -> e.host() + ":" + e.port());
        } catch (CaravanException e) {
            return Optional.empty();
        }
    }

    String bindHost() {
        return config.bindHost();
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

    /**
     * Stops a process here: withdraws its name, closes its endpoints and stops it within the
     * stop deadline, abandoning it if it does not stop (the reply says which). The node's lock
     * is held only to take the process off the books, never while it stops.
     *
     * @throws CaravanException BUSY while it is being moved, NOT_FOUND when it is not here
     */
    dev.caravan.wire.node.StopReply stopProcess(String name) throws InterruptedException {
        return stopProcess(name, null);
    }

    /**
     * {@link #stopProcess(String)}, of {@code only} when not null: the process stops itself
     * ({@link dev.caravan.core.process.ProcessContext#stopSelf}), and a process of that name that
     * arrived here since is another incarnation, left alone (NOT_FOUND).
     */
    dev.caravan.wire.node.StopReply stopProcess(String name, ProcessRunner only) throws InterruptedException {
        HostedProcess p;
        FrontEndpoint front;
        synchronized (lifecycleLock) {
            if (migration.isMoving(name)) {
                throw ErrorCode.BUSY.exception("process " + name + " is being moved; stop it when the move is done"
                        + " or cancel the move");
            }
            p = processes.get(name);
            if (p == null || (only != null && p.runner() != only)) {
                throw ErrorCode.NOT_FOUND.exception("no process " + name + " on node " + config.nodeId());
            }
            processes.remove(name);
            front = fronts.remove(name);
        }
        withdraw(p);
        dev.caravan.wire.node.StopReply reply;
        try {
            reply = p.close();
        } finally {
            if (front != null) {
                front.close();
            }
        }
        onStopped(p, reply);
        return reply;
    }

    private void withdraw(HostedProcess p) {
        try {
            naming.unregister(lease.leaseId(), "process/" + p.spec().name(), p.runner().epoch());
        } catch (CaravanException e) {
            LOG.log(System.Logger.Level.INFO, "unregistering " + p.spec().name() + ": " + e);
        }
    }

    private void onStopped(HostedProcess p, dev.caravan.wire.node.StopReply reply) {
        String name = p.spec().name();
        nodeEvents.stopped(name, reply);
        if (reply.stopped()) {
            LOG.log(System.Logger.Level.INFO, "stopped process " + name);
            return;
        }
        if (sandboxRole != null) {
            dev.caravan.node.sandbox.SandboxMain.onUnstoppable(name, reply.detail());
        }
        ProcessId id = p.runner().id();
        abandoned.put(id, p);
        p.runner().terminated().thenRun(() -> abandoned.remove(id, p));
        LOG.log(System.Logger.Level.WARNING, "process " + name + " (" + id + ") " + reply.detail());
    }

    /** Every process here, with the abandoned ones (STUCK) whose threads have not ended. */
    List<ProcessInfo> list() throws InterruptedException {
        List<ProcessInfo> infos = new ArrayList<>();
        // Every thread is asked first: a listing waits HostedProcess.STATS_WAIT_MS at most in all.
        processes.values().forEach(HostedProcess::askStats);
        for (HostedProcess p : processes.values()) {
            infos.add(withActivity(p.info(config.nodeId())));
        }
        for (HostedProcess p : abandoned.values()) {
            infos.add(p.info(config.nodeId()));
        }
        infos.sort((a, b) -> a.name().compareTo(b.name()));
        return infos;
    }

    /** One process, FAILED and STUCK ones included. */
    ProcessInfo inspect(String name) throws InterruptedException {
        requireOwnership();
        HostedProcess p = processes.get(name);
        if (p == null) {
            p = abandoned.values().stream().filter(a -> a.spec().name().equals(name)).findFirst().orElse(null);
        }
        if (p == null) {
            throw ErrorCode.NOT_HERE.exception("process " + name + " is not on node " + config.nodeId());
        }
        return withActivity(p.info(config.nodeId()));
    }

    /** A report with what the migration engine is doing with the process, unless it has more urgent news. */
    private ProcessInfo withActivity(ProcessInfo info) {
        String activity = migration.activity(info.name());
        return activity.isEmpty() || !info.stateDetail().isEmpty() ? info : info.withStateDetail(activity);
    }

    /**
     * Runs one command on a hosted process, deduplicating by (clientId, requestId).
     *
     * @throws CaravanException NOT_HERE when the process is not here or the node lost its lease, QUOTA_EXCEEDED when
     *                          the call is over its request-rate quota or the process was stopped for a quota
     */
    Reply call(String name, long clientId, long requestId, Command command) throws InterruptedException {
        HostedProcess p = hosted(name);
        quotas.admitCall(p.runner());
        return p.call(clientId, requestId, command);
    }

    /**
     * A process that is here and can serve.
     *
     * @throws CaravanException NOT_HERE when it is not here or the node lost its lease,
     *                          PROCESS_FAILED (with the reason) when it has failed
     */
    HostedProcess hosted(String name) {
        requireOwnership();
        HostedProcess p = processes.get(name);
        if (p == null) {
            throw ErrorCode.NOT_HERE.exception("process " + name + " is not on node " + config.nodeId());
        }
        p.requireServing();
        return p;
    }

    /**
     * Refuses new work while cordoned.
     *
     * @throws CaravanException UNSCHEDULABLE naming what was refused
     */
    void requireSchedulable(String what) {
        if (cordoned) {
            throw ErrorCode.UNSCHEDULABLE.exception("node " + config.nodeId() + " is cordoned (unschedulable) and takes no new"
                    + " process: cannot " + what + "; choose another node or run 'caravan uncordon " + config.nodeId() + "'");
        }
    }

    /**
     * Cordons ({@code false}) or uncordons ({@code true}) the node and publishes it in its naming
     * entry; returns the status after. Idempotent.
     */
    dev.caravan.wire.node.NodeStatus setSchedulable(boolean schedulable) {
        synchronized (lifecycleLock) {
            if (cordoned == schedulable) {
                cordoned = !schedulable;
                registerSelf(lease.leaseId());
                nodeEvents.schedulable(schedulable);
                if (schedulable && sandboxes != null) {
                    // A drain cordoned them with the host; they take processes again with it.
                    sandboxes.schedulable(true);
                }
                LOG.log(System.Logger.Level.INFO, "node " + config.nodeId() + (schedulable ? " uncordoned: takes new processes again"
                        : " cordoned: takes no new processes"));
            }
        }
        return status();
    }

    /** Capacity, reservations and load, for placement (see {@link Placement}). */
    dev.caravan.wire.node.NodeStatus status() {
        return status(null);
    }

    /**
     * The status as {@code who} may see it (NODE_STATUS): for a tenant (an identity in a slice) the
     * process count and allocated memory are those of its slice's processes only; capacity and
     * reservations stay the node's (placement needs them). Null: everything.
     */
    dev.caravan.wire.node.NodeStatus status(dev.caravan.wire.security.Identity who) {
        long reserved = 0;
        long allocated = 0;
        int count = 0;
        for (HostedProcess p : processes.values()) {
            reserved += p.spec().memoryBytes();
            if (who == null || who.canReach(p.spec().config().getOrDefault(dev.caravan.wire.node.SecuritySettings.SLICE, ""))) {
                allocated += p.memory().allocatedBytes();
                count++;
            }
        }
        // A sandbox takes only its slice's processes, which its host sends it: placement never picks it.
        return new dev.caravan.wire.node.NodeStatus(config.nodeId(), !cordoned && sandboxRole == null, config.processMemoryBytes(), reserved, count,
                allocated, cpuLoadPermille());
    }

    private static int cpuLoadPermille() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            double load = os.getProcessCpuLoad();
            return load < 0 ? -1 : (int) Math.round(Math.min(1.0, load) * 1000);
        }
        return -1;
    }

    /**
     * (Re)starts this node's balancer with {@code settings} (see {@link dev.caravan.node.balance.Balancer});
     * the previous one stops. Every node runs one: when off it only measures the load its probes answer.
     */
    public synchronized void startBalancer(dev.caravan.node.balance.BalanceSettings settings) {
        if (balancerThread != null) {
            balancerThread.close();
        }
        balancer = new dev.caravan.node.balance.Balancer(new NodeBalanceHost(this), settings, clock,
                java.util.random.RandomGenerator.of("L64X128MixRandom"),
                new dev.caravan.node.balance.BalanceEventLog(events, config.nodeId()));
        balancerThread = new dev.caravan.node.balance.BalancerThread(config.nodeId(), balancer);
        // Off is the default and says nothing: a node's stderr carries only what someone asked for.
        if (settings.mode() != dev.caravan.node.balance.BalanceMode.OFF) {
            LOG.log(System.Logger.Level.INFO, "node " + config.nodeId() + " balancing: " + settings.mode().label()
                    + " by " + settings.metric().label() + ", high " + settings.high() + ", low " + settings.low() + ", "
                    + settings.probes() + " probes, period " + settings.periodMs() + " ms, cooldown " + settings.cooldownMs() + " ms");
        }
    }

    /** This node's balancer. */
    public dev.caravan.node.balance.Balancer balancer() {
        return balancer;
    }

    /** Processes in this host's sandboxes now (per naming), by name; empty in a sandbox. */
    List<String> sandboxedProcesses() {
        if (sandboxes == null) {
            return List.of();
        }
        List<String> out = new java.util.ArrayList<>();
        sandboxes.running().values().forEach(r -> out.addAll(r.processes()));
        return out;
    }

    /** Processes here now: name → paged-memory capacity. */
    Map<String, Long> hostedCapacities() {
        Map<String, Long> out = new java.util.TreeMap<>();
        processes.forEach((name, p) -> out.put(name, p.spec().memoryBytes()));
        return out;
    }

    /**
     * Cordons the node and moves every process off it ({@link Evacuator}), on the calling thread;
     * {@code progress} gets each step. Every step is logged at INFO.
     *
     * @throws CaravanException BUSY when a drain is already running here
     */
    public dev.caravan.wire.node.DrainReport drain(dev.caravan.wire.node.DrainRequest request,
                                                 java.util.function.Consumer<dev.caravan.wire.node.DrainStep> progress)
            throws InterruptedException {
        if (!draining.compareAndSet(false, true)) {
            throw ErrorCode.BUSY.exception("node " + config.nodeId() + " is already being drained");
        }
        try {
            LOG.log(System.Logger.Level.INFO, "draining node " + config.nodeId() + ": " + processes.size() + " process(es), "
                    + request.mode() + ", timeout " + request.timeoutMs() + " ms");
            nodeEvents.drainBegun(processes.size(), request.mode().toString(), request.timeoutMs());
            Evacuator evacuator = new Evacuator(new NodeEvacuationHost(this), request, clock, step -> {
                LOG.log(System.Logger.Level.INFO, "drain " + config.nodeId() + ": " + step.describe());
                progress.accept(step);
            });
            long startMs = clock.nowMs();
            dev.caravan.wire.node.DrainReport report = evacuator.run();
            if (sandboxes != null) {
                // Its sandboxed processes move too, each to another host's sandbox of its slice (the host is cordoned now).
                report = sandboxes.drainAfter(report, request, startMs, clock, step -> {
                    LOG.log(System.Logger.Level.INFO, "drain " + config.nodeId() + ": " + step.describe());
                    progress.accept(step);
                });
            }
            nodeEvents.drained(report);
            LOG.log(System.Logger.Level.INFO, "drain " + config.nodeId() + (report.drained() ? ": node is empty"
                    : ": failed, " + report.stayed().size() + " process(es) stay: " + report.detail()) + " (cordoned)");
            return report;
        } finally {
            draining.set(false);
        }
    }

    /**
     * What a node does before it stops on SIGTERM: moves its processes to other nodes within
     * {@code graceMs} when another schedulable node exists (0 disables), and logs at INFO and
     * publishes ({@code daemon-stopping}) what it did — each process moved where, or why it is
     * stopped with the node.
     *
     * @param why what asked the node to stop, for the log and the event ("got SIGTERM")
     */
    public void drainBeforeShutdown(long graceMs, String why) throws InterruptedException {
        new ShutdownDrain(this, LOG, why).run(graceMs);
    }

    public void drainBeforeShutdown(long graceMs) throws InterruptedException {
        drainBeforeShutdown(graceMs, "is stopping");
    }

    NodeEvents nodeEvents() {
        return nodeEvents;
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

    /**
     * Stops every process (in parallel, each within the stop deadline), withdraws from naming
     * and closes the ports. Every step runs even when one fails; the first failure is thrown
     * after all of them with the others suppressed. Finishes within about one stop deadline
     * even when processes do not stop. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        CloseAll all = new CloseAll();
        all.close(quotas);
        all.run(scheduler::shutdownNow);
        synchronized (this) {
            if (balancerThread != null) {
                all.close(balancerThread);
            }
        }
        all.close(handoff);
        if (migration != null) {
            all.close(migration);
        }
        List<HostedProcess> toStop;
        List<FrontEndpoint> toClose;
        synchronized (lifecycleLock) {
            toStop = List.copyOf(processes.values());
            processes.clear();
            toClose = List.copyOf(fronts.values());
            fronts.clear();
        }
        if (sandboxes != null) {
            Thread sandboxStopper = Thread.ofPlatform().daemon(true).name("stop-sandboxes").start(sandboxes::close);
            all.run(() -> stopAll(toStop));
            all.run(sandboxStopper::join);
        } else {
            all.run(() -> stopAll(toStop));
        }
        toClose.forEach(all::close);
        all.run(lease::close);
        all.close(control);
        peerLinks.values().forEach(all::close);
        all.run(bundles::close);
        all.run(chunkPool::close);
        all.close(observe);
        all.run(metrics::close);
        if (started) {
            LOG.log(System.Logger.Level.INFO, "node " + config.nodeId() + " stopped");
        }
        closedLatch.countDown();
        all.throwIfFailed("closing node " + config.nodeId());
    }

    /**
     * Stops processes side by side, so that closing takes one stop deadline, not one per stuck
     * process. On platform threads: processes that spin without blocking hold the carrier threads
     * of virtual threads, and may hold all of them.
     */
    private void stopAll(List<HostedProcess> toStop) throws InterruptedException {
        CloseAll all = new CloseAll();
        List<Thread> stoppers = new ArrayList<>();
        for (HostedProcess p : toStop) {
            stoppers.add(Thread.ofPlatform().daemon(true).name("stop-" + p.spec().name()).start(() -> {
                try {
                    dev.caravan.wire.node.StopReply reply = p.close();
                    if (!reply.stopped()) {
                        LOG.log(System.Logger.Level.WARNING, "process " + p.spec().name() + " " + reply.detail());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "stopping process " + p.spec().name() + ": " + e);
                }
            }));
        }
        java.time.Duration bound = java.time.Duration.ofMillis(config.stopDeadlineMs()).plusSeconds(5);
        for (Thread t : stoppers) {
            if (!t.join(bound)) {
                all.record(new IllegalStateException("stopping " + t.getName() + " took longer than " + bound.toMillis() + " ms"));
            }
        }
        all.throwIfFailed("stopping processes");
    }
}
