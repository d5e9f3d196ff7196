package dev.caravan.systemtests.faults;

import dev.caravan.client.KvFiller;
import dev.caravan.client.Location;
import dev.caravan.client.NodeControl;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationPhase;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.ProcessInfo;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Naming on a three-server ZooKeeper ensemble (real ZooKeeper JVMs); its leader is killed
 * (SIGKILL) as a migration commits: either on the source's switch-over frame — the process is
 * frozen and the destination's registration of the new epoch (the commit point) follows within
 * milliseconds, so it meets an ensemble electing a new leader — or the moment naming shows that
 * registration, while the destination holds its answer. Afterwards the migration has either
 * committed or resumed at the source (never in doubt), exactly one node owns the process at the
 * highest epoch, no acknowledged write is lost, and once a new leader is elected another
 * migration succeeds.
 */
@Tag("slow")
class ZooKeeperLeaderLossDuringCommitTest {
    private static final long LEASE_MS = 2000;

    /** When the leader dies. */
    enum KillPoint {
        /** On the switch-over frame: the registration comes right after, during the election. */
        BEFORE_REGISTRATION,
        /** When naming shows the new epoch; the destination holds its answer to the commit meanwhile. */
        AFTER_REGISTRATION
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(KillPoint.class)
    void shouldCommitOrResumeCleanlyWhenTheZooKeeperLeaderDiesAtTheCommit(KillPoint at) throws Exception {
        try (CaravanCluster c = CaravanCluster.aCluster().withZooKeeperEnsemble(3).withNodes(2).withLeaseMs(LEASE_MS).start()) {
            KeptLogs.onFailure(c, "zk-leader-loss-" + at, () -> {
                ProcessInfo kv = c.deployKv("kv", "n1");
                KvFiller.fill(CaravanCluster.dataAddress(kv), 20_000, 200);
                RedirectingWriter writers = new RedirectingWriter(() -> c.client().resolve("kv").map(Location::data), 3);
                await("writers under way").atMost(10, TimeUnit.SECONDS).until(() -> writers.totalAcked() > 200);
                int leader = c.zooKeeperLeader().orElseThrow();

                MigrationRun run;
                if (at == KillPoint.BEFORE_REGISTRATION) {
                    MigrationRequest request = new MigrationRequest("kv", "n2", MigrationMode.PRE_COPY, 50, 30, 2, false, "", "");
                    run = MigrationRun.start(c.controlAddress("n1"), request, MigrationRun.phase(MigrationPhase.SWITCH_OVER),
                            () -> c.killZooKeeper(leader), Duration.ofSeconds(60));
                    run.triggered(Duration.ofSeconds(20));
                } else {
                    MigrationRequest request = new MigrationRequest("kv", "n2", MigrationMode.PRE_COPY, 50, 30, 2, false, "",
                            "dest:pause:committed");
                    try (CommitTrigger commit = new CommitTrigger(c.client().naming(), "process/kv", kv.epoch() + 1,
                            () -> c.killZooKeeper(leader))) {
                        run = MigrationRun.start(c.controlAddress("n1"), request, p -> false, () -> { }, Duration.ofSeconds(60));
                        commit.fired(Duration.ofSeconds(20));
                    }
                }
                MigrationReport report = run.report(Duration.ofSeconds(30));
                String what = "ZooKeeper leader " + leader + " killed " + at + "; frames " + run.phases() + "; migration "
                        + run.outcome() + (report == null ? "" : "; destination registered in "
                        + report.destination().registerMicros() / 1000 + " ms");
                assertThat(report).as(what).isNotNull();
                assertThat(report.outcome()).as(what).isIn(MigrationOutcome.COMMITTED, MigrationOutcome.RESUMED_AT_SOURCE);

                OptionalInt[] newLeader = new OptionalInt[1];
                await("a new ZooKeeper leader (" + what + ")").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                        .until(() -> (newLeader[0] = c.zooKeeperLeader()).isPresent() && newLeader[0].getAsInt() != leader);
                OwnershipProbe probe = new OwnershipProbe(c.client(), c.local().nodeControls(), "kv",
                        List.of(CaravanCluster.dataAddress(kv)));
                OwnershipProbe.Snapshot one = probe.awaitExactlyOneOwner("w:0:1", Duration.ofSeconds(15));
                String owner = report.outcome() == MigrationOutcome.COMMITTED ? "n2" : "n1";
                assertThat(one.owner()).as("owner; %s; %s", what, one).contains(owner);
                assertThat(one.naming().orElseThrow().epoch()).as("epoch; %s; %s", what, one).isEqualTo(report.epoch());

                long before = writers.totalAcked();
                await("writers go on (" + what + ")").atMost(10, TimeUnit.SECONDS).until(() -> writers.totalAcked() > before + 100);

                // The cluster goes on: both nodes hold leases again (a node whose session the election ended waits
                // until ZooKeeper lets the old session's entries go), and the process moves again under the new leader.
                String other = owner.equals("n1") ? "n2" : "n1";
                long electedNs = System.nanoTime();
                await("both nodes registered again (" + what + ")").atMost(Duration.ofSeconds(15))
                        .pollInterval(Duration.ofMillis(100)).until(() -> c.client().naming().lookup("node/n1").isPresent()
                                && c.client().naming().lookup("node/n2").isPresent());
                long backMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - electedNs);
                MigrationReport again = NodeControl.migrate(c.controlAddress(owner), "", new MigrationRequest("kv", other,
                        MigrationMode.PRE_COPY, 50, 30, 2, false, "", ""), p -> { }, Duration.ofSeconds(30));
                assertThat(again.outcome()).as("the next migration, %s -> %s: %s", owner, other, again.detail())
                        .isEqualTo(MigrationOutcome.COMMITTED);
                OwnershipProbe.Snapshot after = new OwnershipProbe(c.client(), c.local().nodeControls(), "kv",
                        List.of(CaravanCluster.dataAddress(kv), one.naming().orElseThrow().data()))
                        .awaitExactlyOneOwner("w:0:1", Duration.ofSeconds(10));
                assertThat(after.owner()).as("after the next migration: %s", after).contains(other);
                long beforeSecond = writers.totalAcked();
                await("writers go on after the next migration").atMost(10, TimeUnit.SECONDS)
                        .until(() -> writers.totalAcked() > beforeSecond + 100);
                writers.stop();
                writers.assertNothingLost(after.naming().orElseThrow().data());
                System.out.printf("%s -> owner %s@%d; new leader %d; both nodes in naming %d ms after; writers acked %d, saw %s%n",
                        what, owner, report.epoch(), newLeader[0].getAsInt(), backMs, writers.totalAcked(), writers.seen());
            });
        }
    }
}
