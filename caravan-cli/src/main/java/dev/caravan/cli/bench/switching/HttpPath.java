package dev.caravan.cli.bench.switching;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * One way from the load generators to the HTTP replicas: straight to them, through HAProxy or
 * through one of the switch's front ends.
 *
 * @param name       short name, also the JSON key ({@link #DIRECT}, {@link #HAPROXY}, ...)
 * @param targets    where clients connect: the replicas themselves (direct) or the balancer
 * @param wrkThreads wrk threads: one per replica direct (each wrk thread connects to one address), and by
 *                   default as many through a balancer, so that every path has the same generator
 */
public record HttpPath(String name, String description, List<InetSocketAddress> targets, int wrkThreads) {
    public static final String DIRECT = "direct";
    public static final String HAPROXY = "haproxy";
    public static final String TRANSPORT = "switch-transport";
    public static final String CONTENT = "switch-content";
    public static final String HANDOFF = "switch-handoff";

    /** The paths in the order a run measures them (and the table lists them). */
    public static final List<String> ORDER = List.of(DIRECT, HAPROXY, TRANSPORT, CONTENT, HANDOFF);

    public HttpPath {
        targets = List.copyOf(targets);
        if (targets.isEmpty() || wrkThreads < 1) {
            throw new IllegalArgumentException("a path needs targets and wrk threads");
        }
    }
}
