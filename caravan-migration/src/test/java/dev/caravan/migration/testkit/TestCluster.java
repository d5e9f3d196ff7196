package dev.caravan.migration.testkit;

import dev.caravan.core.time.ManualClock;
import dev.caravan.migration.MigrationSettings;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.naming.NamingEntry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two or three {@link TestNode}s in one JVM over real loopback sockets, sharing one embedded
 * {@link LocalNamingService} whose leases run on a {@link ManualClock}:
 *
 * <pre>
 * try (TestCluster c = TestCluster.aCluster().withNodes(2).start()) {
 *     c.node("n1").deploy("kv1", 4 &lt;&lt; 20);
 *     ...
 * }
 * </pre>
 *
 * <p><b>Time.</b> Engines, sockets and schedulers run on real time (a stalled page stream must
 * stall for real); naming leases run on the manual clock and never expire by themselves. A node
 * that crashed stops renewing; {@link #expireCrashedNodes} then moves the manual clock past the
 * lease term in quarter steps, renewing the live nodes' leases at each step as their lease
 * keepers would, so that naming forgets exactly the crashed nodes. Nothing here sleeps.
 */
public final class TestCluster implements AutoCloseable {
    public static final long LEASE_TTL_MS = 10_000;
    /** Held so that its level sticks: hundreds of cases roll back on purpose, and say so at WARNING. */
    private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("dev.caravan");

    static {
        QUIET.setLevel(java.util.logging.Level.SEVERE);
        // Awaitility would otherwise rethrow, in whichever test thread is awaiting, a Crashed that unwinds a halted node's thread.
        org.awaitility.Awaitility.doNotCatchUncaughtExceptionsByDefault();
        // A crashed test node's threads unwind with TestNode.Crashed; that is the point, not news.
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            if (e instanceof TestNode.Crashed) {
                return;
            }
            if (previous != null) {
                previous.uncaughtException(t, e);
            } else {
                System.err.println("Exception in thread \"" + t.getName() + "\"");
                e.printStackTrace();
            }
        });
    }

    private final ManualClock namingClock = new ManualClock(1_000_000);
    private final LocalNamingService naming = new LocalNamingService(() -> Instant.ofEpochMilli(namingClock.nowMs()));
    private final MigrationSettings settings;
    private final Path dir;
    private final Map<String, TestNode> nodes = new LinkedHashMap<>();
    private final List<TestNode> retired = new ArrayList<>();
    private final AtomicInteger incarnations = new AtomicInteger();

    private TestCluster(MigrationSettings settings, Path dir) {
        this.settings = settings;
        this.dir = dir;
    }

    public static Builder aCluster() {
        return new Builder();
    }

    /** Fluent set-up; {@link #start} binds every port before returning. */
    public static final class Builder {
        private int nodes = 2;
        private MigrationSettings settings = fastSettings();
        private Path dir;

        public Builder withNodes(int n) {
            if (n < 1 || n > 5) {
                throw new IllegalArgumentException("1..5 nodes, got " + n);
            }
            nodes = n;
            return this;
        }

        public Builder withSettings(MigrationSettings s) {
            settings = s.validate();
            return this;
        }

        /** Where nodes keep resources and checkpoints; a fresh temporary directory if not given. */
        public Builder withDirectory(Path d) {
            dir = d;
            return this;
        }

        public TestCluster start() throws IOException {
            TestCluster c = new TestCluster(settings, dir != null ? dir : Files.createTempDirectory("onejvm"));
            try {
                for (int i = 1; i <= nodes; i++) {
                    c.startNode("n" + i);
                }
                return c;
            } catch (IOException | RuntimeException e) {
                c.close();
                throw e;
            }
        }
    }

    /**
     * Deadlines short enough for tests that freeze or cut peers (a stalled page stream fails in
     * 300 ms, an unanswered commit in 2 s), and a fault pause of 20 ms.
     */
    public static MigrationSettings fastSettings() {
        return new MigrationSettings(2_000, 5_000, 900, 300, 2_000, 2_000, 2_000, 900, 30_000, 5_000, 2_000, 64, 20);
    }

    private TestNode startNode(String id) throws IOException {
        TestNode n = new TestNode(id, naming, LEASE_TTL_MS, settings, dir.resolve(id + "-" + incarnations.incrementAndGet()));
        nodes.put(id, n);
        return n;
    }

    public TestNode node(String id) {
        TestNode n = nodes.get(id);
        if (n == null) {
            throw new IllegalArgumentException("no node " + id + " in " + nodes.keySet());
        }
        return n;
    }

    public List<TestNode> nodes() {
        return List.copyOf(nodes.values());
    }

    public List<TestNode> liveNodes() {
        return nodes.values().stream().filter(n -> !n.isCrashed()).toList();
    }

    public MigrationSettings settings() {
        return settings;
    }

    public Path directory() {
        return dir;
    }

    public LocalNamingService naming() {
        return naming;
    }

    /** Who naming says owns a process now. */
    public Optional<NamingEntry> owner(String name) {
        return naming.lookup("process/" + name);
    }

    /** Every registered process name. */
    public List<String> registeredNames() {
        return naming.list("process/").stream().map(e -> e.name().substring("process/".length())).toList();
    }

    /**
     * Makes naming forget every crashed node: the manual clock passes the lease term while the
     * live nodes renew (see the class comment). Idempotent.
     */
    public void expireCrashedNodes() {
        long step = LEASE_TTL_MS / 4;
        for (long passed = 0; passed <= LEASE_TTL_MS; passed += step) {
            liveNodes().forEach(TestNode::renewLease);
            namingClock.advanceMs(step);
        }
        liveNodes().forEach(TestNode::renewLease);
        naming.expireLeases();
    }

    /** A crashed node comes back empty (a reboot): new ports, a new lease, the same id. */
    public TestNode restart(String id) {
        TestNode old = node(id);
        if (!old.isCrashed()) {
            throw new IllegalStateException("node " + id + " is running");
        }
        expireCrashedNodes();
        old.close();
        retired.add(old);
        try {
            return startNode(id);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Restarts every crashed node. */
    public void restartCrashed() {
        for (TestNode n : nodes()) {
            if (n.isCrashed()) {
                restart(n.id());
            }
        }
    }

    @Override
    public void close() {
        for (TestNode n : nodes.values()) {
            n.close();
        }
        for (TestNode n : retired) {
            n.close();
        }
        naming.close();
    }
}
