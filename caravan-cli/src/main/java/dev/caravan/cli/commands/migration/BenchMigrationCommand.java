package dev.caravan.cli.commands.migration;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.caravan.cli.bench.migration.DataSet;
import dev.caravan.cli.bench.migration.DirtyingWriter;
import dev.caravan.cli.bench.migration.FailureLog;
import dev.caravan.cli.bench.migration.HostBandwidth;
import dev.caravan.cli.bench.migration.LatencyPlot;
import dev.caravan.cli.bench.migration.LinkShape;
import dev.caravan.cli.bench.migration.LoopbackBandwidth;
import dev.caravan.cli.bench.migration.MigrationTable;
import dev.caravan.cli.bench.migration.MigrationTargets;
import dev.caravan.cli.bench.migration.MigrationTour;
import dev.caravan.cli.bench.migration.ModeResult;
import dev.caravan.cli.bench.migration.PageStreamTlsComparison;
import dev.caravan.cli.bench.migration.SteadyClients;
import dev.caravan.client.NodeControl;
import dev.caravan.core.time.Clock;
import dev.caravan.launch.LocalCluster;
import dev.caravan.launch.Placement;
import dev.caravan.launch.net.NetHosts;
import dev.caravan.launch.net.TestHost;
import dev.caravan.launch.Sizes;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.net.HostPort;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code caravan bench migration}: one Redis-compatible process holding {@code --state} of
 * data is migrated n1 → n2 → n3 → n1 → n2, once per mode (stop-and-copy, pre-copy, post-copy,
 * hybrid), keeping its data from one mode to the next, while a writer dirties its pages at
 * {@code --dirty-rate} and steady clients use it through its front endpoint. The reference, raw
 * loopback TCP bandwidth between two JVMs, is measured in the same run. With {@code --hosts N} the
 * nodes run on N network-namespace hosts ({@link NetHosts}; naming on one more), their links shaped
 * by {@code --latency} and {@code --bandwidth} ({@link LinkShape}) after the data is loaded, and the
 * reference is raw TCP bandwidth between two of those hosts over the shaped links; the results go
 * to {@code migration-hosts.json}. Prints a table (with the
 * destination's allocation time and, for post-copy and hybrid, the page faults: count, pages per
 * fault, p50/p99/max service time) and the engine's targets ({@link MigrationTargets}), writes
 * JSON and one latency figure per mode; exits 3 when a target is missed. With {@code --tls} it
 * first compares the page stream plaintext and over mutual TLS 1.3 for the same state
 * ({@link PageStreamTlsComparison}, {@code migration-tls.json}; {@code --tls-only} stops there).
 */
@Command(name = "migration", mixinStandardHelpOptions = true,
        description = {"Live migration in all four modes of a loaded, busy Redis-compatible process, against raw loopback bandwidth.",
                "  caravan bench migration --state 256m",
                "  caravan bench migration --state 64m --hosts 3 --latency 1ms --bandwidth 200mbit   (as root)",
                "",
                "Exit code 0 when every target is met, 3 when one is missed (with --tls or --tls-only: also when TLS moves"
                + " pages at less than 0.7× the plaintext bandwidth), 1 on errors."})
public final class BenchMigrationCommand implements Callable<Integer> {
    @Option(names = "--state", defaultValue = "1g", description = "data the process holds, in 64 KiB values (default: ${DEFAULT-VALUE})")
    String state;

    @Option(names = "--dirty-rate", defaultValue = "500",
            description = "writes/s, each overwriting one 64 KiB value (default: ${DEFAULT-VALUE} ≈ 33 MB/s of dirtied memory)")
    double dirtyRate;

    @Option(names = "--clients", defaultValue = "4", description = "steady client connections (default: ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--rate", defaultValue = "2000", description = "requests/s of all steady clients together (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--max-downtime", defaultValue = "5", description = "pre-copy's downtime budget in ms (default: ${DEFAULT-VALUE})")
    long maxDowntimeMs;

    @Option(names = "--prefault-reserve", paramLabel = "SIZE",
            description = "memory each node keeps warm for arriving processes, as caravan node --prefault-reserve"
                    + " (default: the state + 25 %%; 0 to measure migrations into fresh memory)")
    String prefaultReserve;

    @Option(names = "--hosts", paramLabel = "N", defaultValue = "0",
            description = "run the nodes on N network-namespace hosts, one node each (2..8; naming on one more), instead of"
                    + " loopback; the reference is then raw TCP bandwidth between two of them (needs root and ip netns)")
    int hosts;

    @Option(names = "--latency", paramLabel = "DELAY",
            description = "with --hosts: emulated one-way delay between two hosts, e.g. 1ms or 10ms (default: none)")
    String latency;

