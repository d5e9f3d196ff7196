package dev.caravan.launch;

import dev.caravan.launch.net.NetHosts;
import dev.caravan.launch.net.TestHost;
import dev.caravan.wire.ErrorCode;

import java.util.List;

/**
 * Which {@link DaemonPlace} each daemon of a {@link LocalCluster} runs in: naming, the switch, the
 * dashboard, and the nodes in start order (the k-th node started, 1-based, runs in
 * {@code nodes.get((k - 1) % nodes.size())}). {@link #LOCAL} puts everything on loopback, as a
 * cluster without a placement.
 *
 * <pre>
 *   // naming, switch and dashboard on h1; n1 on h2, n2 on h3, n3 on h2 again
 *   Placement p = Placement.spread(List.of(h1, h2, h3));
 *   LocalCluster.builder().nodes(3).placement(p).start();
 * </pre>
 *
 * Immutable; thread-safe.
 */
public record Placement(DaemonPlace naming, DaemonPlace switchPlace, DaemonPlace dashboard, List<DaemonPlace> nodes) {
    /** Every daemon on 127.0.0.1 of this machine. */
    public static final Placement LOCAL = new Placement(DaemonPlace.LOOPBACK, DaemonPlace.LOOPBACK, DaemonPlace.LOOPBACK,
            List.of(DaemonPlace.LOOPBACK));

    /** @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT for a missing place or no node place */
    public Placement {
        if (naming == null || switchPlace == null || dashboard == null || nodes == null || nodes.isEmpty()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("a placement needs naming, switch, dashboard and at least one node place");
        }
        nodes = List.copyOf(nodes);
    }

    /**
     * Naming, switch and dashboard on the first host; the nodes round-robin on the others (on the
     * first too when it is the only one).
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT for an empty list
     */
    public static Placement spread(List<DaemonPlace> hosts) {
        if (hosts.isEmpty()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("a placement needs at least one host");
        }
        DaemonPlace first = hosts.getFirst();
        return new Placement(first, first, first, hosts.size() == 1 ? hosts : hosts.subList(1, hosts.size()));
    }

    /**
     * {@link #spread} over a fixture's hosts: naming, switch and dashboard on h1, the nodes on h2..hN
     * round-robin, each daemon launched with {@code ip netns exec <host>} and bound to the host's
     * address.
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
