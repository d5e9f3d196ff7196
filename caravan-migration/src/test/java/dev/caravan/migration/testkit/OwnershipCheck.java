package dev.caravan.migration.testkit;

import dev.caravan.core.process.ProcessState;
import dev.caravan.naming.NamingEntry;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The two invariants every step of a one-JVM test must keep, checked when no operation is in
 * flight and naming has forgotten crashed nodes ({@link TestCluster#expireCrashedNodes}):
 *
 * <ol>
 *   <li><b>Exactly one owner.</b> Every name registered in naming is hosted, RUNNING, by the
 *       live node naming names, at the epoch naming holds; and every process a live node
 *       hosts as RUNNING is that registered owner (a second copy, or an orphan naming does not
 *       know, is a failure). A hosted process that is FAILED must not be registered; one that
 *       is still frozen (SUSPENDED) is a failure: nothing is moving it any more.</li>
 *   <li><b>No acknowledged write lost.</b> Every write {@link AckedWrites} recorded for a
 *       registered name is readable, with its value, at the owner. A name with acknowledged
 *       writes that is no longer registered must have been excused by the test (it died with
 *       its node, was stopped, or was lost as the ownership table allows) — see
 *       {@link AckedWrites#forget}.</li>
 * </ol>
 */
public final class OwnershipCheck {
    private OwnershipCheck() {
    }

    /** Every violation found, described; empty when both invariants hold. */
    public static List<String> violations(TestCluster cluster, AckedWrites writes) {
        awaitResumed(cluster);
        List<String> v = new ArrayList<>();
        for (TestNode n : cluster.liveNodes()) {
            for (TestProcess orphan : n.runningOrphans()) {
                v.add(orphan.name() + " runs on " + n.id() + " at epoch " + orphan.runner().epoch()
                        + " although the node does not count it as hosted (a second copy)");
            }
            for (Map.Entry<String, TestProcess> e : n.processes().entrySet()) {
                String name = e.getKey();
                TestProcess p = e.getValue();
                Optional<NamingEntry> owner = cluster.owner(name);
                ProcessState state = p.state();
                boolean registeredHere = owner.isPresent() && owner.get().node().equals(n.id())
                        && owner.get().epoch() == p.runner().epoch();
                switch (state) {
                    case RUNNING -> {
                        if (!registeredHere) {
                            v.add(name + " runs on " + n.id() + " at epoch " + p.runner().epoch() + " but naming says "
                                    + owner.map(o -> o.node() + " at epoch " + o.epoch()).orElse("nobody owns it"));
                        }
                    }
                    case FAILED -> {
                        if (registeredHere) {
                            v.add(name + " has FAILED on " + n.id() + " but is still registered there");
                        }
                    }
                    default -> v.add(name + " is " + state + " on " + n.id() + " with no operation running");
                }
            }
        }
        for (String name : cluster.registeredNames()) {
            NamingEntry owner = cluster.owner(name).orElse(null);
            if (owner == null) {
                continue;
            }
            TestNode node = cluster.nodes().stream().filter(x -> x.id().equals(owner.node())).findFirst().orElse(null);
            if (node == null || node.isCrashed()) {
                v.add(name + " is registered on " + owner.node() + ", which is not running");
                continue;
            }
            Optional<TestProcess> p = node.process(name);
            if (p.isEmpty() || p.get().state() != ProcessState.RUNNING) {
                v.add(name + " is registered on " + owner.node() + " at epoch " + owner.epoch() + ", which hosts "
                        + p.map(x -> "it " + x.state()).orElse("no such process"));
                continue;
            }
            try {
                List<String> missing = writes.missingAt(new InetSocketAddress(owner.host(), owner.port()), name, 5);
                if (!missing.isEmpty()) {
                    v.add(name + " at " + owner.node() + " lost acknowledged writes (of " + writes.count(name) + "): "
                            + missing);
                }
            } catch (IOException e) {
                v.add(name + " at " + owner.node() + " cannot be read: " + e);
            }
        }
        Set<String> registered = Set.copyOf(cluster.registeredNames());
        for (String name : writes.names()) {
            if (!registered.contains(name) && writes.count(name) > 0) {
                v.add(name + " has " + writes.count(name) + " acknowledged writes but no owner any more");
            }
        }
        return v;
    }

    /**
     * A resume is a task posted to the process thread: an operation may have returned a moment
     * before its process runs again. Waits a bounded while for that; a process still frozen after
     * it is reported.
     */
    private static void awaitResumed(TestCluster cluster) {
        try {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(2))
                    .pollInterval(java.time.Duration.ofMillis(5))
                    .until(() -> cluster.liveNodes().stream().flatMap(n -> n.processes().values().stream())
                            .noneMatch(p -> p.state() == ProcessState.SUSPENDED));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // Reported as a violation below.
        }
    }

    /** Fails with every violation, prefixed by {@code context}. */
    public static void assertHolds(TestCluster cluster, AckedWrites writes, String context) {
        List<String> v = violations(cluster, writes);
        if (!v.isEmpty()) {
            throw new AssertionError(context + ":\n  " + String.join("\n  ", v));
        }
    }
}