    @Option(names = "--bandwidth", paramLabel = "RATE",
            description = "with --hosts: cap on each host's link, each direction, e.g. 200mbit (default: none)")
    String bandwidth;

    @Option(names = "--tls",
            description = "also measure the page stream plaintext and over mutual TLS 1.3 for the same --state, alternating"
                    + " --tls-runs rounds each; prints both bandwidths and the ratio (target ≥ 0.7×; exit 3 when missed)")
    boolean tls;

    @Option(names = "--tls-runs", paramLabel = "N", defaultValue = "5", description = "with --tls: rounds of each transport (default: ${DEFAULT-VALUE})")
    int tlsRuns;

    @Option(names = "--tls-only", description = "with --tls: only the page stream comparison, no cluster and no tour")
    boolean tlsOnly;

    @Option(names = "--out", defaultValue = "bench-results", description = "directory for migration.json and the PNGs (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--work-dir", defaultValue = ".caravan/bench-migration", description = "logs and node data (default: ${DEFAULT-VALUE})")
    Path workDir;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private static final String PROCESS = "mig";
    private static final List<MigrationMode> MODES = List.of(MigrationMode.STOP_AND_COPY, MigrationMode.PRE_COPY,
            MigrationMode.POST_COPY, MigrationMode.HYBRID);

