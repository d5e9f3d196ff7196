package dev.caravan.cli.commands.nodes;

import dev.caravan.cli.commands.observe.AdminClient;
import dev.caravan.cli.commands.observe.EventStreams;
import dev.caravan.client.CaravanClient;
import dev.caravan.observe.Event;
import dev.caravan.observe.EventKind;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the cluster's events say about its nodes that a status call cannot: which nodes naming saw
 * leave (and did not see come back), and which are draining (a {@code node-drain-begun} without
 * its {@code node-drained}). Read once from every admin port; a daemon that does not answer adds
 * nothing.
 */
final class NodeHistory {
    private static final Set<EventKind> KINDS = Set.of(EventKind.NODE_JOINED, EventKind.NODE_LOST, EventKind.NODE_DRAIN_BEGUN,
            EventKind.NODE_DRAINED);

    /** A node naming saw leave: when, its control address and naming's message. */
    record Lost(String node, long timeMs, String control, String message) {
    }

    private final Map<String, Event> lastMembership = new LinkedHashMap<>();
    private final Map<String, Event> lastDrain = new LinkedHashMap<>();

    private NodeHistory(List<Event> events) {
        for (Event e : events) {
            if (e.kind() == EventKind.NODE_JOINED || e.kind() == EventKind.NODE_LOST) {
                // Naming's daemon publishes them; on ZooKeeper a switch does (switch/<id>).
                if (e.source().equals("naming") || e.source().startsWith("switch/")) {
                    lastMembership.put(e.subject(), e);
                }
            } else {
                lastDrain.put(e.subject(), e);
            }
        }
    }

    static NodeHistory read(CaravanClient client, String token) {
        try (EventStreams streams = new EventStreams(client, new AdminClient(token), problem -> { })) {
            return new NodeHistory(streams.snapshot(0, null, e -> KINDS.contains(e.kind())));
        }
    }

    boolean draining(String node) {
        Event e = lastDrain.get(node);
        return e != null && e.kind() == EventKind.NODE_DRAIN_BEGUN;
    }

    /** Nodes naming saw leave last, that are not among {@code registered}, oldest loss first. */
    List<Lost> lost(Collection<String> registered) {
        List<Lost> out = new ArrayList<>();
        lastMembership.forEach((node, e) -> {
            if (e.kind() == EventKind.NODE_LOST && !registered.contains(node)) {
                out.add(new Lost(node, e.timeMs(), e.fields().getOrDefault("control", "-"), e.message()));
            }
        });
        return out;
    }
}
