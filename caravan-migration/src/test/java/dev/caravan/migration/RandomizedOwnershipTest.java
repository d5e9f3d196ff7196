package dev.caravan.migration;

import dev.caravan.core.process.ProcessState;
import dev.caravan.migration.testkit.AckedWrites;
import dev.caravan.migration.testkit.OwnershipCheck;
import dev.caravan.migration.testkit.Requests;
import dev.caravan.migration.testkit.TestCluster;
import dev.caravan.migration.testkit.TestNode;
import dev.caravan.migration.testkit.TestRestorer;
import dev.caravan.naming.NamingEntry;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationPhase;
import dev.caravan.wire.node.MigrationReport;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * Seeded random sequences of concurrent operations — deploy, migrate in every mode (with and
 * without injected faults), clone, checkpoint, restore, stop and cancel — two or three at once
 * on the same few names, over three one-JVM nodes, with a client writing throughout. After each
 * step {@link OwnershipCheck} must hold: every name has exactly one owner and no acknowledged
 * write is lost, except where a process legitimately died (its node halted under it, it was
 * stopped, or a post-copy lost its pages and says so).
 *
 * <p>A failure prints its seed and the sequence that led to it; {@code -Dcaravan.onejvm.seed=S}
 * runs exactly that sequence again ({@code -Dcaravan.onejvm.runs=N} runs N random seeds). The
 * {@code -Dcaravan.onejvm.verbose=true} prints every sequence. The sequence is a function of the seed; the interleaving of the operations within a step is not,
 * so a rare race may need a few runs of its seed.
 */
class RandomizedOwnershipTest {
    private static final String SEED_PROPERTY = "caravan.onejvm.seed";
    private static final String RUNS_PROPERTY = "caravan.onejvm.runs";
    private static final String VERBOSE_PROPERTY = "caravan.onejvm.verbose";
    private static final int STEPS = 20;
    private static final List<String> NAMES = List.of("kv1", "kv2", "kv3");
    private static final List<String> NODES = List.of("n1", "n2", "n3");
    private static final List<MigrationPhase> FAULT_PHASES = List.of(MigrationPhase.BEGIN, MigrationPhase.ROUNDS,
            MigrationPhase.FREEZE, MigrationPhase.LAST_PAGES, MigrationPhase.SWITCH_OVER, MigrationPhase.COMMITTED,
            MigrationPhase.PUSHING);

    @TempDir
    Path tmp;

    enum Kind { DEPLOY, MIGRATE, CLONE, CHECKPOINT, RESTORE, STOP, CANCEL }

    /** One operation as generated from the seed; what it meets when it runs is up to the cluster. */
    record Op(Kind kind, String name, String node, String newName, MigrationMode mode, String fault) {
        @Override
        public String toString() {
            String m = mode == null ? "" : " " + mode.name().toLowerCase(Locale.ROOT).replace('_', '-');
            return switch (kind) {
                case DEPLOY -> "deploy " + name + " on " + node;
                case MIGRATE -> "migrate " + name + " to " + node + m + (fault.isEmpty() ? "" : " --fault " + fault);
                case CLONE -> "clone " + name + " to " + node + " as " + newName + m;
                case CHECKPOINT -> "checkpoint " + name;
                case RESTORE -> "restore the last checkpoint on " + node + " as " + newName;
                case STOP -> "stop " + name;
                case CANCEL -> "cancel " + name;
            };
        }
    }

    private record Checkpoint(Path file, Map<String, String> owed) {
    }

    @Test
    void shouldKeepExactlyOneOwnerAndEveryAcknowledgedWriteUnderRandomConcurrentOperations() throws Exception {
        Long fixed = Long.getLong(SEED_PROPERTY);
        int runs = fixed != null ? 1 : Integer.getInteger(RUNS_PROPERTY, 6);
        long first = fixed != null ? fixed : new SplittableRandom().nextLong();
        for (int i = 0; i < runs; i++) {
            new Scenario(first + i, tmp.resolve("run-" + i)).run();
        }
    }

    /** One seed's sequence on its own cluster. */
    private static final class Scenario {
        private final long seed;
        private final Random random;
        private final Path dir;
        private final List<String> history = new ArrayList<>();
        private final List<Checkpoint> checkpoints = new CopyOnWriteArrayList<>();
        private final Set<String> stopped = ConcurrentHashMap.newKeySet();
        private TestCluster cluster;
        private AckedWrites writes;

        Scenario(long seed, Path dir) {
            this.seed = seed;
            this.random = new Random(seed);
            this.dir = dir;
        }