    @Override
    public Integer call() throws Exception {
        long stateBytes = Sizes.parse(state);
        if (stateBytes < (1 << 20) || dirtyRate <= 0 || clients < 1 || rate <= 0 || maxDowntimeMs < 1) {
            throw usage("need --state ≥ 1m and positive --dirty-rate, --clients, --rate, --max-downtime");
        }
        LinkShape link;
        try {
            link = LinkShape.parse(latency, bandwidth);
        } catch (dev.caravan.wire.CaravanException e) {
            throw usage(e.getMessage());
        }
        if (hosts == 0 && !link.equals(LinkShape.NONE)) {
            throw usage("--latency and --bandwidth shape the links between hosts: add --hosts N");
        }
        if (hosts != 0 && (hosts < 2 || hosts > 8)) {
            throw usage("--hosts must be 2..8 (one node on each), got " + hosts);
        }
        if (hosts != 0 && !NetHosts.available()) {
            throw ErrorCode.UNAVAILABLE.exception("--hosts needs network namespaces: " + NetHosts.unavailableReason());
        }
        if ((tlsOnly || tlsRuns != 5) && !tls) {
            throw usage("--tls-only and --tls-runs go with --tls");
        }
        if (tls && (tlsRuns < 1 || tlsRuns > 50)) {
            throw usage("--tls-runs must be 1..50, got " + tlsRuns);
        }
        Files.createDirectories(workDir);
        PageStreamTlsComparison comparison = null;
        if (tls) {
            step("page stream plaintext vs mutual TLS 1.3, " + Sizes.human(stateBytes) + " per round, " + tlsRuns
                    + " alternating rounds each (in this JVM, over loopback)...");
            comparison = PageStreamTlsComparison.run(stateBytes, tlsRuns, workDir, BenchMigrationCommand::step);
            System.out.println(comparison.render());
            Files.createDirectories(out);
            Path json = out.resolve("migration-tls.json");
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("benchmark", "migration-page-stream-tls");
            m.put("cores", Runtime.getRuntime().availableProcessors());
            m.put("stateBytes", stateBytes);
            m.put("pageStreamTls", comparison.json());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), m);
            System.out.println("JSON written to " + json.toAbsolutePath());
            if (tlsOnly) {
                return comparison.met() ? 0 : 3;
            }
        }
        int code;
        if (hosts == 0) {
            code = run(stateBytes, null, LinkShape.NONE);
        } else {
            step("creating " + (hosts + 1) + " network-namespace hosts on one bridge: naming on h1, one node on each of h2..h"
                    + (hosts + 1) + "...");
            try (NetHosts net = NetHosts.create(hosts + 1)) {
                code = run(stateBytes, net, link);
            }
        }
        if (comparison != null) {
            System.out.println(comparison.render());
            if (code == 0 && !comparison.met()) {
                code = 3;
            }
        }
        return code;
    }

    /** A bad combination of options: exit 2 with the usage hint, as picocli's own checks. */
    private picocli.CommandLine.ParameterException usage(String message) {
        return new picocli.CommandLine.ParameterException(spec.commandLine(), message);
    }

    private int run(long stateBytes, NetHosts net, LinkShape link) throws Exception {
        DataSet data = DataSet.ofState(stateBytes);
        double dirtyBytesPerSec = dirtyRate * data.valueBytes();
        String referenceName = net == null ? "raw loopback bandwidth" : "raw host-to-host bandwidth (" + link + ")";
        double reference = Double.NaN;
        if (net == null) {
            step(String.format(Locale.ROOT, "measuring raw loopback TCP bandwidth between two JVMs (3 s)..."));
            reference = LoopbackBandwidth.measure(3000);
            step(String.format(Locale.ROOT, "raw loopback bandwidth: %.0f MB/s (state ÷ bandwidth for %s: %.2f s)",
                    reference / 1e6, Sizes.human(stateBytes), stateBytes / reference));
        }
        int nodeCount = net == null ? 3 : hosts;
        step("starting naming and " + nodeCount + " nodes (separate JVMs)...");
        long reserve = prefaultReserve == null ? stateBytes + stateBytes / 4 : Sizes.parse(prefaultReserve);
        List<String> nodeArgs = reserve == 0 ? List.of() : List.of("--prefault-reserve", Long.toString(reserve));
        step(reserve == 0 ? "nodes keep no memory warm: arriving processes fault in fresh memory"
                : "each node keeps " + Sizes.human(reserve) + " warm for arriving processes (--prefault-reserve)");
        try (LocalCluster cluster = LocalCluster.builder().allowUnsigned().nodes(nodeCount).workDir(workDir).switches(0)
                .jvmOptions(List.of("-Xmx1g", "-Xlog:gc:stdout")).nodeArgs(nodeArgs)
                .placement(net == null ? Placement.LOCAL : Placement.onHosts(net)).start();
             NodeControl n1 = NodeControl.connect(cluster.nodeControls().get("n1"), "bench", "", Duration.ofSeconds(30))) {
            warmUp(cluster);
            ProcessInfo kv = n1.start(new ProcessSpec(PROCESS, "kv", "", "", stateBytes * 2 + (256L << 20), Map.of()));
            InetSocketAddress dataAt = new InetSocketAddress(kv.dataHost(), kv.dataPort());
            InetSocketAddress front = HostPort.parse(kv.front());
            step("deployed " + PROCESS + " on n1; data endpoint " + kv.dataEndpoint() + ", front endpoint " + kv.front());
            step(String.format(Locale.ROOT, "loading %,d keys × %,d-byte values (%s) by pipelined SETs...", data.keys(),
                    data.valueBytes(), Sizes.human(data.valueTotalBytes())));
            long t0 = Clock.system().nanoTime();
            data.load(dataAt, 64);
            SteadyClients.load(dataAt);
            double loadSec = (Clock.system().nanoTime() - t0) / 1e9;
            ProcessInfo loaded = n1.inspect(PROCESS);
            step(String.format(Locale.ROOT, "loaded in %.1f s (%.0f MB/s); the process holds %s in %,d pages", loadSec,
                    data.valueTotalBytes() / loadSec / 1e6, Sizes.human(loaded.memoryBytes()), loaded.allocatedPages()));
            if (net != null) {
                reference = shapeLinks(net, link, stateBytes);
            }

            FailureLog failures = new FailureLog();
            List<ModeResult> results;
            try (SteadyClients steady = new SteadyClients(front, clients, rate, failures);
                 DirtyingWriter writer = new DirtyingWriter(data, front, dirtyRate, failures)) {
                steady.start();
                writer.start();
                step(String.format(Locale.ROOT, "load on: %d steady clients at %.0f requests/s (GET/SET of small keys) and a writer "
                                + "overwriting %.0f values/s = %.1f MB/s (%.1f MiB/s) of dirtied memory = %.1f%% of the reference bandwidth, "
                                + "all through the front endpoint", clients, rate, dirtyRate, dirtyBytesPerSec / 1e6,
                        dirtyBytesPerSec / (1 << 20), 100 * dirtyBytesPerSec / reference));
                MigrationTour tour = new MigrationTour(PROCESS, cluster.nodeControls(), cluster.nodeIds(), front, steady, writer,
                        failures, maxDowntimeMs, 2000, BenchMigrationCommand::step);
                tour.markStart();
                long tourStartNs = Clock.system().nanoTime();
                Thread.sleep(2000);
                results = new ArrayList<>();
                for (MigrationMode mode : MODES) {
                    ProgressBar bar = new ProgressBar(System.err, mode);
                    results.add(tour.migrate(mode, bar));
                    bar.finish();
                }
                step(String.format(Locale.ROOT, "the writer's acknowledged writes: %,d; steady client requests: %,d",
                        writer.acknowledged(), steady.completed()));
                double achieved = steady.completed() * 1e9 / (Clock.system().nanoTime() - tourStartNs);
                if (achieved < 0.8 * rate) {
                    step(String.format(Locale.ROOT, "note: the steady clients reached only %.0f of %.0f requests/s: each waits for "
                            + "its reply, so over this link lower --rate or raise --clients; their latency columns count only "
                            + "requests due during a migration", achieved, rate));
                }
            }

            System.out.println();
            System.out.println(MigrationTable.render(results, reference, referenceName));
            List<MigrationTargets.Target> targets = MigrationTargets.check(results, reference, net == null ? "raw loopback bandwidth" : "raw host-to-host bandwidth");
            System.out.println(MigrationTargets.render(targets));
            Files.createDirectories(out);
            double sac = results.getFirst().downtimeMs();
            String prefix = net == null ? "migration" : "migration-hosts";
            for (ModeResult r : results) {
                Path png = LatencyPlot.write(out.resolve(prefix + "-" + r.mode() + ".png"), r, sac);
                System.out.println("figure: " + png.toAbsolutePath());
            }
            Path json = out.resolve(prefix + ".json");
            Map<String, Object> m = json(stateBytes, data, reference, dirtyBytesPerSec, results, targets);
            if (net != null) {
                m.put("hosts", hosts);
                m.put("oneWayLatencyMs", link.oneWay().toNanos() / 1e6);
                m.put("bandwidthCapBitsPerSec", link.bitsPerSecond());
                m.remove("loopbackBytesPerSec");
                m.put("hostToHostBytesPerSec", reference);
            }
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), m);
            System.out.println("JSON written to " + json.toAbsolutePath());
            if (!cluster.loggedErrors().isEmpty()) {
                System.err.println("errors logged by the daemons:\n  " + String.join("\n  ", cluster.loggedErrors()));
                return 1;
            }
            return targets.stream().allMatch(MigrationTargets.Target::met) ? 0 : 3;
        }
    }

    private Map<String, Object> json(long stateBytes, DataSet data, double loopback, double dirtyBytesPerSec,
                                     List<ModeResult> results, List<MigrationTargets.Target> targets) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("benchmark", "migration");
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("stateBytesRequested", stateBytes);
        m.put("keys", data.keys());
        m.put("valueBytes", data.valueBytes());
        m.put("loopbackBytesPerSec", loopback);
        m.put("dirtyWritesPerSec", dirtyRate);
        m.put("dirtyBytesPerSec", dirtyBytesPerSec);
        m.put("clients", clients);
        m.put("clientRequestsPerSec", rate);
        m.put("maxDowntimeMs", maxDowntimeMs);
        m.put("prefaultReserveBytes", prefaultReserve == null ? stateBytes + stateBytes / 4 : Sizes.parse(prefaultReserve));
        m.put("sameProcessAcrossModes", true);
        m.put("results", MigrationTable.rows(results, loopback));
        m.put("targets", MigrationTargets.rows(targets));
        return m;
    }

    /**
     * Shapes every node host's link ({@link LinkShape#applyTo}), then measures the reference: raw
     * TCP bandwidth from h2 to h3, a JVM in each, over the shaped links.
     */
    private static double shapeLinks(NetHosts net, LinkShape link, long stateBytes) throws Exception {
        for (TestHost h : net.hosts().subList(1, net.hosts().size())) {
            link.applyTo(h);
        }
        step("links between node hosts: " + link + "; measuring raw TCP bandwidth h2 → h3, a JVM in each (3 s)...");
        double reference = HostBandwidth.measure(Placement.place(net.host(2)), Placement.place(net.host(3)), 3000);
        step(String.format(Locale.ROOT, "raw host-to-host bandwidth: %.1f MB/s (state ÷ bandwidth for %s: %.2f s)",
                reference / 1e6, Sizes.human(stateBytes), stateBytes / reference));
        return reference;
    }

    /**
     * Moves a small process once around every node, untimed, so that the page-moving code is
     * compiled on every JVM before the measured migrations (as a JVM benchmark warms up).
     */
    private static void warmUp(LocalCluster cluster) throws Exception {
        step("warming up: a 64 MiB process moved once around the nodes (not measured)...");
        List<String> ids = cluster.nodeIds();
        try (NodeControl first = NodeControl.connect(cluster.nodeControls().get(ids.get(0)), "bench", "", Duration.ofSeconds(30))) {
            ProcessInfo w = first.start(new ProcessSpec("warm-up", "kv", "", "", 256L << 20, Map.of()));
            DataSet.ofState(64L << 20).load(new InetSocketAddress(w.dataHost(), w.dataPort()), 64);
            String at = ids.get(0);
            for (int round = 0; round < 2; round++) {
                for (MigrationMode mode : MODES) {
                    String to = ids.get((ids.indexOf(at) + 1) % ids.size());
                    NodeControl.migrate(cluster.nodeControls().get(at), "", new MigrationRequest("warm-up", to, mode, 50, 30, 2,
                            false, "", ""), p -> { }, Duration.ofMinutes(2));
                    at = to;
                }
            }
            try (NodeControl last = NodeControl.connect(cluster.nodeControls().get(at), "bench", "", Duration.ofSeconds(30))) {
                last.stop("warm-up");
            }
        }
    }

    private static void step(String msg) {
        System.out.println("==> " + msg);
    }
}
