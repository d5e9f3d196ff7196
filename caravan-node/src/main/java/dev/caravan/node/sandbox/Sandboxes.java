package dev.caravan.node.sandbox;

import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingService;
import dev.caravan.node.NodeConfig;
import dev.caravan.observe.EventKind;
import dev.caravan.observe.EventLog;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A host node's sandboxes: one child JVM per slice ({@link SandboxJvm} running {@link SandboxMain}),
 * started on demand by the first sandboxed deploy of the slice or by another node that migrates a
 * process of the slice here ({@link #ensure}), limited by its cgroup ({@link SandboxCgroup}) where
 * cgroup v1 is writable and by its heap alone elsewhere (said once, in the log and as a
 * {@code notice} event).
 *
 * <p>When a sandbox ends, for whatever reason (OOM, {@code System.exit}, a runaway handler, a kill),
 * the host logs one line and publishes {@code sandbox-ended} naming the slice, the cause and the
 * processes lost; the next sandboxed deploy of the slice starts a new one. {@link #close} stops
 * every sandbox and waits for its JVM to end (killing it past the stop deadline): a host leaves no
 * orphan JVMs, and its sandboxes also exit by themselves if the host dies (their stdin closes).
 *
 * <p>Thread-safe: ensuring a slice's sandbox is serialized per slice; deploys of other slices and
 * everything else on the host go on meanwhile.
 */
public final class Sandboxes implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Sandboxes.class.getName());
    /** How long a new sandbox may take to start serving. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    /** One running sandbox. */
    private record Sandbox(SandboxRole role, SandboxJvm jvm, SandboxCgroup cgroup, InetSocketAddress control,
                           FrameClient link, Set<String> started) {
    }

    private final NodeConfig host;
    /** The host's transport: its sandboxes use the same identity directory ({@code $CARAVAN_TLS} in their environment). */
    private final dev.caravan.wire.security.TransportSecurity security;
    /** The host's code policy: its sandboxes load only what it would (same trust directory, or both development). */
    private final dev.caravan.wire.security.signing.CodePolicy codePolicy;
    private final NamingService naming;
    private final EventLog events;
    private volatile SandboxSettings settings;
    /** The host's slice definitions, which its sandboxes read too (absolute: a sandbox may work elsewhere). */
    private volatile dev.caravan.wire.security.TokenTable tokens = dev.caravan.wire.security.TokenTable.empty();
    private volatile Path slicesDir = dev.caravan.node.slice.SliceRegistry.DEFAULT_DIR.toAbsolutePath();
    private final Map<String, Sandbox> bySlice = new ConcurrentHashMap<>();
    private final Map<String, Object> sliceLocks = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private boolean cgroupsNoticed;

    public Sandboxes(NodeConfig host, NamingService naming, EventLog events, SandboxSettings settings,
                     dev.caravan.wire.security.TransportSecurity security,
                     dev.caravan.wire.security.signing.CodePolicy codePolicy) {
        this.host = host;
        this.security = security;
        this.codePolicy = codePolicy;
        this.naming = naming;
        this.events = events;
        this.settings = settings;
    }

    /** Replaces the settings; sandboxes started before keep theirs. */
    public void configure(SandboxSettings newSettings) {
        this.settings = newSettings;
    }

    /** The host's tokens with roles, which its sandboxes admit as it does (set at start, before any sandbox). */
    public void tokens(dev.caravan.wire.security.TokenTable table) {
        this.tokens = java.util.Objects.requireNonNull(table);
    }

    /** Where the host reads its slice definitions ({@code caravan node --slices-dir}): its sandboxes read the same. */
    public void slicesDir(Path dir) {
        this.slicesDir = dir.toAbsolutePath();
    }

    public SandboxSettings settings() {
        return settings;
    }

    /**
     * Starts {@code spec}'s process in its slice's sandbox (starting the sandbox first if none runs)
     * and returns what the sandbox reports (its node is {@code <host>.sandbox-<slice>}).
     *
     * @throws CaravanException the sandbox's refusal, or UNAVAILABLE when the sandbox cannot be started
     */
    public ProcessInfo startProcess(ProcessSpec spec) throws InterruptedException {
        String slice = SandboxRole.sliceOf(spec.config());
        Sandbox s = sandbox(slice, spec.memoryBytes());
        BodyWriter w = new BodyWriter();
        spec.writeTo(w);
        ProcessInfo info = ProcessInfo.readFrom(s.link().call(Op.NODE_START, w.toBytes(), CALL_TIMEOUT).expectOk());
        s.started().add(spec.name());
        return info;
    }

    /**
     * The node id of {@code slice}'s sandbox on this host, started if none runs (what another node
     * asks before it migrates a process of the slice here, {@link SandboxOps#ENSURE}).
     */
    public String ensure(String slice) throws InterruptedException {
        return sandbox(SandboxRole.requireName("slice", slice), 0).role().nodeId();
    }

    /** The sandboxes running now, by node id, with their processes (per naming) and control addresses. */
    public Map<String, SandboxDrains.Running> running() {
        Map<String, List<String>> names = new java.util.TreeMap<>();
        bySlice.values().forEach(s -> names.put(s.role().nodeId(), new ArrayList<>()));
        for (NamingEntry e : naming.list("process/")) {
            List<String> in = names.get(e.node());
            if (in != null) {
                in.add(e.name().substring("process/".length()));
            }
        }
        Map<String, SandboxDrains.Running> out = new java.util.TreeMap<>();
        bySlice.values().stream().filter(s -> s.jvm().isAlive()).forEach(s -> out.put(s.role().nodeId(),
                new SandboxDrains.Running(List.copyOf(names.get(s.role().nodeId())), s.control())));
        return out;
    }

    /**
     * Carries the host's drain into its sandboxes ({@link SandboxDrains}): each running sandbox is
     * drained in turn within what is left of {@code request}'s timeout; the report is {@code host}'s
     * with their steps added.
     */
    public dev.caravan.wire.node.DrainReport drainAfter(dev.caravan.wire.node.DrainReport host,
                                                        dev.caravan.wire.node.DrainRequest request, long startMs,
                                                        dev.caravan.core.time.Clock clock,
                                                        java.util.function.Consumer<dev.caravan.wire.node.DrainStep> progress) {
        return SandboxDrains.after(host, running(), request, startMs, clock,
                SandboxDrains.hostLinker(this.host.nodeId(), this.host.token(), security), progress);
    }

    /**
     * Cordons or uncordons every running sandbox with its host: a sandbox drained with its host stays
     * cordoned until the host is uncordoned. A sandbox that does not answer is logged and skipped.
     */
    public void schedulable(boolean schedulable) {
        for (Sandbox s : bySlice.values()) {
            try {
                s.link().call(schedulable ? Op.NODE_UNCORDON : Op.NODE_CORDON, new byte[0], CALL_TIMEOUT).expectOk();
            } catch (CaravanException e) {
                LOG.log(System.Logger.Level.INFO, "sandbox " + s.role().nodeId() + " did not follow its host's "
                        + (schedulable ? "uncordon" : "cordon") + ": " + e.getMessage());
            }
        }
    }

    /** The process ids of the sandbox JVMs running now, by slice (for tests and {@code caravan nodes}). */
    public Map<String, Long> pids() {
        Map<String, Long> out = new LinkedHashMap<>();
        bySlice.forEach((slice, s) -> out.put(slice, s.jvm().pid()));
        return out;
    }

    private Sandbox sandbox(String slice, long processMemoryBytes) throws InterruptedException {
        SandboxRole role = new SandboxRole(host.nodeId(), slice);
        synchronized (sliceLocks.computeIfAbsent(slice, k -> new Object())) {
            if (closed) {
                throw ErrorCode.UNAVAILABLE.exception("node " + host.nodeId() + " is stopping and starts no sandbox");
            }
            Sandbox s = bySlice.get(slice);
            if (s != null && s.jvm().isAlive()) {
                raiseMemory(s, processMemoryBytes);
                return s;
            }
            s = launch(role, processMemoryBytes);
            bySlice.put(slice, s);
            return s;
        }
    }

    private void raiseMemory(Sandbox s, long processMemoryBytes) {
        if (s.cgroup() != null && processMemoryBytes > 0) {
            try {
                s.cgroup().raiseMemory(memoryLimit(settings, processMemoryBytes));
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "sandbox " + s.role().nodeId() + ": " + e.getMessage());
            }
        }
    }

    /** The cgroup's memory limit: heap, the process's paged memory (at least the heap's size) and overhead. */
    static long memoryLimit(SandboxSettings settings, long processMemoryBytes) {
        return settings.heapBytes() + Math.max(processMemoryBytes, settings.heapBytes()) + settings.overheadBytes();
    }

    private Sandbox launch(SandboxRole role, long processMemoryBytes) throws InterruptedException {
        SandboxSettings now = settings;
        releaseLease(role);
        if (now.namingSpec().isEmpty()) {
            throw ErrorCode.UNAVAILABLE.exception("node " + host.nodeId() + " cannot start sandboxes: it was not told where"
                    + " naming is (start it with 'caravan node --naming')");
        }
        SandboxCgroup cgroup = null;
        String cgroupNote;
        try {
            cgroup = SandboxCgroup.create(now.cgroupRoot(), host.nodeId(), role.slice(), now.cpuPercent(),
                    memoryLimit(now, processMemoryBytes), now.pidsMax());
            cgroupNote = cgroup.dirs().get(0).toString().replace("/cpu/", "/{cpu,memory,pids}/");
        } catch (IOException | RuntimeException e) {
            cgroupNote = "none";
            noticeNoCgroups(e.getMessage());
        }
        Path dir = host.dataDir().resolve("sandboxes").resolve(role.slice()).toAbsolutePath();
        SandboxJvm jvm;
        try {
            jvm = SandboxJvm.start(SandboxMain.command(host, role, now, dir, codePolicy, slicesDir), sandboxEnvironment(),
                    dir.resolve("sandbox.log"),
                    ending -> onEnded(role, ending));
        } catch (IOException e) {
            removeCgroup(cgroup);
            throw ErrorCode.UNAVAILABLE.exception("cannot start the sandbox JVM for slice " + role.slice() + ": " + e.getMessage());
        }
        // A Sandbox record is needed for onEnded only once it is in the map; until then a JVM that ends is cleaned up here.
        try {
            if (cgroup != null) {
                cgroup.add(jvm.pid());
            }
            int port = jvm.ready().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            InetSocketAddress control = new InetSocketAddress(host.bindHost(), port);
            FrameClient link = FrameClient.connect(control, new Hello("node/" + host.nodeId(), host.token()), CALL_TIMEOUT,
                    CALL_TIMEOUT, f -> { }, security);
            Sandbox s = new Sandbox(role, jvm, cgroup, control, link, ConcurrentHashMap.newKeySet());
            LOG.log(System.Logger.Level.INFO, "node " + host.nodeId() + " started sandbox " + role.nodeId() + " (pid " + jvm.pid()
                    + ", heap " + (now.heapBytes() >> 20) + "m, cgroup " + cgroupNote + ") control " + control);
            events.publish(EventKind.SANDBOX_STARTED, role.nodeId(), "sandbox " + role.nodeId() + " for slice " + role.slice()
                    + " started (pid " + jvm.pid() + ", cgroup " + cgroupNote + ")", Map.of("slice", role.slice(),
                    "pid", String.valueOf(jvm.pid()), "cgroup", cgroupNote));
            return s;
        } catch (ExecutionException | TimeoutException | IOException | RuntimeException e) {
            jvm.kill();
            String why = e instanceof ExecutionException ee ? ee.getCause().getMessage()
                    : e instanceof TimeoutException ? "it did not serve within " + START_TIMEOUT.toSeconds() + " s" : e.getMessage();
            throw ErrorCode.UNAVAILABLE.exception("the sandbox for slice " + role.slice() + " on node " + host.nodeId()
                    + " did not start: " + why + " (its log: " + dir.resolve("sandbox.log") + ")");
        }
    }

    private synchronized void noticeNoCgroups(String why) {
        String line = "node " + host.nodeId() + ": sandboxes run with their heap limit only, no cgroup (" + why + ")";
        if (!cgroupsNoticed) {
            cgroupsNoticed = true;
            LOG.log(System.Logger.Level.WARNING, line);
        }
        events.publish(EventKind.NOTICE, host.nodeId(), line, Map.of("reason", String.valueOf(why)));
    }

    private void onEnded(SandboxRole role, SandboxJvm.Ending ending) {
        Sandbox s = bySlice.get(role.slice());
        Set<String> lost = new TreeSet<>();
        try {
            for (NamingEntry e : naming.list("process/")) {
                if (e.node().equals(role.nodeId())) {
                    lost.add(e.name().substring("process/".length()));
                }
            }
        } catch (CaravanException e) {
            LOG.log(System.Logger.Level.DEBUG, "listing the processes of " + role.nodeId() + ": " + e.getMessage());
        }
        if (s != null && !s.jvm().isAlive() && bySlice.remove(role.slice(), s)) {
            lost.addAll(s.started());
            s.link().close();
            removeCgroup(s.cgroup());
        } else if (s == null || s.jvm().isAlive()) {
            // Ended before it served (launch cleans up) or an older one: its cgroup may still be there.
            removeCgroupOf(role);
        }
        synchronized (sliceLocks.computeIfAbsent(role.slice(), k -> new Object())) {
            if (!bySlice.containsKey(role.slice())) {
                releaseLease(role);
            }
        }
        String lostText = String.join(",", lost);
        String line = "sandbox " + role.nodeId() + " for slice " + role.slice() + " ended: " + ending.cause()
                + "; processes lost: " + (lost.isEmpty() ? "none" : lostText);
        if (closed && !ending.outOfMemory()) {
            LOG.log(System.Logger.Level.INFO, line + " (its host is stopping)");
        } else {
            LOG.log(System.Logger.Level.WARNING, line);
        }
        events.publish(EventKind.SANDBOX_ENDED, role.nodeId(), line, Map.of("slice", role.slice(), "cause", ending.cause(),
                "exitCode", String.valueOf(ending.exitCode()), "lost", lostText));
    }

    /**
     * Closes the naming lease of a sandbox of {@code role} that ended: its entries (the node and its
     * processes) go at once, not a lease term later, so clients are not sent to a dead JVM and the
     * next sandbox of the slice can register. Call under the slice's lock with no live sandbox.
     */
    private void releaseLease(SandboxRole role) {
        try {
            naming.lookup("node/" + role.nodeId()).ifPresent(e -> naming.closeLease(e.leaseId()));
        } catch (CaravanException e) {
            LOG.log(System.Logger.Level.INFO, "releasing the lease of ended sandbox " + role.nodeId() + ": " + e.getMessage());
        }
    }

    private void removeCgroupOf(SandboxRole role) {
        // Only a group with no tasks can go; one of a live sandbox of the same slice stays.
        if (!bySlice.containsKey(role.slice())) {
            SandboxCgroup.remove(settings.cgroupRoot(), host.nodeId(), role.slice());
        }
    }

    private void removeCgroup(SandboxCgroup cgroup) {
        if (cgroup != null) {
            List<String> left = cgroup.remove();
            if (!left.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "node " + host.nodeId() + ": cannot remove sandbox cgroups " + left);
            }
        }
    }

    /**
     * Stops every sandbox: closes its stdin (it stops its processes within the stop deadline and
     * exits), waits, kills what is still alive after the deadline and a margin, and waits for
     * every JVM to be gone and its cgroup removed. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        List<Sandbox> all = new ArrayList<>();
        for (Map.Entry<String, Object> e : sliceLocks.entrySet()) {
            synchronized (e.getValue()) {
                Sandbox s = bySlice.get(e.getKey());
                if (s != null) {
                    all.add(s);
                }
            }
        }
        all.forEach(s -> s.jvm().askToStop());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(host.stopDeadlineMs() + 5000);
        for (Sandbox s : all) {
            try {
                s.jvm().ended().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                LOG.log(System.Logger.Level.WARNING, "sandbox " + s.role().nodeId() + " did not stop in time; killing it");
                s.jvm().kill();
                s.jvm().ended().orTimeout(30, TimeUnit.SECONDS).exceptionally(t -> null).join();
            } catch (ExecutionException e) {
                LOG.log(System.Logger.Level.WARNING, "sandbox " + s.role().nodeId() + ": " + e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                s.jvm().kill();
            }
        }
    }

    /** The token, and the host's TLS identity directory when it has one, for a sandbox JVM's environment. */
    private Map<String, String> sandboxEnvironment() {
        Map<String, String> env = new java.util.HashMap<>();
        env.put(SandboxMain.TOKEN_ENV, host.token());
        if (!tokens.isEmpty()) {
            env.put(SandboxMain.TOKENS_ENV, tokens.format());
        }
        if (security.isTls()) {
            env.put(dev.caravan.wire.security.TransportSecurity.ENV, security.directory().toAbsolutePath().toString());
        }
        return env;
    }
}
