package dev.caravan.launch;

import dev.caravan.naming.NamingSpec;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.net.HostPort;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A naming service, N nodes, (by default) one switch and (if asked) the web dashboard, each in its own JVM running
 * {@link NamingMain}, {@link NodeMain}, {@link SwitchMain} or {@link DashboardMain}: what {@code caravan up}, {@code caravan demo} and the benchmarks run, and what
 * the cluster harness in caravan-test-support builds on.
 *
 * <pre>
 *   LocalCluster c = LocalCluster.builder().nodes(3).workDir(dir).start();
 * </pre>
 *
 * The JVMs run with {@link DaemonJvm}'s settings (full JIT, the server collector, a 1 GiB node
 * heap) unless told otherwise: {@link Builder#daemonJvm} sets the node heap and extra options,
 * {@link Builder#jvmOptions} replaces every option (tests start short-lived JVMs with fast-start
 * options that way).
 *
 * <p>The switch starts after the nodes, keeps its state in {@code workDir/switches/s1} and opens a
 * front end for every process ({@link #switchAdmin()} finds its admin API). The dashboard, when
 * asked for ({@link Builder#dashboards}), starts last ({@link #dashboardAddress()}).
 *
 * <p>By default every daemon runs on 127.0.0.1 of this machine. {@link Builder#placement} runs each
 * one elsewhere: with a command prefix (e.g. {@code ip netns exec h2}, a network-namespace test host)
 * and {@code --bind} its address, so that every address the cluster advertises (naming entries,
 * control, data and front endpoints, migration page streams) is that host's.
 * <p>With {@link Builder#naming(NamingSpec)} the cluster uses a naming service that runs elsewhere
 * (a ZooKeeper ensemble, {@code zk://…}) and starts no naming JVM; {@link #namingSpec()} says where
 * naming is either way.
 *
 * <p>Closing stops every JVM (dashboard, switch, then nodes), cleanly, and kills any that does not stop in time.
 * Not thread-safe: one owner starts, inspects and closes it.
 */
public final class LocalCluster implements AutoCloseable {
    /** A log line at ERROR level ({@link LogSetup}'s format): an unexpected error in a daemon. */
    public static final Pattern ERROR_LINE = Pattern.compile("^\\S+ ERROR ");
    /** The most switches a local cluster starts (without a placement each on its own loopback address 127.0.0.i). */
    public static final int MAX_SWITCHES = 8;

    private final Path workDir;
    private final List<String> namingJvmOptions;
    private final List<String> jvmOptions;
    private final long leaseMs;
    private final List<String> nodeArgs;
    private final int switches;
    private final List<String> switchJvmOptions;
    private final int dashboards;
    private final Placement placement;
    /** The cluster's certificates when it runs over mutual TLS ({@link Builder#tls}), else null. */
    private ClusterPki pki;
    private final Map<String, DaemonPlace> nodePlaces = new LinkedHashMap<>();
    private final NamingSpec externalNaming;
    private ChildJvm dashboardJvm;
    private InetSocketAddress dashboardAddress;
    private ChildJvm naming;
    private ChildJvm switchJvm;
    private final List<ChildJvm> retiredSwitches = new ArrayList<>();
    /** Switches s2..sN of a front tier, by id. */
    private final Map<String, ChildJvm> extraSwitches = new LinkedHashMap<>();
    private final Map<String, InetSocketAddress> extraSwitchAdmins = new LinkedHashMap<>();
    private InetSocketAddress switchAdmin;
    private final List<ChildJvm> retiredNamings = new ArrayList<>();
    private InetSocketAddress namingAddress;
    private InetSocketAddress namingAdmin;
    private final Map<String, ChildJvm> nodes = new LinkedHashMap<>();
    private final Map<String, InetSocketAddress> controls = new LinkedHashMap<>();
    private final Map<String, InetSocketAddress> nodeAdmins = new LinkedHashMap<>();
    private InetSocketAddress switchMetrics;
    private final List<java.util.function.BiConsumer<String, Integer>> exitListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private LocalCluster(Path workDir, List<String> namingJvmOptions, List<String> jvmOptions, long leaseMs, List<String> nodeArgs,
                         int switches, List<String> switchJvmOptions, int dashboards, Placement placement, NamingSpec externalNaming) {
        this.workDir = workDir;
        this.placement = placement;
        this.externalNaming = externalNaming;
        this.dashboards = dashboards;
        this.switches = switches;
        this.switchJvmOptions = switchJvmOptions;
        this.namingJvmOptions = namingJvmOptions;
        this.jvmOptions = jvmOptions;
        this.leaseMs = leaseMs;
        this.nodeArgs = nodeArgs;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Fluent settings for a local cluster. */
    public static final class Builder {
        private int nodes = 3;
        private int namingPort;
        private Path workDir = Path.of(".caravan");
        private List<String> namingJvmOptions = DaemonJvm.options(DaemonJvm.NAMING_HEAP, List.of());
        private List<String> jvmOptions = DaemonJvm.defaults();
        private long leaseMs = 3000;
        private List<String> nodeArgs = List.of();
        private List<String> codeArgs = List.of();
        private int switches = 1;
        private List<String> switchJvmOptions = DaemonJvm.options(SwitchMain.DEFAULT_HEAP, List.of());
        private int dashboards;
        private List<String> dashboardJvmOptions = DaemonJvm.options(DashboardMain.DEFAULT_HEAP, List.of());
        private Placement placement = Placement.LOCAL;
        private NamingSpec naming;
        private Path tlsDir;

        /**
         * Runs every daemon over mutual TLS with certificates from the CA in {@code pkiDir} (made
         * when missing, see {@link ClusterPki}); this process's own client links use its
         * {@code admin} identity ({@link dev.caravan.wire.net.ClientTransport#use}).
         */
        public Builder tls(Path pkiDir) {
            this.tlsDir = pkiDir;
            return this;
        }

        /**
         * Where each daemon runs ({@link Placement}: a command prefix and a bind address per daemon);
         * {@link Placement#LOCAL} (the default) runs every one on 127.0.0.1 of this machine.
         */
        public Builder placement(Placement placement) {
            this.placement = java.util.Objects.requireNonNull(placement, "placement");
            return this;
        }

        /**
         * Uses the naming service {@code spec} names, running elsewhere (for example a ZooKeeper
         * ensemble, {@code zk://…}), instead of starting a naming JVM; null (the default) starts one.
         */
        public Builder naming(NamingSpec spec) {
            this.naming = spec;
            return this;
        }

        /** How many dashboards: 0 (the default) none, 1 starts {@link DashboardMain} on a free port last. */
        public Builder dashboards(int n) {
            if (n < 0 || n > 1) {
                throw ErrorCode.INVALID_ARGUMENT.exception("dashboards must be 0 or 1, got " + n);
            }
            this.dashboards = n;
            return this;
        }

        /**
         * How many switches: 1 (the default) starts {@link SwitchMain} after the nodes, 0 none; more
         * start a front tier ({@value #MAX_SWITCHES} at most): switch {@code s<i>} runs in
         * {@link Placement#switchPlace(int)} — by default on 127.0.0.i —, so every switch serves the
         * shared front ends on the same port of its own address.
         */
        public Builder switches(int n) {
            if (n < 0 || n > MAX_SWITCHES) {
                throw ErrorCode.INVALID_ARGUMENT.exception("switches must be 0.." + MAX_SWITCHES + ", got " + n);
            }
            this.switches = n;
            return this;
        }

        private static List<String> concat(List<String> a, List<String> b) {
            List<String> all = new ArrayList<>(a);
            all.addAll(b);
            return List.copyOf(all);
        }

        /**
         * Development mode for every node ({@code --allow-unsigned}): unsigned code is loaded. Without
         * this or {@link #trustDir}, nodes require code signed by a key of {@code .caravan/trust}.
         */
        public Builder allowUnsigned() {
            this.codeArgs = List.of("--allow-unsigned");
            return this;
        }

        /** Every node requires code signed by a key trusted in {@code dir} ({@code --trust-dir}). */
        public Builder trustDir(Path dir) {
            this.codeArgs = List.of("--trust-dir", dir.toAbsolutePath().toString());
            return this;
        }

        /** Extra arguments for every node (see {@link NodeMain}; for example {@code --device printer=devices/printer}). */
        public Builder nodeArgs(List<String> args) {
            this.nodeArgs = List.copyOf(args);
            return this;
        }

        public Builder nodes(int n) {
            this.nodes = n;
            return this;
        }

        /** Port for naming; 0 (the default) picks a free one. */
        public Builder namingPort(int port) {
            this.namingPort = port;
            return this;
        }

        public Builder workDir(Path dir) {
            this.workDir = dir;
            return this;
        }

        /**
         * Daemon settings ({@link DaemonJvm}) with this node heap, plus {@code extraOptions} for
         * every JVM (naming keeps its small heap).
         *
         * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT for a bad heap size or option
         */
        public Builder daemonJvm(String nodeHeap, List<String> extraOptions) {
            this.namingJvmOptions = DaemonJvm.options(DaemonJvm.NAMING_HEAP, extraOptions);
            this.switchJvmOptions = DaemonJvm.options(SwitchMain.DEFAULT_HEAP, extraOptions);
            this.dashboardJvmOptions = DaemonJvm.options(DashboardMain.DEFAULT_HEAP, extraOptions);
            this.jvmOptions = DaemonJvm.options(nodeHeap, extraOptions);
            return this;
        }

        /** Every option of every JVM, naming's too, instead of the daemon settings (tests: fast start). */
        public Builder jvmOptions(List<String> options) {
            this.namingJvmOptions = List.copyOf(options);
            this.switchJvmOptions = List.copyOf(options);
            this.dashboardJvmOptions = List.copyOf(options);
            this.jvmOptions = List.copyOf(options);
            return this;
        }

        public Builder leaseMs(long ms) {
            this.leaseMs = ms;
            return this;
        }

        /** Starts naming, then the nodes in parallel, then the switch; on failure stops what started. */
        public LocalCluster start() throws IOException, InterruptedException {
            if (nodes < 0 || nodes > 64) {
                throw ErrorCode.INVALID_ARGUMENT.exception("nodes must be 0..64, got " + nodes);
            }
            if (switches > placement.switches().size()) {
                throw ErrorCode.INVALID_ARGUMENT.exception(switches + " switches need a place each, the placement has "
                        + placement.switches().size() + "; give Placement one switch place per switch");
            }
            LocalCluster c = new LocalCluster(workDir, namingJvmOptions, jvmOptions, leaseMs, concat(codeArgs, nodeArgs), switches, switchJvmOptions,
                    dashboards, placement, naming);
            if (tlsDir != null) {
                c.pki = ClusterPki.open(tlsDir);
                dev.caravan.wire.net.ClientTransport.use(dev.caravan.wire.security.TransportSecurity.mutualTls(c.pki.admin()));
            }
            try {
                if (naming == null) {
                    c.startNaming(namingPort);
                }
                List<String> ids = new ArrayList<>();
                for (int i = 1; i <= nodes; i++) {
                    ids.add("n" + i);
                }
                c.startNodes(ids);
                if (switches > 0) {
                    c.startSwitch(0);
                }
                for (int i = 2; i <= switches; i++) {
                    c.startExtraSwitch(i);
                }
                if (dashboards > 0) {
                    c.startDashboard(dashboardJvmOptions);
                }
                return c;
            } catch (IOException | InterruptedException | RuntimeException e) {
                c.close();
                throw e;
            }
        }
    }

    private void startNaming(int port) throws IOException, InterruptedException {
        naming = startNamingJvm("naming", port);
        namingAddress = HostPort.parse(naming.awaitReady("address", 60_000));
        namingAdmin = HostPort.parse(naming.awaitReady("admin", 60_000));
    }

    private ChildJvm startNamingJvm(String name, int port) throws IOException {
        DaemonPlace at = placement.naming();
        return ChildJvm.start(name, at.commandPrefix(), namingJvmOptions, NamingMain.class,
                tls("naming", at.bindAddress(), List.of("--port", String.valueOf(port), "--bind", at.bindAddress())),
                workDir.resolve("logs"));
    }

    /** {@code args} with {@code --tls DIR/NAME} when the cluster runs over TLS. */
    private List<String> tls(String member, String bindAddress, List<String> args) {
        if (pki == null) {
            return args;
        }
        List<String> out = new ArrayList<>(args);
        out.addAll(List.of(TlsOption.NAME, pki.member(member, bindAddress).toString()));
        return out;
    }

    /** The cluster's certificates when it runs over mutual TLS, else empty. */
    public java.util.Optional<ClusterPki> pki() {
        return java.util.Optional.ofNullable(pki);
    }

    /**
     * Starts a new, empty naming JVM on the port the first one listened on, so that the nodes find
     * it again — after the running one was killed. The old one's log stays in {@link #loggedErrors()}.
     */
    public ChildJvm restartNaming() throws IOException, InterruptedException {
        if (naming == null) {
            throw new IllegalStateException("this cluster runs no naming JVM: its naming is " + externalNaming);
        }
        if (naming.isAlive()) {
            throw new IllegalStateException("naming is still running; kill it first");
        }
        retiredNamings.add(naming);
        naming = startNamingJvm("naming-" + (retiredNamings.size() + 1), namingAddress.getPort());
        naming.awaitReady("address", 60_000);
        return naming;
    }

    private void startSwitch(int adminPort) throws IOException, InterruptedException {
        String name = "s1" + (retiredSwitches.isEmpty() ? "" : "-" + (retiredSwitches.size() + 1));
        List<String> args = List.of("--id", "s1", "--naming", namingSpec().toString(),
                "--admin-port", String.valueOf(adminPort), "--state-dir", workDir.resolve("switches").resolve("s1").toString(),
                "--lease-ms", String.valueOf(leaseMs), "--bind", placement.switchPlace().bindAddress());
        switchJvm = ChildJvm.start(name, placement.switchPlace().commandPrefix(), SwitchMain.withDataPlaneOptions(switchJvmOptions),
                SwitchMain.class, tls("s1", placement.switchPlace().bindAddress(), args), workDir.resolve("logs"));
        switchAdmin = HostPort.parse(switchJvm.awaitReady("admin", 60_000));
        String metrics = switchJvm.awaitReady("metrics", 60_000);
        switchMetrics = metrics.isEmpty() ? null : HostPort.parse(metrics);
    }

    /**
     * Starts the switch again after it was killed or stopped, on the admin port it had; its
     * process front ends come back on their remembered ports. The old one's log stays in
     * {@link #loggedErrors()}.
     */
    public ChildJvm restartSwitch() throws IOException, InterruptedException {
        if (switchJvm == null) {
            throw new IllegalStateException("this cluster runs no switch");
        }
        if (switchJvm.isAlive()) {
            throw new IllegalStateException("the switch is still running; kill or stop it first");
        }
        retiredSwitches.add(switchJvm);
        startSwitch(switchAdmin.getPort());
        return switchJvm;
    }

    /** Starts switch {@code s<i>} of a front tier in its place ({@link Placement#switchPlace(int)}). */
    private void startExtraSwitch(int i) throws IOException, InterruptedException {
        String id = "s" + i;
        DaemonPlace at = placement.switchPlace(i);
        List<String> args = List.of("--id", id, "--naming", namingSpec().toString(),
                "--bind", at.bindAddress(), "--admin-port", "0", "--state-dir", workDir.resolve("switches").resolve(id).toString(),
                "--lease-ms", String.valueOf(leaseMs));
        ChildJvm jvm = ChildJvm.start(id, at.commandPrefix(), SwitchMain.withDataPlaneOptions(switchJvmOptions), SwitchMain.class,
                tls(id, at.bindAddress(), args), workDir.resolve("logs"));
        extraSwitches.put(id, jvm);
        extraSwitchAdmins.put(id, HostPort.parse(jvm.awaitReady("admin", 60_000)));
    }

    /** Every switch's JVM by id ({@code s1} first), the one running now for s1. */
    public Map<String, ChildJvm> switchJvms() {
        Map<String, ChildJvm> all = new LinkedHashMap<>();
        if (switchJvm != null) {
            all.put("s1", switchJvm);
        }
        all.putAll(extraSwitches);
        return all;
    }

    /** Every switch's admin API address by id ({@code s1} first). */
    public Map<String, InetSocketAddress> switchAdmins() {
        Map<String, InetSocketAddress> all = new LinkedHashMap<>();
        if (switchAdmin != null) {
            all.put("s1", switchAdmin);
        }
        all.putAll(extraSwitchAdmins);
        return all;
    }

    /** The switch's admin API address. @throws IllegalStateException when the cluster runs no switch */
    public InetSocketAddress switchAdmin() {
        if (switchAdmin == null) {
            throw new IllegalStateException("this cluster runs no switch");
        }
        return switchAdmin;
    }

    private void startDashboard(List<String> options) throws IOException, InterruptedException {
        DaemonPlace at = placement.dashboard();
        List<String> args = new ArrayList<>(List.of("--naming", namingSpec().toString(), "--port", "0", "--bind", at.bindAddress()));
        if (pki != null) {
            args.addAll(List.of(TlsOption.NAME, pki.admin().toString()));
        }
        dashboardJvm = ChildJvm.start("dashboard", at.commandPrefix(), options, DashboardMain.class, args, workDir.resolve("logs"));
        dashboardAddress = HostPort.parse(dashboardJvm.awaitReady("address", 60_000));
    }

    /** The web dashboard's address (http://HOST:PORT/). @throws IllegalStateException when the cluster runs none */
    public InetSocketAddress dashboardAddress() {
        if (dashboardAddress == null) {
            throw new IllegalStateException("this cluster runs no dashboard; start it with LocalCluster.builder().dashboards(1)");
        }
        return dashboardAddress;
    }

    /** The switch JVM started last, or null when the cluster runs none. */
    public ChildJvm switchJvm() {
        return switchJvm;
    }

    /** Starts more nodes (ids must be new), waiting until each is ready. */
    public void startNodes(List<String> ids) throws IOException, InterruptedException {
        List<ChildJvm> started = new ArrayList<>();
        for (String id : ids) {
            if (nodes.containsKey(id)) {
                throw ErrorCode.ALREADY_EXISTS.exception("node " + id + " already started");
            }
            Path data = workDir.resolve("nodes").resolve(id);
            Files.createDirectories(data);
            List<String> args = new ArrayList<>(List.of("--id", id, "--naming",
                    namingSpec().toString(), "--data-dir", data.toString(),
                    "--lease-ms", String.valueOf(leaseMs),
                    // Every node reads the same slice definitions: what 'caravan slice create' writes by default.
                    "--slices-dir", workDir.resolve("slices").toAbsolutePath().toString()));
            DaemonPlace at = placement.node(nodes.size() + 1);
            args.addAll(List.of("--bind", at.bindAddress()));
            args.addAll(nodeArgs);
            ChildJvm n = ChildJvm.start(id, at.commandPrefix(), jvmOptions, NodeMain.class, tls(id, at.bindAddress(), args),
                    workDir.resolve("logs"));
            nodes.put(id, n);
            nodePlaces.put(id, at);
            n.exited().thenAccept(code -> exitListeners.forEach(l -> l.accept(id, code)));
            started.add(n);
        }
        for (ChildJvm n : started) {
            controls.put(n.name(), HostPort.parse(n.awaitReady("control", 60_000)));
            String admin = n.awaitReady("admin", 60_000);
            if (!admin.isEmpty()) {
                nodeAdmins.put(n.name(), HostPort.parse(admin));
            }
        }
    }

    /** Where each daemon runs ({@link Builder#placement}). */
    public Placement placement() {
        return placement;
    }

    /** The place node {@code id} runs in. @throws dev.caravan.wire.CaravanException NOT_FOUND for an unknown node */
    public DaemonPlace nodePlace(String id) {
        DaemonPlace at = nodePlaces.get(id);
        if (at == null) {
            throw ErrorCode.NOT_FOUND.exception("no node " + id);
        }
        return at;
    }

    /** Where the cluster's naming is: its naming JVM's address, or the external service it was built with. */
    public NamingSpec namingSpec() {
        return externalNaming != null ? externalNaming : NamingSpec.embedded(namingAddress);
    }

    /** The naming JVM's address. @throws IllegalStateException when naming is external (ZooKeeper): use {@link #namingSpec()} */
    public InetSocketAddress namingAddress() {
        if (externalNaming != null) {
            throw new IllegalStateException("this cluster's naming is " + (externalNaming.isZooKeeper() ? "ZooKeeper " : "")
                    + externalNaming + ", not a naming JVM it started; use namingSpec()");
        }
        return namingAddress;
    }

    /**
     * The naming daemon's admin port (HTTP: /metrics, /events — nodes joining and leaving —, /logs);
     * null when naming is external (ZooKeeper has none).
     */
    public InetSocketAddress namingAdmin() {
        return namingAdmin;
    }

    /** Node id → admin port (HTTP: /metrics, /events, /logs), in start order; nodes started without one are absent. */
    public Map<String, InetSocketAddress> nodeAdmins() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(nodeAdmins));
    }

    /** The switch's observation port (HTTP: /metrics, /events, /logs). @throws IllegalStateException when there is none */
    public InetSocketAddress switchMetrics() {
        if (switchMetrics == null) {
            throw new IllegalStateException("this cluster runs no switch with a metrics port");
        }
        return switchMetrics;
    }

    /** Node id → control endpoint, in start order. */
    public Map<String, InetSocketAddress> nodeControls() {
        return Map.copyOf(controls);
    }

    public List<String> nodeIds() {
        return List.copyOf(nodes.keySet());
    }

    /**
     * Calls {@code listener} with a node's id and exit code when its JVM exits, for every node
     * started so far and every node {@link #startNodes} starts later (a supervisor such as
     * {@code caravan up} reports it). Called on a JDK thread; also for nodes stopped on purpose, so
     * the caller ignores exits it caused. A node that exited before the call is reported at once.
     */
    public void onNodeExit(java.util.function.BiConsumer<String, Integer> listener) {
        Map<String, ChildJvm> known = new LinkedHashMap<>(nodes);
        exitListeners.add((id, code) -> {
            if (!known.containsKey(id)) {
                listener.accept(id, code);
            }
        });
        known.forEach((id, jvm) -> jvm.exited().thenAccept(code -> listener.accept(id, code)));
    }

    public ChildJvm node(String id) {
        ChildJvm n = nodes.get(id);
        if (n == null) {
            throw ErrorCode.NOT_FOUND.exception("no node " + id);
        }
        return n;
    }

    /** The naming JVM started last; null when naming is external. */
    public ChildJvm namingJvm() {
        return naming;
    }

    /** Every JVM of the cluster, naming first, then nodes, then switches (killed ones before the one running now), then the dashboard. */
    public List<ChildJvm> jvms() {
        List<ChildJvm> all = new ArrayList<>(retiredNamings);
        if (naming != null) {
            all.add(naming);
        }
        all.addAll(nodes.values());
        all.addAll(retiredSwitches);
        if (switchJvm != null) {
            all.add(switchJvm);
        }
        all.addAll(extraSwitches.values());
        if (dashboardJvm != null) {
            all.add(dashboardJvm);
        }
        return all;
    }

    /** ERROR lines logged by any daemon so far, prefixed with the daemon's name. */
    public List<String> loggedErrors() throws IOException {
        List<String> errors = new ArrayList<>();
        for (ChildJvm j : jvms()) {
            if (Files.exists(j.log())) {
                for (String line : Files.readAllLines(j.log())) {
                    if (ERROR_LINE.matcher(line).find()) {
                        errors.add(j.name() + ": " + line);
                    }
                }
            }
        }
        return errors;
    }

    /** One NODE_CORDON per running node, in parallel; a node that does not answer is stopped anyway. */
    private void cordonAll() {
        List<Thread> calls = new ArrayList<>();
        for (Map.Entry<String, InetSocketAddress> e : controls.entrySet()) {
            if (!nodes.get(e.getKey()).isAlive()) {
                continue;
            }
            calls.add(Thread.ofVirtual().start(() -> {
                try (dev.caravan.wire.net.FrameClient c = dev.caravan.wire.net.FrameClient.connect(e.getValue(),
                        new dev.caravan.wire.net.Hello("launcher", dev.caravan.wire.net.Hello.tokenFromEnvironment()),
                        java.time.Duration.ofSeconds(2), dev.caravan.wire.net.ClientTransport.current())) {
                    c.call(dev.caravan.wire.Op.NODE_CORDON, new byte[0], java.time.Duration.ofSeconds(2)).expectOk();
                } catch (RuntimeException unreachable) {
                    // Stopped below all the same.
                }
            }));
        }
        for (Thread t : calls) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public Path workDir() {
        return workDir;
    }

    /**
     * Stops the switch, then the nodes (in parallel), then naming. Every node is cordoned first, so
     * that none drains its processes to another that is stopping too (a node drains on SIGTERM
     * only while another node is schedulable).
     */
    @Override
    public void close() {
        cordonAll();
        if (dashboardJvm != null) {
            dashboardJvm.close();
        }
        if (switchJvm != null) {
            switchJvm.close();
        }
        extraSwitches.values().forEach(ChildJvm::close);
        List<Thread> stoppers = new ArrayList<>();
        for (ChildJvm n : nodes.values()) {
            stoppers.add(Thread.ofVirtual().start(n::close));
        }
        for (Thread t : stoppers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (naming != null) {
            naming.close();
        }
        if (pki != null) {
            // The admin identity was this process's client transport for this cluster only.
            dev.caravan.wire.net.ClientTransport.reset();
        }
    }
}
