package dev.caravan.migration;

import dev.caravan.core.process.ProcessState;
import dev.caravan.migration.testkit.AckedWrites;
import dev.caravan.migration.testkit.OwnershipCheck;
import dev.caravan.migration.testkit.Requests;
import dev.caravan.migration.testkit.TestCluster;
import dev.caravan.migration.testkit.TestNode;
import dev.caravan.migration.testkit.TestProcess;
import dev.caravan.naming.NamingEntry;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationPhase;
import dev.caravan.wire.node.MigrationReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every mode × fault (halt, cut, pause) × role (source, destination) × phase where that fault
 * can fire, on two one-JVM nodes, with a client writing throughout: the outcome is the one the
 * ownership table in docs/migration.md gives, and afterwards every name has exactly one owner
 * and no acknowledged write is lost ({@link OwnershipCheck}).
 *
 * <p>Combinations left out because the fault cannot fire there: ROUNDS in stop-and-copy and
 * post-copy (no rounds), LAST_PAGES in post-copy and hybrid (the pages left go after the
 * commit), PUSHING in stop-and-copy and pre-copy (nothing is pushed after the commit). The
 * destination has fault points only at BEGIN, SWITCH_OVER (MIG_COMMIT received, before it
 * registers) and COMMITTED (registered, before it answers): in the other phases it runs no code
 * of its own (pages land from the stream), so there is nothing there to halt, cut or pause.
 */
class MigrationFaultMatrixTest {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static TestCluster cluster;
    private static AckedWrites writes;

    /** What the ownership table says must happen. */
    enum Expect {
        /** The source resumes; the destination drops what it received. */
        SOURCE_KEEPS,
        /** The destination owns a complete copy. */
        DEST_OWNS,
        /**
         * Post-copy after the commit with the source side broken: the destination owns it if every
         * page arrived, else it is FAILED there and withdrawn from naming (restore from a checkpoint).
         */
        DEST_OWNS_OR_LOST,
        /** The process dies with its source node, as any crash; the half copy is dropped. */
        DIES_WITH_SOURCE,
        /** The process dies with its new node, as any crash; the source never serves it again. */
        DIES_WITH_DEST
    }

    record Case(MigrationMode mode, Faults.Role role, Faults.Action action, MigrationPhase phase) {
        String fault() {
            return role.name().toLowerCase(Locale.ROOT) + ":" + action.name().toLowerCase(Locale.ROOT) + ":" + phase.label();
        }

        Expect expected() {
            boolean committed = phase.compareTo(MigrationPhase.COMMITTED) >= 0;
            return switch (action) {
                case PAUSE -> Expect.DEST_OWNS;
                case HALT -> role == Faults.Role.SOURCE
                        ? committed ? (mode.resumesEarly() ? Expect.DEST_OWNS_OR_LOST : Expect.DEST_OWNS) : Expect.DIES_WITH_SOURCE
                        : committed ? Expect.DIES_WITH_DEST : Expect.SOURCE_KEEPS;
                case CUT -> role == Faults.Role.SOURCE
                        ? phase == MigrationPhase.PUSHING ? Expect.DEST_OWNS_OR_LOST : committed ? Expect.DEST_OWNS : Expect.SOURCE_KEEPS
                        : committed ? Expect.DEST_OWNS : Expect.SOURCE_KEEPS;
            };
        }

        @Override
        public String toString() {
            return mode.name().toLowerCase(Locale.ROOT).replace('_', '-') + " " + fault() + " → " + expected();
        }
    }

    static boolean fires(MigrationMode mode, Faults.Role role, MigrationPhase phase) {
        if (role == Faults.Role.DEST) {
            return phase == MigrationPhase.BEGIN || phase == MigrationPhase.SWITCH_OVER || phase == MigrationPhase.COMMITTED;
        }
        return switch (phase) {
            case BEGIN, FREEZE, SWITCH_OVER, COMMITTED -> true;
            case ROUNDS -> mode == MigrationMode.PRE_COPY || mode == MigrationMode.HYBRID;
            case LAST_PAGES -> !mode.resumesEarly();
            case PUSHING -> mode.resumesEarly();
            default -> false;
        };
    }

    static Stream<Case> cases() {
        List<Case> all = new ArrayList<>();
        List<MigrationPhase> phases = List.of(MigrationPhase.BEGIN, MigrationPhase.ROUNDS, MigrationPhase.FREEZE,
                MigrationPhase.LAST_PAGES, MigrationPhase.SWITCH_OVER, MigrationPhase.COMMITTED, MigrationPhase.PUSHING);
        for (MigrationMode mode : MigrationMode.values()) {
            for (Faults.Role role : Faults.Role.values()) {
                for (Faults.Action action : Faults.Action.values()) {
                    for (MigrationPhase phase : phases) {
                        // A source cut after the commit is refused as a request (it would change nothing):
                        // shouldRefuseAFaultThatCannotFire covers it.
                        boolean refused = role == Faults.Role.SOURCE && action == Faults.Action.CUT
                                && phase == MigrationPhase.COMMITTED;
                        if (fires(mode, role, phase) && !refused) {
                            all.add(new Case(mode, role, action, phase));
                        }
                    }
                }
            }
        }
        return all.stream();
    }

