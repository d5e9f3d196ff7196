package dev.caravan.node.balance;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link Balancer}'s {@link Balancer#doWork} every period on a daemon thread of its own
 * (its probes block on the network, so it must not run on the node's ticker). A failing period is
 * logged and the next one runs: balancing is an optimisation, never a reason to stop a node.
 */
public final class BalancerThread implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(BalancerThread.class.getName());
    private final ScheduledExecutorService executor;

    public BalancerThread(String nodeId, Balancer balancer) {
        this.executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("node-" + nodeId + "-balancer")
                .daemon(true).factory());
        long periodMs = balancer.settings().periodMs();
        executor.scheduleWithFixedDelay(() -> {
            try {
                balancer.doWork();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "node " + nodeId + " balancer: a period failed: " + e);
            }
        }, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
