package dev.caravan.node;

import dev.caravan.core.time.Clock;
import dev.caravan.wire.node.NodeStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A node's own meters (processes, process memory, schedulability, lease health) and the
 * {@link ProcessMeters} of each process it hosts; see docs/operating.md ("Metrics").
 *
 * <p>{@link #onTick} runs on the node's ticker every tick: every {@link #SYNC_TICKS} ticks it adds
 * meters for processes that arrived, removes those of processes that left (a process's series is
 * gone within a second of its leaving) and refreshes each process's memory snapshot. Node gauges
 * read the node's books at scrape time. Threading: {@link #onTick} and {@link #close} from the
 * ticker (close after it stopped); gauges on any thread.
 */
final class NodeMeters implements AutoCloseable {
    /** Ticks (of 100 ms) between two refreshes of the process meters. */
    static final int SYNC_TICKS = 10;
    private static final System.Logger LOG = System.getLogger(NodeMeters.class.getName());

    private final MeterRegistry registry;
    private final Supplier<Collection<HostedProcess>> hosted;
    private final Clock clock;
    private final Map<String, ProcessMeters> processes = new HashMap<>();
    private int ticks;

    NodeMeters(MeterRegistry registry, Supplier<NodeStatus> status, LeaseKeeper lease,
               Supplier<Collection<HostedProcess>> hosted, Clock clock) {
        this.registry = registry;
        this.hosted = hosted;
        this.clock = clock;
        // Strong references: Micrometer holds a gauge's object weakly, and nothing else holds these suppliers.
        Gauge.builder("caravan.node.processes", status, s -> s.get().processCount())
                .description("Processes hosted on the node").strongReference(true).register(registry);
        Gauge.builder("caravan.node.process.memory.capacity", status, s -> s.get().processMemoryBytes())
                .description("The node's process-memory capacity (sum of paged-memory capacities it admits)").baseUnit("bytes")
                .strongReference(true).register(registry);
        Gauge.builder("caravan.node.process.memory.reserved", status, s -> s.get().reservedBytes())
                .description("Paged-memory capacity reserved by the processes hosted").baseUnit("bytes").strongReference(true).register(registry);
        Gauge.builder("caravan.node.process.memory.allocated", status, s -> s.get().allocatedBytes())
                .description("Off-heap bytes the hosted processes' paged memories hold").baseUnit("bytes").strongReference(true).register(registry);
        Gauge.builder("caravan.node.schedulable", status, s -> s.get().schedulable() ? 1 : 0)
                .description("1 when the node takes new processes, 0 while cordoned").strongReference(true).register(registry);
        Gauge.builder("caravan.node.lease.owned", lease, l -> l.owns() ? 1 : 0)
                .description("1 while the node holds a live naming lease and answers for its processes").strongReference(true).register(registry);
        Gauge.builder("caravan.node.lease.renewal.age", lease, l -> l.renewalAgeNs() / 1e9)
                .description("Time since the last successful lease renewal was sent").baseUnit("seconds").strongReference(true).register(registry);
        FunctionCounter.builder("caravan.node.lease.renewal.failures", lease, LeaseKeeper::renewalFailures)
                .description("Lease renewals or re-acquisitions that failed").register(registry);
    }

    /** Called every ticker tick; see the class comment. */
    void onTick() {
        if (++ticks % SYNC_TICKS != 1) {
            return;
        }
        try {
            sync();
        } catch (RuntimeException e) {
            // Metering must never take the node's ticker (a critical thread) down.
            LOG.log(System.Logger.Level.WARNING, "updating process meters failed: " + e);
        }
    }

    /** Adds and removes process meters to match the processes hosted now, and refreshes their snapshots. */
    void sync() {
        Map<String, HostedProcess> now = new HashMap<>();
        for (HostedProcess p : hosted.get()) {
            now.put(p.spec().name(), p);
        }
        processes.entrySet().removeIf(e -> {
            if (now.get(e.getKey()) != e.getValue().process()) {
                e.getValue().close();
                return true;
            }
            return false;
        });
        now.forEach((name, p) -> processes.computeIfAbsent(name, n -> new ProcessMeters(registry, p, clock)));
        processes.values().forEach(ProcessMeters::refresh);
    }

    @Override
    public void close() {
        processes.values().forEach(ProcessMeters::close);
        processes.clear();
    }
}
