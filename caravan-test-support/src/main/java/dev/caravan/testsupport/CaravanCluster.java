package dev.caravan.testsupport;

import dev.caravan.client.CaravanClient;
import dev.caravan.client.NodeControl;
import dev.caravan.launch.ChildJvm;
import dev.caravan.launch.DaemonPlace;
import dev.caravan.launch.LocalCluster;
import dev.caravan.launch.Placement;
import dev.caravan.launch.net.NetHosts;
import dev.caravan.launch.ZooKeeperMain;
import dev.caravan.launch.zk.ZooKeeperEnsemble;
import dev.caravan.naming.NamingSpec;
import dev.caravan.wire.net.HostPort;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real cluster for multi-JVM tests: a naming JVM and N node JVMs on loopback (free ports), over
 * {@link LocalCluster}, so the daemons run their own entry points and no test needs the CLI.
 * {@link Builder#onHosts} runs them in network-namespace test hosts instead (cross-host tests).
 *
 * <pre>
 *   try (CaravanCluster c = CaravanCluster.aCluster().withNodes(3).withLeaseMs(1500).start()) {
 *       ProcessInfo kv = c.deployKv("kv1", "n1");
 *       c.client().call("kv1", "SET", "k", "v");
 *   }
 * </pre>
 *
 * With {@link Builder#withZooKeeper()} or {@link Builder#withZooKeeperEnsemble(int)} the cluster's
 * naming is ZooKeeper, each server in a JVM of its own ({@link ZooKeeperEnsemble}), and no naming
 * JVM runs: {@link #namingSpec()} says where naming is, {@link #namingAddress()} then fails.
 *
 * <p>{@link #close()} stops every JVM and then fails with an {@link AssertionError} listing every
 * ERROR line a daemon logged that no {@link Builder#expectingErrors expected pattern} matches.
 * Each cluster gets its own temporary work directory (logs, node data), deleted on a clean close
 * and kept (its path is in the failure message) otherwise.
 */
public final class CaravanCluster implements AutoCloseable {
    /** Options for short-lived child JVMs: small heap, quick start. */
    public static final List<String> FAST_JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-Xshare:auto");
    /** Paged memory given to processes the harness deploys. */
    public static final long PROCESS_MEMORY_BYTES = 64L << 20;

    private final LocalCluster cluster;
    private final ZooKeeperEnsemble zooKeeper;
    private final Path workDir;
    private final List<Pattern> expectedErrors;
    private CaravanClient client;
    private boolean closed;

    private CaravanCluster(LocalCluster cluster, ZooKeeperEnsemble zooKeeper, Path workDir, List<Pattern> expectedErrors) {
        this.cluster = cluster;
        this.zooKeeper = zooKeeper;
        this.workDir = workDir;
        this.expectedErrors = expectedErrors;
    }

    public static Builder aCluster() {
        return new Builder();
    }

    /** Fluent settings; {@link #start()} builds the cluster. */
    public static final class Builder {
        private int nodes = 3;
        private long leaseMs = 3000;
        private final List<Pattern> expectedErrors = new ArrayList<>();
        private List<String> jvmOptions = FAST_JVM_OPTIONS;
        private List<String> nodeArgs = List.of();
        private int switches;
        private boolean tls;

        /** Every daemon over mutual TLS, with certificates made in the work directory ({@link LocalCluster.Builder#tls}). */
        public Builder withTls() {
            this.tls = true;
            return this;
        }
        private int dashboards;
        private Placement placement = Placement.LOCAL;
        private Path trustDir;

        /**
         * Nodes require code signed by a key trusted in {@code dir}; without this the nodes run in
         * development mode ({@code --allow-unsigned}), as a test launcher should.
         */
        public Builder withTrustDir(Path dir) {
            this.trustDir = dir;
            return this;
        }

        /**
         * Runs the daemons inside a fixture's network-namespace hosts ({@link Placement#onHosts}):
         * naming and the switch on h1, the nodes on h2..hN round-robin. The caller owns {@code hosts}
         * and closes it after the cluster.
         */
        public Builder onHosts(NetHosts hosts) {
            return withPlacement(Placement.onHosts(hosts));
        }

        /**
         * Runs each daemon where {@code placement} says (a command prefix and a bind address per
         * daemon); every daemon on 127.0.0.1 by default.
         */
        public Builder withPlacement(Placement placement) {
            this.placement = placement;
            return this;
        }

        private int zooKeepers;
        private List<DaemonPlace> zooKeeperPlaces;
        private int zooKeeperTickMs;

        /** Naming on one ZooKeeper server (its own JVM, {@link ZooKeeperMain}) instead of Caravan's naming JVM. */
        public Builder withZooKeeper() {
            return withZooKeeperEnsemble(1);
        }

        /**
         * Naming on an ensemble of {@code size} ZooKeeper JVMs in a quorum (3 or 5 tolerate failures),
         * in the placement's naming place: loopback by default, naming's host with {@link #onHosts}.
         */
        public Builder withZooKeeperEnsemble(int size) {
            this.zooKeepers = size;
            this.zooKeeperPlaces = null;
            return this;
        }

        /**
         * Naming on an ensemble of one ZooKeeper JVM per place, member {@code i} (from 0) in
         * {@code places.get(i)} ({@link ZooKeeperEnsemble#place(int)}): servers on hosts of their own,
         * so that one server's host can be cut off alone.
         */
        public Builder withZooKeeperEnsembleOn(List<DaemonPlace> places) {
            this.zooKeepers = places.size();
            this.zooKeeperPlaces = List.copyOf(places);
            return this;
        }

        /**
         * ZooKeeper's tick (default: a quarter of the lease, 20..500 ms): ZooKeeper grants sessions,
         * which are the leases, of 2..20 ticks only.
         */
        public Builder withZooKeeperTickMs(int ms) {
            this.zooKeeperTickMs = ms;
            return this;
        }

        /** Starts the web dashboard too (its own JVM, last; see {@link LocalCluster#dashboardAddress()}). Off by default. */
        public Builder withDashboard() {
            this.dashboards = 1;
            return this;
        }

        /**
         * Starts the cluster's switch too (its own JVM, after the nodes; see
         * {@link LocalCluster#switchAdmin()}). Off by default here, unlike {@code caravan up}: most
         * tests reach processes directly, and a JVM per cluster is CPU the suite does not need.
         */
        public Builder withSwitch() {
            this.switches = 1;
            return this;
        }

        /**
         * Starts a front tier of {@code n} switches, each in its place ({@link Placement#switchPlace(int)}:
         * s1 on 127.0.0.1, s2 on 127.0.0.2, … without a placement; {@link LocalCluster#switchAdmins()}).
         */
        public Builder withSwitches(int n) {
            this.switches = n;
            return this;
        }

        /** Extra arguments for every node daemon. */
        public Builder withNodeArgs(String... args) {
            this.nodeArgs = List.of(args);
            return this;
        }

        public Builder withNodes(int n) {
            this.nodes = n;
            return this;
        }

        public Builder withLeaseMs(long ms) {
            this.leaseMs = ms;
            return this;
        }

        public Builder withJvmOptions(List<String> options) {
            this.jvmOptions = List.copyOf(options);
            return this;
        }

        /** ERROR log lines matching any of these (found anywhere in the line) do not fail {@link #close()}. */
        public Builder expectingErrors(Pattern... patterns) {
            expectedErrors.addAll(List.of(patterns));
            return this;
        }

        public CaravanCluster start() throws IOException, InterruptedException {
            Path dir = Files.createTempDirectory("caravan-st-");
            ZooKeeperEnsemble zk = null;
            if (zooKeepers > 0) {
                int tickMs = zooKeeperTickMs > 0 ? zooKeeperTickMs : Math.clamp(leaseMs / 4, 20, 500);
                // ZooKeeper runs where naming is placed (or in the places given), so daemons in every host reach it.
                // On a TLS cluster ZooKeeper serves only TLS client ports, with certificates of the cluster's CA.
                dev.caravan.launch.ClusterPki pki = tls ? dev.caravan.launch.ClusterPki.open(dir.resolve("pki")) : null;
                zk = ZooKeeperEnsemble.start(tickMs, jvmOptions, dir, zooKeeperPlaces != null ? zooKeeperPlaces
                        : java.util.Collections.nCopies(zooKeepers, placement.naming()), pki);
            }
            try {
                LocalCluster.Builder b = LocalCluster.builder();
                if (trustDir != null) {
                    b.trustDir(trustDir);
                } else {
                    // A test launcher: tests push unsigned bundles unless they test signed code (trustDir).
                    b.allowUnsigned();
                }
                b.nodes(nodes).workDir(dir).jvmOptions(jvmOptions)
                        .leaseMs(leaseMs).nodeArgs(nodeArgs).switches(switches).dashboards(dashboards)
                        .placement(placement).naming(zk == null ? null : zk.spec());
                LocalCluster c = (tls ? b.tls(dir.resolve("pki")) : b).start();
                return new CaravanCluster(c, zk, dir, List.copyOf(expectedErrors));
            } catch (IOException | InterruptedException | RuntimeException e) {
                if (zk != null) {
                    zk.close();
                }
                throw e;
            }
        }
    }

    /** The client library, connected to this cluster's naming; closed with the cluster. */
    public synchronized CaravanClient client() {
        if (client == null) {
            client = newClient();
        }
        return client;
    }

    /** A fresh client the caller closes (for tests that count relocations from zero). */
    public CaravanClient newClient() {
        return CaravanClient.connect(cluster.namingSpec(), "", Duration.ofSeconds(10));
    }

    /** Where naming is: the naming JVM, or the ZooKeeper ensemble. */
    public NamingSpec namingSpec() {
        return cluster.namingSpec();
    }

    /** The naming JVM's address. @throws IllegalStateException on a ZooKeeper cluster: use {@link #namingSpec()} */
    public InetSocketAddress namingAddress() {
        return cluster.namingAddress();
    }

    /** {@code host:port} of naming, as the CLI's {@code --naming} takes it. @throws IllegalStateException on ZooKeeper */
    public String namingHostPort() {
        return cluster.namingAddress().getHostString() + ":" + cluster.namingAddress().getPort();
    }

    /** The ZooKeeper ensemble. @throws IllegalStateException when naming is Caravan's naming JVM */
    public ZooKeeperEnsemble zooKeeper() {
        if (zooKeeper == null) {
            throw new IllegalStateException("this cluster's naming is a naming JVM; build it withZooKeeper() for ZooKeeper");
        }
        return zooKeeper;
    }

    /** The ZooKeeper JVMs running now, by member (from 0). */
    public List<ChildJvm> zooKeeperJvms() {
        return zooKeeper().jvms();
    }

    /** Kills ZooKeeper member {@code i} (from 0) with SIGKILL. */
    public void killZooKeeper(int i) throws InterruptedException {
        zooKeeper().kill(i);
    }

    /** Starts ZooKeeper member {@code i} again on its ports and data; waits until the ensemble serves. */
    public ChildJvm restartZooKeeper(int i) throws IOException, InterruptedException {
        return zooKeeper().restart(i);
    }

    /** The ZooKeeper member (from 0) that leads now, per {@code srvr}'s "Mode: leader". */
    public java.util.OptionalInt zooKeeperLeader() {
        return zooKeeper().leader();
    }

    public InetSocketAddress controlAddress(String nodeId) {
        InetSocketAddress a = cluster.nodeControls().get(nodeId);
        if (a == null) {
            throw new IllegalArgumentException("no node " + nodeId + "; nodes: " + cluster.nodeIds());
        }
        return a;
    }

    /** The control connection to a node (shared through {@link #client()}). */
    public NodeControl control(String nodeId) {
        return client().node(controlAddress(nodeId));
    }

    /** Where node {@code nodeId} runs (its command prefix and bind address). */
    public DaemonPlace nodePlace(String nodeId) {
        return cluster.nodePlace(nodeId);
    }

    /** Starts the built-in Redis-compatible process on a node. */
    public ProcessInfo deployKv(String name, String nodeId) {
        return control(nodeId).start(new ProcessSpec(name, "kv", "", "", PROCESS_MEMORY_BYTES, Map.of()));
    }

    /** Pushes a bundle to {@code nodeId} and starts {@code className} from it there. */
    public ProcessInfo deployBundle(String name, byte[] jar, String className, String nodeId) {
        String hash = control(nodeId).putBundle(jar);
        return control(nodeId).start(new ProcessSpec(name, "", hash, className, PROCESS_MEMORY_BYTES, Map.of()));
    }

    /** Where a process's RESP data endpoint listens. */
    public static InetSocketAddress dataAddress(ProcessInfo info) {
        return new InetSocketAddress(info.dataHost(), info.dataPort());
    }

    /** A process's stable endpoint on its home node, which forwards to wherever the process runs now. */
    public static InetSocketAddress frontAddress(ProcessInfo info) {
        return HostPort.parse(info.front());
    }

    /** Kills a node's JVM with SIGKILL, as a crash would. */
    public void killNode(String nodeId) throws InterruptedException {
        cluster.node(nodeId).kill();
    }

    public ChildJvm node(String nodeId) {
        return cluster.node(nodeId);
    }

    /** The naming JVM. @throws IllegalStateException on a ZooKeeper cluster */
    public ChildJvm namingJvm() {
        if (zooKeeper != null) {
            throw new IllegalStateException("this cluster's naming is ZooKeeper (" + cluster.namingSpec() + "); see zooKeeperJvms()");
        }
        return cluster.namingJvm();
    }

    /** Kills the naming JVM with SIGKILL. @throws IllegalStateException on a ZooKeeper cluster */
    public void killNaming() throws InterruptedException {
        namingJvm().kill();
    }

    /**
     * Starts a new naming JVM on the port the original one used (after {@link #killNaming()}),
     * so that nodes can reconnect to it. It is stopped, and its log checked, by {@link #close()}.
     */
    public ChildJvm restartNaming() throws IOException, InterruptedException {
        return cluster.restartNaming();
    }

    public LocalCluster local() {
        return cluster;
    }

    public Path workDir() {
        return workDir;
    }

    /** ERROR lines logged so far by any daemon of this cluster that no expected pattern matches. */
    public List<String> unexpectedErrors() throws IOException {
        List<String> all = new ArrayList<>(cluster.loggedErrors());
        all.removeIf(line -> expectedErrors.stream().anyMatch(p -> p.matcher(line).find()));
        return all;
    }

    /**
     * Stops everything; fails if a daemon logged an unexpected ERROR line. Idempotent.
     *
     * @throws AssertionError listing the unexpected ERROR lines
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (client != null) {
            client.close();
        }
        cluster.close();
        if (zooKeeper != null) {
            zooKeeper.close();
        }
        List<String> errors;
        try {
            errors = unexpectedErrors();
        } catch (IOException e) {
            throw new UncheckedIOException("reading daemon logs in " + workDir, e);
        }
        if (!errors.isEmpty()) {
            throw new AssertionError("daemons logged " + errors.size() + " unexpected ERROR line(s) (logs in "
                    + workDir.resolve("logs") + "):\n  " + String.join("\n  ", errors));
        }
        deleteQuietly(workDir);
    }

    /** Deletes a directory tree, best effort. */
    public static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // A leftover temp file is harmless.
                }
            });
        } catch (IOException ignored) {
            // As above.
        }
    }
}