        void run() throws Exception {
            cluster = TestCluster.aCluster().withNodes(3).withDirectory(dir).start();
            writes = new AckedWrites(cluster);
            try {
                for (int i = 0; i < NAMES.size(); i++) {
                    deploy(new Op(Kind.DEPLOY, NAMES.get(i), NODES.get(i), "", null, ""));
                }
                for (int step = 1; step <= STEPS; step++) {
                    List<Op> ops = nextStep();
                    long startNs = System.nanoTime();
                    List<String> outcomes = execute(ops);
                    history.add("step " + step + " (" + (System.nanoTime() - startNs) / 1_000_000 + " ms): " + outcomes);
                    settle(ops);
                    List<String> v = OwnershipCheck.violations(cluster, writes);
                    if (!v.isEmpty()) {
                        throw new AssertionError("seed " + seed + " broke the invariants after step " + step
                                + " (reproduce with -D" + SEED_PROPERTY + "=" + seed + "):\n  " + String.join("\n  ", v)
                                + "\nsequence:\n  " + String.join("\n  ", history));
                    }
                    cluster.restartCrashed();
                }
            } catch (AssertionError e) {
                throw e;
            } catch (Exception | Error e) {
                throw new AssertionError("seed " + seed + " failed (reproduce with -D" + SEED_PROPERTY + "=" + seed + "): " + e
                        + "\nsequence:\n  " + String.join("\n  ", history), e);
            } finally {
                cluster.close();
            }
            if (Boolean.getBoolean(VERBOSE_PROPERTY)) {
                System.out.println("seed " + seed + ":\n  " + String.join("\n  ", history));
            }
        }

        // ---- generation: a function of the seed only ---------------------------------------------

        private List<Op> nextStep() {
            int n = 2 + random.nextInt(2);
            List<Op> ops = new ArrayList<>();
            String focus = pick(NAMES);
            for (int i = 0; i < n; i++) {
                ops.add(nextOp(random.nextInt(10) < 6 ? focus : pick(NAMES)));
            }
            return ops;
        }

        private Op nextOp(String name) {
            int w = random.nextInt(13);
            Kind kind = w < 2 ? Kind.DEPLOY : w < 7 ? Kind.MIGRATE : w < 9 ? Kind.CLONE : w < 10 ? Kind.CHECKPOINT
                    : w < 11 ? Kind.RESTORE : w < 12 ? Kind.STOP : Kind.CANCEL;
            MigrationMode mode = MigrationMode.values()[random.nextInt(MigrationMode.values().length)];
            if (kind == Kind.CLONE && mode.resumesEarly()) {
                mode = random.nextBoolean() ? MigrationMode.STOP_AND_COPY : MigrationMode.PRE_COPY;
            }
            String fault = "";
            if (kind == Kind.MIGRATE && random.nextInt(10) < 4) {
                fault = (random.nextBoolean() ? "source" : "dest") + ":" + pick(List.of("halt", "cut", "pause")) + ":"
                        + pick(FAULT_PHASES).label();
            }
            return new Op(kind, name, pick(NODES), pick(NAMES), mode, fault);
        }

        private <T> T pick(List<T> from) {
            return from.get(random.nextInt(from.size()));
        }

        // ---- execution ----------------------------------------------------------------------------

        /** Runs the step's operations at once, with a client writing to the first one's process. */
        private List<String> execute(List<Op> ops) throws Exception {
            for (String name : cluster.registeredNames()) {
                for (int i = 0; i < 3; i++) {
                    writes.write(name);
                }
            }
            stopped.clear();
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<String>> running = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (Op op : ops) {
                CompletableFuture<String> f = new CompletableFuture<>();
                threads.add(Thread.ofVirtual().name("op " + op).start(() -> {
                    try {
                        go.await();
                        long startNs = System.nanoTime();
                        String outcome = perform(op);
                        long ms = (System.nanoTime() - startNs) / 1_000_000;
                        f.complete(op + " → " + outcome + (ms >= 1000 ? " after " + ms + " ms" : ""));
                    } catch (Throwable t) {
                        f.complete(op + " → threw " + t);
                    }
                }));
                running.add(f);
            }
            AckedWrites.Background writer = writes.writeContinuously(ops.getFirst().name());
            go.countDown();
            List<String> outcomes = new ArrayList<>();
            try {
                for (CompletableFuture<String> f : running) {
                    try {
                        outcomes.add(f.get(30, TimeUnit.SECONDS));
                    } catch (TimeoutException e) {
                        throw new AssertionError("seed " + seed + ": an operation hung (reproduce with -D" + SEED_PROPERTY + "="
                                + seed + "): " + ops + "\nsequence:\n  " + String.join("\n  ", history)
                                + "\nwhere the unfinished operations were:\n" + stacks(threads));
                    }
                }
            } finally {
                writer.stop();
            }
            return outcomes;
        }

        /** The stacks of the threads still alive, so that a hang names where it waits. */
        private static String stacks(List<Thread> threads) {
            StringBuilder b = new StringBuilder();
            for (Thread t : threads) {
                if (!t.isAlive()) {
                    continue;
                }
                b.append("  ").append(t.getName()).append(" (").append(t.getState()).append(")\n");
                for (StackTraceElement e : t.getStackTrace()) {
                    b.append("      at ").append(e).append('\n');
                }
            }
            return b.toString();
        }

        private String perform(Op op) throws Exception {
            try {
                return switch (op.kind()) {
                    case DEPLOY -> deploy(op);
                    case MIGRATE -> migrate(op);
                    case CLONE -> cloneOf(op);
                    case CHECKPOINT -> checkpoint(op);
                    case RESTORE -> restore(op);
                    case STOP -> stop(op);
                    case CANCEL -> cancel(op);
                };
            } catch (CaravanException e) {
                return "refused " + e.code();
            } catch (TestNode.Crashed e) {
                return "its node halted";
            }
        }

