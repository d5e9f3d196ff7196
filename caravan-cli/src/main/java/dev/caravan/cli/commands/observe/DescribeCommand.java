package dev.caravan.cli.commands.observe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.caravan.cli.ClusterOptions;
import dev.caravan.cli.commands.nodes.NodeCalls;
import dev.caravan.client.CaravanClient;
import dev.caravan.client.CaravanClient.NodeListing;
import dev.caravan.launch.Sizes;
import dev.caravan.observe.Event;
import dev.caravan.observe.EventKind;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.ProcessInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code caravan describe PROCESS|NODE}, as {@code kubectl describe}: for a process, its state,
 * id, epoch, node, endpoints, memory, pages and commands served; for a node, its status and the
 * processes on it (its state in the words of {@code caravan nodes}: READY, CORDONED, DRAINING,
 * UNREACHABLE); for a name no node lists (none, or another slice's process) whose last event the
 * caller may read is a stop or failure, "gone", else the one-line NOT_FOUND error; then, for both, the recent events about it from every daemon (naming's and
 * every node's), oldest first. A name that is both a node and a process describes the node.
 * {@code --json}: the same fields in lowerCamel, with {@code events} in their version-1 shape.
 */
@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Show a process or a node in detail, with its recent events from every daemon.")
public final class DescribeCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Parameters(paramLabel = "PROCESS|NODE", description = "a process name or a node id")
    String name;

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    @Option(names = "--events", paramLabel = "N", defaultValue = "20", description = "recent events shown (default: ${DEFAULT-VALUE})")
    int eventCount;

    @Override
    public Integer call() throws Exception {
        try (CaravanClient client = cluster.client()) {
            List<NodeListing> listings = client.listAll(Duration.ofSeconds(2));
            Map<String, Object> d = new LinkedHashMap<>();
            NodeListing node = listings.stream().filter(n -> n.node().equals(name)).findFirst().orElse(null);
            ProcessInfo process = listings.stream().flatMap(n -> n.processes().stream()).filter(p -> p.name().equals(name))
                    .findFirst().orElse(null);
            List<Event> events;
            try (EventStreams streams = new EventStreams(client, new AdminClient(cluster.token()), p -> { })) {
                events = streams.snapshot(0, name, e -> true);
            }
            boolean draining = draining(events);
            boolean ended = ended(events);
            events = events.subList(Math.max(0, events.size() - Math.max(0, eventCount)), events.size());
            if (node != null) {
                describeNode(client, node, d, draining);
            } else if (process != null) {
                describeProcess(process, d);
                d.put("tlsEndpoint", dev.caravan.cli.commands.PsCommand.tlsEndpoints(client.naming()).getOrDefault(name, "-"));
                describeQuotas(listings, process, d);
            } else if (!ended) {
                // Not listed (none, or another slice's: its node answers NOT_FOUND) and no event the caller
                // may read says it ended: as far as this caller can tell there is no such process.
                throw ErrorCode.NOT_FOUND.exception("no process or node named '" + name + "'; see 'caravan ps' and 'caravan nodes'");
            } else {
                d.put("kind", "gone");
                d.put("name", name);
                d.put("state", "not running (only its events are left)");
            }
            d.put("events", events.stream().map(Event::toJson).toList());
            if (json) {
                System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(d));
            } else {
                print(d, events);
            }
            return 0;
        }
    }

    /**
     * Whether the process's last lifecycle event (of those the caller may read) is a stop or a
     * failure: only then is an unlisted name described as gone.
     */
    static boolean ended(List<Event> events) {
        boolean ended = false;
        for (Event e : events) {
            switch (e.kind()) {
                case PROCESS_STOPPED, PROCESS_FAILED -> ended = true;
                case PROCESS_DEPLOYED, PROCESS_STARTED, PROCESS_ARRIVED, PROCESS_RESTORED, PROCESS_CLONED -> ended = false;
                default -> {
                }
            }
        }
        return ended;
    }

    /** Whether the node's last drain event (of those kept) is a begun one without its end, as {@code caravan nodes} reads it. */
    private static boolean draining(List<Event> events) {
        boolean draining = false;
        for (Event e : events) {
            if (e.kind() == EventKind.NODE_DRAIN_BEGUN) {
                draining = true;
            } else if (e.kind() == EventKind.NODE_DRAINED) {
                draining = false;
            }
        }
        return draining;
    }

    private void describeNode(CaravanClient client, NodeListing node, Map<String, Object> d, boolean draining) {
        d.put("kind", "node");
        d.put("name", node.node());
        d.put("control", node.control().getHostString() + ":" + node.control().getPort());
        d.put("admin", AdminClient.daemons(client).getOrDefault(node.node(), ""));
        try {
            var s = NodeCalls.statusCall(node.control(), cluster.token(), dev.caravan.wire.Op.NODE_STATUS);
            // The state words of 'caravan nodes'.
            d.put("state", draining ? "DRAINING" : s.schedulable() ? "READY" : "CORDONED");
            d.put("memory", Sizes.human(s.allocatedBytes()) + " allocated, " + Sizes.human(s.reservedBytes()) + " reserved of "
                    + Sizes.human(s.processMemoryBytes()));
            d.put("load", s.cpuLoadPermille() < 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", s.cpuLoad() * 100));
        } catch (RuntimeException e) {
            d.put("state", "UNREACHABLE (" + e.getMessage() + ")");
        }
        List<String> processes = new ArrayList<>();
        node.processes().forEach(p -> processes.add(p.name() + " (" + p.state() + ", epoch " + p.epoch() + ")"));
        d.put("processes", processes);
    }

    private static void describeProcess(ProcessInfo p, Map<String, Object> d) {
        d.put("kind", "process");
        d.put("name", p.name());
        d.put("id", p.id());
        d.put("state", p.state() + (p.stateDetail().isEmpty() ? "" : " (" + p.stateDetail() + ")"));
        d.put("epoch", p.epoch());
        d.put("node", p.node());
        d.put("dataEndpoint", p.dataEndpoint());
        d.put("front", p.front().isEmpty() ? "-" : p.front());
        d.put("code", !p.bundle().isEmpty() ? "bundle " + p.bundle() + " " + p.className() : p.className());
        d.put("memory", Sizes.human(p.memoryBytes()));
        d.put("pages", p.allocatedPages() + " allocated, " + p.dirtyPages() + " dirty");
        d.put("commands", p.commandsServed() + " served");
    }

    /** The process's quotas and use, from its node (NODE_QUOTAS); "-" when the node cannot say (an older node). */
    private void describeQuotas(List<NodeListing> listings, ProcessInfo p, Map<String, Object> d) {
        NodeListing at = listings.stream().filter(n -> n.node().equals(p.node())).findFirst().orElse(null);
        if (at == null) {
            return;
        }
        try (var link = dev.caravan.wire.net.FrameClient.connect(at.control(), new dev.caravan.wire.net.Hello("cli",
                cluster.token()), Duration.ofSeconds(5), cluster.security())) {
            var in = link.call(dev.caravan.wire.Op.NODE_QUOTAS, new dev.caravan.wire.BodyWriter().string(p.name()).toBytes(),
                    Duration.ofSeconds(5)).expectOk();
            int n = in.i32();
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                parts.add(in.string() + "=" + in.string());
            }
            d.put("quotas", String.join(", ", parts));
        } catch (RuntimeException e) {
            d.put("quotas", "- (" + e.getMessage() + ")");
        }
    }

    private static void print(Map<String, Object> d, List<Event> events) {
        d.forEach((k, v) -> {
            if (k.equals("events")) {
                return;
            }
            if (v instanceof List<?> list) {
                System.out.println(label(k) + ":" + (list.isEmpty() ? " (none)" : ""));
                list.forEach(x -> System.out.println("  " + x));
            } else {
                System.out.printf(Locale.ROOT, "%-15s %s%n", label(k) + ":", v);
            }
        });
        System.out.println("Events:" + (events.isEmpty() ? " (none kept)" : ""));
        for (Event e : events) {
            System.out.printf(Locale.ROOT, "  %-12s %-8s %-22s %s%n", EventsCommand.TIME.format(Instant.ofEpochMilli(e.timeMs())),
                    e.source(), e.kind().label(), e.message());
        }
    }

    private static String label(String key) {
        String spaced = key.replaceAll("([A-Z])", " $1").toLowerCase(Locale.ROOT);
        return Character.toUpperCase(spaced.charAt(0)) + spaced.substring(1);
    }
}