    @org.junit.jupiter.api.Test
    void shouldRefuseAFaultThatCannotFire() {
        for (String spec : List.of("source:cut:committed", "dest:halt:rounds", "dest:cut:last-pages", "dest:pause:pushing",
                "source:halt:done", "source:explode:begin", "sideways:halt:begin", "source:halt")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Faults.parse(spec, 1))
                    .as(spec).isInstanceOfSatisfying(dev.caravan.wire.CaravanException.class,
                            e -> assertThat(e.code()).isEqualTo(dev.caravan.wire.ErrorCode.INVALID_ARGUMENT));
        }
    }

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = TestCluster.aCluster().withNodes(2).start();
        writes = new AckedWrites(cluster);
    }

    @AfterAll
    static void closeCluster() {
        cluster.close();
    }

    @AfterEach
    void restartCrashedNodes() {
        cluster.restartCrashed();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldEndAsTheOwnershipTableSays(Case c) throws Exception {
        String name = "m" + NAMES.incrementAndGet();
        try {
            migrateUnderFault(c, name);
        } finally {
            // Whatever happened, the next case starts from a clean ledger.
            cluster.owner(name).ifPresent(o -> stopQuietly(o, name));
            writes.forget(name);
        }
    }

    private void migrateUnderFault(Case c, String name) throws Exception {
        TestNode source = cluster.node("n1");
        TestNode dest = cluster.node("n2");
        source.deploy(name, 4 << 20);
        assertThat(writes.fill(name, 400, 1000)).isEqualTo(400);
        long epoch = source.process(name).orElseThrow().runner().epoch();

        AckedWrites.Background writer = writes.writeContinuously(name);
        MigrationReport report = null;
        try {
            report = source.migrate(Requests.move(name, "n2", c.mode(), c.fault()));
        } catch (TestNode.Crashed halted) {
            // The source node halted under the fault: no report, as from a killed daemon.
        } finally {
            writer.stop();
        }
        cluster.expireCrashedNodes();
        String detail = report == null ? "source halted" : report.outcome() + " in " + report.endedIn() + ": " + report.detail();

        switch (c.expected()) {
            case SOURCE_KEEPS -> {
                assertThat(report).as(detail).isNotNull();
                assertThat(report.outcome()).as(detail).isEqualTo(MigrationOutcome.RESUMED_AT_SOURCE);
                assertThat(report.endedIn()).isEqualTo(MigrationPhase.ROLLED_BACK);
                assertOwner(name, "n1", epoch);
                awaitDropped(dest, name);
            }
            case DEST_OWNS -> {
                if (report != null) {
                    assertThat(report.outcome()).as(detail).isEqualTo(MigrationOutcome.COMMITTED);
                }
                assertOwner(name, "n2", epoch + 1);
                assertThat(source.isCrashed() || !source.holds(name, false)).as("the source keeps nothing but MOVED").isTrue();
            }
            case DEST_OWNS_OR_LOST -> {
                if (report != null) {
                    assertThat(report.outcome()).as(detail).isEqualTo(MigrationOutcome.COMMITTED);
                }
                if (!ownsEverythingOrLost(name, dest)) {
                    writes.forget(name);
                }
            }
            case DIES_WITH_SOURCE -> {
                assertThat(source.isCrashed()).as(detail).isTrue();
                assertThat(cluster.owner(name)).as("naming forgot the dead node's process").isEmpty();
                awaitDropped(dest, name);
                writes.forget(name);
            }
            case DIES_WITH_DEST -> {
                assertThat(dest.isCrashed()).as(detail).isTrue();
                assertThat(report).isNotNull();
                assertThat(report.outcome()).as(detail).isEqualTo(MigrationOutcome.COMMITTED);
                assertThat(cluster.owner(name)).isEmpty();
                assertThat(source.holds(name, false)).as("the source never serves it again").isFalse();
                writes.forget(name);
            }
        }
        OwnershipCheck.assertHolds(cluster, writes, c + " (" + detail + ")");
    }

    /**
     * True if the destination owns the process with every acknowledged write; false if it lost
     * pages and says so: FAILED there and withdrawn from naming. Reading the writes is what
     * faults the missing pages in.
     */
    private static boolean ownsEverythingOrLost(String name, TestNode dest) throws Exception {
        Optional<NamingEntry> owner = cluster.owner(name);
        if (owner.isPresent()) {
            assertThat(owner.get().node()).isEqualTo("n2");
            List<String> missing = writes.missingAt(new InetSocketAddress(owner.get().host(), owner.get().port()), name, 5);
            if (missing.isEmpty()) {
                return true;
            }
        }
        TestProcess p = dest.process(name).orElseThrow();
        assertThat(p.state()).as("a post-copy that lost pages is failed, never running with holes").isEqualTo(ProcessState.FAILED);
        assertThat(cluster.owner(name)).as("and withdrawn from naming").isEmpty();
        return false;
    }

    private static void assertOwner(String name, String node, long epoch) {
        NamingEntry owner = cluster.owner(name).orElseThrow(() -> new AssertionError(name + " has no owner"));
        assertThat(owner.node()).isEqualTo(node);
        assertThat(owner.epoch()).isEqualTo(epoch);
    }

    private static void awaitDropped(TestNode dest, String name) {
        if (!dest.isCrashed()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> !dest.holds(name, true));
        }
    }

    private static void stopQuietly(NamingEntry owner, String name) {
        try {
            cluster.node(owner.node()).stop(name);
        } catch (Exception | TestNode.Crashed e) {
            // Best effort: the next case uses a new name.
        }
    }
}
