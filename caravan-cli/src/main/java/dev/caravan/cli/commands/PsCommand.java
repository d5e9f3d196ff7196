package dev.caravan.cli.commands;

import dev.caravan.cli.ClusterOptions;
import dev.caravan.cli.out.Json;
import dev.caravan.cli.out.JsonOption;
import dev.caravan.cli.out.Style;
import dev.caravan.cli.out.Table;
import dev.caravan.client.CaravanClient;
import dev.caravan.client.CaravanClient.NodeListing;
import dev.caravan.launch.Sizes;
import dev.caravan.wire.node.ProcessInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code caravan ps}: every process in the cluster, asked of all nodes at once with a short
 * deadline per node. STATE is the process's state, or BUSY (one command running for long),
 * STUCK (did not stop by its deadline and was abandoned); DETAIL says why, and why a process
 * FAILED. SWITCH ({@code switch} in JSON) is where clients reach the process through the switch
 * (naming's {@code front/<name>}: a RESP process's own front end, or the front end of the HTTP
 * service it belongs to; "-" when it has none), FRONT ({@code front}) the node-local stable
 * endpoint, if any. That endpoint lives on the process's home node and dies with it, while the
 * process runs on elsewhere: every FRONT is tried (a TCP connect, all at once, at most
 * {@value #FRONT_PROBE_MS} ms) and one that does not answer is shown as {@code gone} (JSON:
 * {@code "frontReachable": false}) rather than as an address nobody serves.
 * A node that does not answer in time is listed as UNREACHABLE and the exit code is 1.
 *
 * <p>The table's columns are the JSON fields of {@link #row} (see {@link Table}); {@code --watch}
 * redraws the table every {@code --interval} seconds until Ctrl-C (exit code 130, from the JVM's
 * SIGINT handling: nothing to clean up).
 */
@Command(name = "ps", mixinStandardHelpOptions = true,
        description = "List processes: node, state (BUSY, STUCK, FAILED with the reason), switch address, endpoints, pages.")
public final class PsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    JsonOption output;

    @Option(names = {"-w", "--watch"}, description = "redraw the table every --interval seconds until Ctrl-C")
    boolean watch;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "2",
            description = "seconds between redraws with --watch, 1..3600 (default: ${DEFAULT-VALUE})")
    int intervalSeconds;

    @Option(names = "--watch-count", hidden = true, defaultValue = "0", description = "stop after this many redraws (tests)")
    int watchCount;

    @Option(names = "--node-timeout-ms", defaultValue = "2000",
            description = "how long to wait for each node (default: ${DEFAULT-VALUE})")
    long nodeTimeoutMs;

    /**
     * RESP over TLS of each process that has it ({@code caravan node --resp-tls}): name → host:port,
     * from the {@code tls-port} attribute of naming's {@code process/<name>}.
     */
    public static Map<String, String> tlsEndpoints(dev.caravan.naming.NamingService naming) {
        Map<String, String> out = new java.util.HashMap<>();
        for (dev.caravan.naming.NamingEntry e : naming.list("process/")) {
            String port = e.attributes().get(TLS_PORT_ATTRIBUTE);
            if (port != null && !port.isEmpty()) {
                out.put(e.name().substring("process/".length()), e.host() + ":" + port);
            }
        }
        return out;
    }

    /** Naming's attribute of a process's RESP-over-TLS port (as the node publishes it). */
    static final String TLS_PORT_ATTRIBUTE = "tls-port";

    static final int FRONT_PROBE_MS = 300;

    /** The FRONT addresses among {@code processes} that accept a connection now (probed in parallel). */
    static java.util.Set<String> reachableFronts(List<ProcessInfo> processes) throws InterruptedException {
        java.util.Set<String> fronts = new java.util.HashSet<>();
        processes.forEach(p -> {
            if (!p.front().isEmpty()) {
                fronts.add(p.front());
            }
        });
        java.util.Set<String> reachable = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<Thread> probes = new ArrayList<>();
        for (String front : fronts) {
            probes.add(Thread.ofVirtual().start(() -> {
                try (java.net.Socket s = new java.net.Socket()) {
                    s.connect(dev.caravan.wire.net.HostPort.parse(front), FRONT_PROBE_MS);
                    reachable.add(front);
                } catch (java.io.IOException | RuntimeException e) {
                    // Not answering: its home node is gone (or unreachable from here).
                }
            }));
        }
        for (Thread t : probes) {
            t.join();
        }
        return reachable;
    }

    /** A process as ps shows it: its {@link ProcessInfo} fields plus {@code dataEndpoint}; also what {@code deploy --json} prints. */
    public static Map<String, Object> row(ProcessInfo p) {
        Map<String, Object> row = Json.fields(p);
        row.put("dataEndpoint", p.dataEndpoint());
        // A sandbox's node id is <host>.sandbox-<slice> (dev.caravan.node.sandbox.SandboxRole).
        int sandbox = p.node().lastIndexOf(".sandbox-");
        row.put("isolation", sandbox < 0 ? "node" : "sandbox:" + p.node().substring(sandbox + ".sandbox-".length()));
        return row;
    }

    static Table table() {
        return Table.of(Table.col("name"), Table.col("id"), Table.col("node"), Table.col("state").asState(), Table.col("epoch"), Table.col("isolation"),
                // The bundle's hash, short (12 hex digits, as describe and refusals show it); --json has it whole.
                Table.colOfRow("bundle", r -> r.get("bundle") instanceof String h && h.length() > 12 ? h.substring(0, 12) + "…"
                        : "-"),
                Table.col("switch"), Table.colOfRow("front", r -> "".equals(r.get("front")) ? "-"
                        : Boolean.TRUE.equals(r.get("frontReachable")) ? String.valueOf(r.get("front")) : "gone"),
                Table.col("dataEndpoint"), Table.colOfRow("tlsEndpoint", r -> r.get("tlsEndpoint") instanceof String t && !t.isEmpty() ? t : "-"),
                Table.col("allocatedPages"), Table.col("dirtyPages"),
                Table.col("memoryBytes", Number.class, n -> Sizes.human(n.longValue())), Table.col("commandsServed"),
                Table.col("stateDetail"));
    }

    @Override
    public Integer call() throws Exception {
        if (intervalSeconds < 1 || intervalSeconds > 3600) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--interval must be 1..3600 seconds, got " + intervalSeconds);
        }
        if (watch && output.json) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--watch redraws a table; it does not go with --json");
        }
        Style style = Style.forOutput(output.json);
        try (CaravanClient client = cluster.client()) {
            if (!watch) {
                return list(client, System.out, style);
            }
            boolean clear = style.coloured();
            for (int drawn = 1; ; drawn++) {
                java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream();
                try (PrintStream out = new PrintStream(frame, true, java.nio.charset.StandardCharsets.UTF_8)) {
                    out.println("Every " + intervalSeconds + " s: caravan ps    " + java.time.LocalTime.now().withNano(0));
                    list(client, out, style);
                }
                System.out.print((clear ? "\u001b[H\u001b[2J" : drawn > 1 ? System.lineSeparator() : "")
                        + frame.toString(java.nio.charset.StandardCharsets.UTF_8));
                System.out.flush();
                if (watchCount > 0 && drawn >= watchCount) {
                    return 0;
                }
                Thread.sleep(Duration.ofSeconds(intervalSeconds));
            }
        }
    }

    private int list(CaravanClient client, PrintStream out, Style style) throws Exception {
        List<ProcessInfo> all = new ArrayList<>();
        List<NodeListing> unreachable = new ArrayList<>();
        for (NodeListing n : client.listAll(Duration.ofMillis(Math.max(1, nodeTimeoutMs)))) {
            all.addAll(n.processes());
            if (!n.reachable()) {
                unreachable.add(n);
            }
        }
        all.sort((a, b) -> a.name().compareTo(b.name()));
        Map<String, String> switchAddresses = new java.util.HashMap<>();
        client.naming().list("front/").forEach(e -> switchAddresses.put(e.name().substring("front/".length()),
                e.host() + ":" + e.port()));
        Map<String, String> tlsEndpoints = tlsEndpoints(client.naming());
        java.util.Set<String> liveFronts = reachableFronts(all);
        List<Map<String, Object>> processes = new ArrayList<>();
        for (ProcessInfo p : all) {
            Map<String, Object> row = row(p);
            row.put("switch", switchAddresses.getOrDefault(p.name(), ""));
            row.put("tlsEndpoint", tlsEndpoints.getOrDefault(p.name(), ""));
            row.put("frontReachable", !p.front().isEmpty() && liveFronts.contains(p.front()));
            processes.add(row);
        }
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (NodeListing n : unreachable) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", n.node());
            m.put("control", n.control().getHostString() + ":" + n.control().getPort());
            m.put("reason", n.unreachable());
            nodes.add(m);
        }
        List<Map<String, Object>> frontends = sharedFrontends(client.naming());
        if (output.json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("processes", processes);
            doc.put("frontends", frontends);
            doc.put("unreachableNodes", nodes);
            Json.print(out, doc);
            return unreachable.isEmpty() ? 0 : 1;
        }
        Table table = table().rows(processes);
        for (Map<String, Object> n : nodes) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", "?");
            row.put("node", n.get("node"));
            row.put("state", "UNREACHABLE");
            row.put("dataEndpoint", n.get("control"));
            row.put("stateDetail", n.get("reason"));
            table.row(row);
        }
        table.print(out, style);
        if (all.isEmpty() && unreachable.isEmpty()) {
            out.println("(no processes; start one with 'caravan deploy --sample kv --name kv1')");
        }
        if (!frontends.isEmpty()) {
            out.println();
            Table.of(Table.col("frontend"), Table.col("port"), Table.col("protocol"), Table.col("mode"), Table.col("backends"),
                    Table.col("switches")).rows(frontends).print(out, style);
        }
        for (NodeListing n : unreachable) {
            System.err.println("caravan: node " + n.node() + " does not answer: " + n.unreachable());
        }
        return unreachable.isEmpty() ? 0 : 1;
    }

    /**
     * The front ends the switches share ({@code switchconfig/frontend/}), each once, with the
     * switches that serve it now ({@code switch/<id>}'s {@code frontends} attribute); removed and
     * unreadable ones are left out.
     */
    static List<Map<String, Object>> sharedFrontends(dev.caravan.naming.NamingService naming) {
        Map<String, List<String>> servedBy = new java.util.HashMap<>();
        for (dev.caravan.naming.NamingEntry s : naming.list("switch/")) {
            String served = s.attribute("frontends");
            if (served != null && !served.isEmpty()) {
                for (String f : served.split(",")) {
                    servedBy.computeIfAbsent(f, k -> new ArrayList<>()).add(s.name().substring("switch/".length()));
                }
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (dev.caravan.naming.NamingEntry e : naming.list(dev.caravan.switching.shared.SharedFrontendCodec.PREFIX)) {
            dev.caravan.switching.shared.SharedFrontend f;
            try {
                f = dev.caravan.switching.shared.SharedFrontendCodec.decode(e);
            } catch (dev.caravan.wire.CaravanException bad) {
                continue;
            }
            if (f.removed()) {
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("frontend", f.name());
            row.put("port", f.spec().listen().getPort());
            row.put("protocol", f.spec().protocol().name().toLowerCase(java.util.Locale.ROOT));
            row.put("mode", f.spec().mode().name().toLowerCase(java.util.Locale.ROOT));
            row.put("backends", String.join(", ", f.spec().routes().stream().map(r -> r.backends().toString()).toList()));
            row.put("switches", String.join(",", servedBy.getOrDefault(f.name(), List.of())));
            rows.add(row);
        }
        return rows;
    }
}
