package dev.caravan.launch;

import dev.caravan.launch.net.NetHosts;
import dev.caravan.launch.net.TestHost;
import dev.caravan.wire.ErrorCode;

import java.util.List;

/**
 * Which {@link DaemonPlace} each daemon of a {@link LocalCluster} runs in: naming (and a ZooKeeper
 * the harness starts for it), the switches in id order ({@code s1} in {@code switches.get(0)},
 * {@code s2} in {@code switches.get(1)}, …: a front tier across hosts), the dashboard, and the nodes
 * in start order (the k-th node started, 1-based, runs in {@code nodes.get((k - 1) % nodes.size())}).
 * {@link #LOCAL} puts everything on loopback, as a cluster without a placement: switch {@code s<i>}
 * on 127.0.0.i, so that every switch of a front tier serves the shared front ends on the same port
 * of its own address.
 *
 * <pre>
 *   // naming, s1 and dashboard on h1, s2 on h2; n1 on h2, n2 on h3, n3 on h2 again
 *   Placement p = Placement.spread(List.of(h1, h2, h3));
 *   LocalCluster.builder().nodes(3).switches(2).placement(p).start();
 * </pre>
 *
 * Immutable; thread-safe.
 */
public record Placement(DaemonPlace naming, List<DaemonPlace> switches, DaemonPlace dashboard, List<DaemonPlace> nodes) {
    /** Every daemon on this machine's loopback: switch {@code s<i>} on 127.0.0.i, everything else on 127.0.0.1. */
    public static final Placement LOCAL = new Placement(DaemonPlace.LOOPBACK, loopbackSwitches(), DaemonPlace.LOOPBACK,
            List.of(DaemonPlace.LOOPBACK));

    /** @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT for a missing place, no switch place or no node place */
    public Placement {
        if (naming == null || switches == null || switches.isEmpty() || dashboard == null || nodes == null || nodes.isEmpty()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("a placement needs naming, at least one switch place, dashboard and at "
                    + "least one node place");
        }
        switches = List.copyOf(switches);
        nodes = List.copyOf(nodes);
    }

    /** One switch ({@code s1}) in {@code switchPlace}; a cluster with more switches needs a place for each. */
    public Placement(DaemonPlace naming, DaemonPlace switchPlace, DaemonPlace dashboard, List<DaemonPlace> nodes) {
        this(naming, List.of(java.util.Objects.requireNonNull(switchPlace, "switchPlace")), dashboard, nodes);
    }

    private static List<DaemonPlace> loopbackSwitches() {
        List<DaemonPlace> all = new java.util.ArrayList<>(List.of(DaemonPlace.LOOPBACK));
        for (int i = 2; i <= LocalCluster.MAX_SWITCHES; i++) {
            all.add(new DaemonPlace("local", List.of(), "127.0.0." + i));
        }
        return all;
    }

    /** Where switch {@code s1} runs. */
    public DaemonPlace switchPlace() {
        return switches.getFirst();
    }

    /**
     * Where switch {@code s<ordinal>} runs (1-based).
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT when the placement has no place for it
     */
    public DaemonPlace switchPlace(int ordinal) {
        if (ordinal < 1 || ordinal > switches.size()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("the placement has places for switches s1..s" + switches.size()
                    + ", not s" + ordinal + "; give one place per switch");
        }
        return switches.get(ordinal - 1);
    }

    /**
     * Naming, switch {@code s1} and dashboard on the first host; switch {@code s<i>} on the i-th host;
     * the nodes round-robin on the hosts after the first (on the first too when it is the only one).
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT for an empty list
     */
    public static Placement spread(List<DaemonPlace> hosts) {
        if (hosts.isEmpty()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("a placement needs at least one host");
        }
        DaemonPlace first = hosts.getFirst();
        return new Placement(first, hosts, first, hosts.size() == 1 ? hosts : hosts.subList(1, hosts.size()));
    }

    /**
     * {@link #spread} over a fixture's hosts: naming, s1 and dashboard on h1, s{@code i} on h{@code i},
     * the nodes on h2..hN round-robin, each daemon launched with {@code ip netns exec <host>} and bound
     * to the host's address.
     */
    public static Placement onHosts(NetHosts hosts) {
        return spread(hosts.hosts().stream().map(Placement::place).toList());
    }

    /** A test host as a daemon place: its namespace's exec prefix and its address. */
    public static DaemonPlace place(TestHost host) {
        return new DaemonPlace(host.name(), host.execPrefix(), host.address());
    }

    /** The place of the {@code ordinal}-th node started (1-based), round-robin over {@link #nodes()}. */
    public DaemonPlace node(int ordinal) {
        if (ordinal < 1) {
            throw ErrorCode.INVALID_ARGUMENT.exception("node ordinal starts at 1, got " + ordinal);
        }
        return nodes.get((ordinal - 1) % nodes.size());
    }
}
