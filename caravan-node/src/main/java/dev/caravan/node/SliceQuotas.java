package dev.caravan.node;

import dev.caravan.naming.NamingEntry;
import dev.caravan.node.slice.SliceConnections;
import dev.caravan.node.slice.SliceDefinition;
import dev.caravan.node.slice.SliceRegistry;
import dev.caravan.servers.model.ConnectionGate;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.node.SecuritySettings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A node's enforcement of its slices' quotas ({@link SliceRegistry}): processes and memory summed
 * cluster-wide, checked when a process of the slice is deployed here and when one arrives here by
 * migration, clone or restore (at MIG_BEGIN, before the source freezes or gives up anything: the
 * source keeps the process and its caller gets QUOTA_EXCEEDED); and connections summed over the
 * slice's processes on this node ({@link SliceConnections}).
 *
 * <p>A process is counted once, under its name: a process that moves is not counted twice (its
 * entry at the source is left out), a clone or a restore is one more. Arrivals admitted and not
 * yet committed count here, so two arrivals, or an arrival and a deploy, cannot both fit.
 *
 * <p>Thread-safe: checks and the starts they guard run one at a time per node.
 */
final class SliceQuotas {
    private final NodeDaemon node;
    private final SliceRegistry registry;
    private final SliceConnections connections;
    /** Checks and what they admit are made one at a time, so two processes cannot both fit. */
    private final Object lock = new Object();
    /** Arrivals admitted and not yet committed or discarded, by name. */
    private final Map<String, ProcessSpec> arriving = new ConcurrentHashMap<>();

    SliceQuotas(NodeDaemon node, SliceRegistry registry, SliceConnections connections) {
        this.node = node;
        this.registry = registry;
        this.connections = connections;
    }

    SliceRegistry registry() {
        return registry;
    }

    SliceConnections connections() {
        return connections;
    }

    /**
     * Starts a deployed process with {@code start} once its slice's quotas let it in.
     *
     * @throws CaravanException NOT_FOUND for a slice with no definition, QUOTA_EXCEEDED when it would not fit
     */
    <T> T deploy(ProcessSpec spec, Callable<T> start) throws Exception {
        if (sliceOf(spec).isEmpty()) {
            return start.call();
        }
        synchronized (lock) {
            check(spec, "deploying");
            return start.call();
        }
    }

    /**
     * Admits a process arriving by migration, clone or restore (MIG_BEGIN) against its slice's
     * quotas; it counts here until {@link #arrivalEnded}.
     *
     * @throws CaravanException NOT_FOUND for a slice with no definition, QUOTA_EXCEEDED when it would not fit
     */
    void admitArrival(ProcessSpec spec) {
        if (sliceOf(spec).isEmpty()) {
            return;
        }
        synchronized (lock) {
            check(spec, "receiving");
            arriving.put(spec.name(), spec);
        }
    }

    /** The arrival of {@code name} was committed (it is hosted now) or discarded. */
    void arrivalEnded(String name) {
        arriving.remove(name);
    }

    /** The connection gate of {@code spec}'s endpoint; empty for a process of no slice. Reads the slice's limit now. */
    Optional<ConnectionGate> connectionGate(ProcessSpec spec) {
        String slice = sliceOf(spec);
        if (slice.isEmpty()) {
            return Optional.empty();
        }
        int limit;
        try {
            limit = registry.get(slice).map(SliceDefinition::connections).orElse(0);
        } catch (CaravanException e) {
            // A file broken since the process was admitted: its deploy or arrival was checked; keep the last limit.
            limit = connections.limit(slice);
        }
        return Optional.of(connections.gate(slice, spec.name(), limit));
    }

    private void check(ProcessSpec spec, String verb) {
        String slice = sliceOf(spec);
        SliceDefinition quota = registry.get(slice).orElseThrow(() -> ErrorCode.NOT_FOUND.exception("slice " + slice
                + " is not defined in " + registry.dir() + ": run 'caravan slice create " + slice + "'"));
        List<ProcessSpec> here = new ArrayList<>();
        for (HostedProcess p : node.hostedProcesses()) {
            if (!p.spec().name().equals(spec.name())) {
                here.add(p.spec());
            }
        }
        arriving.forEach((name, s) -> {
            if (!name.equals(spec.name())) {
                here.add(s);
            }
        });
        SliceUsage onNode = SliceUsage.of(here, slice).plus(1, spec.memoryBytes());
        refuseOver(quota, onNode, spec, verb, "on node " + node.nodeId());
        List<NamingEntry> others = node.naming().list("process/").stream()
                .filter(e -> !e.name().equals("process/" + spec.name())).toList();
        SliceUsage elsewhere = SliceUsage.ofEntries(others, slice, node.nodeId());
        refuseOver(quota, onNode.plus(elsewhere), spec, verb, "cluster-wide");
    }

    private static void refuseOver(SliceDefinition quota, SliceUsage after, ProcessSpec spec, String verb, String where) {
        if (quota.processes() > 0 && after.processes() > quota.processes()) {
            throw ErrorCode.QUOTA_EXCEEDED.exception("slice " + quota.name() + " may run " + quota.processes()
                    + " process(es); " + verb + " " + spec.name() + " would make " + after.processes() + " " + where);
        }
        if (quota.memoryBytes() > 0 && after.memoryBytes() > quota.memoryBytes()) {
            throw ErrorCode.QUOTA_EXCEEDED.exception("slice " + quota.name() + " may use " + quota.memoryBytes()
                    + " bytes of memory; " + verb + " " + spec.name() + " would make " + after.memoryBytes() + " " + where);
        }
    }

    private static String sliceOf(ProcessSpec spec) {
        return spec.config().getOrDefault(SecuritySettings.SLICE, "");
    }
}