        private String deploy(Op op) throws InterruptedException {
            TestNode on = cluster.node(op.node());
            on.deploy(op.name(), 4 << 20);
            writes.reset(op.name(), Map.of());
            writes.fill(op.name(), 150, 600);
            return "deployed";
        }

        private String migrate(Op op) throws InterruptedException {
            TestNode from = owner(op.name());
            String to = op.node().equals(from.id()) ? NODES.get((NODES.indexOf(op.node()) + 1) % NODES.size()) : op.node();
            MigrationReport r = from.migrate(Requests.move(op.name(), to, op.mode(), op.fault()));
            return r.outcome().label() + " in " + r.endedIn();
        }

        private String cloneOf(Op op) throws InterruptedException {
            TestNode from = owner(op.name());
            String to = op.node().equals(from.id()) ? NODES.get((NODES.indexOf(op.node()) + 1) % NODES.size()) : op.node();
            Map<String, String> owed = writes.expected(op.name());
            MigrationReport r = from.migrate(Requests.copy(op.name(), to, op.newName(), op.mode()));
            if (r.outcome() == dev.caravan.wire.node.MigrationOutcome.CLONED) {
                writes.reset(op.newName(), owed);
            }
            return r.outcome().label();
        }

        private String checkpoint(Op op) throws IOException, InterruptedException {
            TestNode at = owner(op.name());
            Map<String, String> owed = writes.expected(op.name());
            Path file = dir.resolve("ckpt-" + System.nanoTime() + ".ckpt");
            MigrationReport r = at.checkpoint(op.name(), file);
            checkpoints.add(new Checkpoint(file, owed));
            return r.outcome().label();
        }

        private String restore(Op op) throws IOException {
            if (checkpoints.isEmpty()) {
                return "no checkpoint yet";
            }
            Checkpoint c = checkpoints.getLast();
            TestRestorer.restore(cluster, c.file(), cluster.node(op.node()), op.newName());
            writes.reset(op.newName(), c.owed());
            return "restored";
        }

        private String stop(Op op) throws InterruptedException {
            owner(op.name()).stop(op.name());
            stopped.add(op.name());
            return "stopped";
        }

        private String cancel(Op op) {
            TestNode at = owner(op.name());
            try {
                await().atMost(Duration.ofMillis(100)).pollInterval(Duration.ofMillis(2)).until(() -> at.engine().isMoving(op.name()));
            } catch (ConditionTimeoutException e) {
                return "nothing to cancel";
            }
            at.engine().cancel(op.name());
            return "cancel sent";
        }

        private void probe(NamingEntry owner, String name) {
            try {
                writes.missingAt(new java.net.InetSocketAddress(owner.host(), owner.port()), name, Integer.MAX_VALUE);
            } catch (IOException e) {
                // The check reads again and reports what it finds.
            }
        }

        private TestNode owner(String name) {
            NamingEntry e = cluster.owner(name).orElseThrow(() ->
                    dev.caravan.wire.ErrorCode.NOT_FOUND.exception("no process " + name + " is registered"));
            return cluster.node(e.node());
        }

        // ---- after a step -------------------------------------------------------------------------

        /**
         * Lets naming forget halted nodes, then excuses the processes that died legitimately: stopped,
         * hosted on a node that halted, moving while a node halted (a post-copy's pages or the new
         * node went with it), or failed with lost post-copy pages.
         */
        private void settle(List<Op> ops) {
            Set<String> halted = new HashSet<>();
            Map<String, String> ownerBefore = new HashMap<>();
            for (TestNode n : cluster.nodes()) {
                if (n.isCrashed()) {
                    halted.add(n.id());
                }
            }
            for (String name : writes.names()) {
                cluster.owner(name).ifPresent(o -> ownerBefore.put(name, o.node()));
            }
            cluster.expireCrashedNodes();
            Set<String> moving = new HashSet<>();
            ops.stream().filter(o -> o.kind() == Kind.MIGRATE).forEach(o -> moving.add(o.name()));
            if (!halted.isEmpty()) {
                // A post-copy whose source halted learns it lost pages when it faults: read everything once,
                // so that such a process fails (and leaves naming) before the check, as the table allows.
                for (String name : moving) {
                    cluster.owner(name).ifPresent(o -> probe(o, name));
                }
            }
            Set<String> registered = Set.copyOf(cluster.registeredNames());
            for (String name : writes.names()) {
                if (registered.contains(name)) {
                    continue;
                }
                boolean diedWithNode = halted.contains(ownerBefore.get(name)) || (!halted.isEmpty() && moving.contains(name));
                boolean failed = cluster.liveNodes().stream().anyMatch(n -> n.process(name)
                        .map(p -> p.state() == ProcessState.FAILED).orElse(false));
                if (stopped.contains(name) || diedWithNode || failed) {
                    writes.forget(name);
                }
            }
        }
    }
}
