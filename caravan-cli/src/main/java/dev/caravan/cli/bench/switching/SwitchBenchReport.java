package dev.caravan.cli.bench.switching;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one {@code caravan bench switch} run: tables, targets, JSON and the figure.
 *
 * <p>JSON, schema {@value #SCHEMA} (every figure is an object with its {@code unit}; spreads
 * are {@code {"unit", "median", "min", "max", "rounds": [...]}}, null where not measured):
 * <pre>
 * {"schema": "caravan.bench.switch/1", "benchmark": "switch", "cores": 2,
 *  "settings": {"durationSec", "rounds", "connections": [64, 256], "replicas", "wrkThreads", "haproxyThreads", "rateFraction",
 *               "requestPath", "resp": {...} | null, "nodeHeap", "nodeJvmOptions"},
 *  "paths": [{"name", "description", "targets": ["host:port"], "wrkThreads"}],
 *  "http": [{"path", "connections", "wrkConnections", "requestsPerSec", "openLoopRate", "p50", "p99",
 *            "requestsPerSecVsHaproxy", "requestsPerSecVsDirect", "p99VsHaproxy", "wrkErrors", "openLoopErrors",
 *            "openLoopUnsent", "errors": [...]}],
 *  "resp": [{"test", "pipeline", "direct", "switch", "switchVsDirect", "directP99", "switchP99", "target", "met", "errors"}],
 *  "respNote", "haproxyResponsesPerServer": {"unit": "responses", "servers": {...}},
 *  "switchServedPerBackend": {"unit": "requests", "frontends": {...}},
 *  "targets": [{"target", "comparison", "bound", "figure", "measured", "met"}], "errors": false, "allTargetsMet": false}
 * </pre>
 */
public final class SwitchBenchReport {
    public static final String SCHEMA = "caravan.bench.switch/1";

    private final Map<String, Object> settings;
    private final List<Integer> connections;
    private final int rounds;
    private final int seconds;
    private final List<HttpPath> paths;
    private final List<HttpRounds.Row> http;
    private final List<RespRounds.Row> resp;
    private final String respNote;
    private final Map<String, Long> haproxyServed;
    private final Map<String, Map<String, Long>> switchServed;
    private final List<SwitchTargets.Target> targets;
    private final Map<String, Long> switchEvents;

    public SwitchBenchReport(Map<String, Object> settings, List<Integer> connections, int rounds, int seconds, List<HttpPath> paths,
                             HttpRounds http, RespRounds resp, String respNote, Map<String, Long> haproxyServed,
                             Map<String, Map<String, Long>> switchServed, Map<String, Long> switchEvents) {
        this.switchEvents = switchEvents;
        this.settings = settings;
        this.connections = List.copyOf(connections);
        this.rounds = rounds;
        this.seconds = seconds;
        this.paths = List.copyOf(paths);
        this.http = http.rows(connections, rounds);
        this.resp = resp.rows(RespPhase.PIPELINES, RespPhase.TESTS, rounds);
        this.respNote = respNote;
        this.haproxyServed = haproxyServed;
        this.switchServed = switchServed;
        this.targets = SwitchTargets.check(this.http, this.resp);
    }

    /** The settings block of the JSON. */
    public static Map<String, Object> settings(int seconds, int rounds, List<Integer> connections, int replicas, int wrkThreads,
                                               int haproxyThreads, double rateFraction, String requestPath, String switchHealth,
                                               Map<String, Object> resp,
                                               String nodeHeap, List<String> nodeJvmOptions) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("durationSec", seconds);
        m.put("rounds", rounds);
        m.put("connections", connections);
        m.put("replicas", replicas);
        m.put("nodes", 2);
        m.put("wrkThreads", wrkThreads);
        m.put("haproxyThreads", haproxyThreads);
        m.put("rateFraction", rateFraction);
        m.put("requestPath", requestPath);
        m.put("switchHealth", switchHealth);
        m.put("resp", resp);
        m.put("nodeHeap", nodeHeap);
        m.put("nodeJvmOptions", nodeJvmOptions);
        return m;
    }

    public List<HttpRounds.Row> http() {
        return http;
    }

    public List<SwitchTargets.Target> targets() {
        return targets;
    }

    /** Whether some path failed or counted errors in some round. */
    public boolean errors() {
        return http.stream().anyMatch(r -> !HttpRounds.clean(r)) || resp.stream().anyMatch(r -> !r.errors().isEmpty());
    }

    /** Whether every target was measured and met, and the switch's paths were all there. */
    public boolean allTargetsMet() {
        boolean allPaths = HttpPath.ORDER.stream().allMatch(p -> paths.stream().anyMatch(x -> x.name().equals(p)));
        return allPaths && !resp.isEmpty() && targets.stream().allMatch(SwitchTargets.Target::met);
    }

    public String render() {
        StringBuilder b = new StringBuilder("\nHTTP (GET " + settings.get("requestPath") + " on " + settings.get("replicas")
                + " replicas of the HTTP sample, " + rounds + " round(s) × " + seconds + " s):\n");
        b.append(SwitchBenchTable.http(http));
        List<String> missing = HttpPath.ORDER.stream().filter(p -> paths.stream().noneMatch(x -> x.name().equals(p))).toList();
        if (!missing.isEmpty()) {
            b.append("not measured: ").append(String.join(", ", missing)).append('\n');
        }
        b.append("HAProxy responses per replica: ").append(haproxyServed).append('\n');
        if (!switchServed.isEmpty()) {
            b.append("switch requests per backend: ").append(switchServed).append('\n');
        }
        b.append("switch health settings: ").append(settings.get("switchHealth")).append("; events: ").append(switchEvents).append('\n');
        b.append("\nRESP (redis-benchmark -t set,get):\n");
        if (!resp.isEmpty()) {
            b.append(SwitchBenchTable.resp(resp));
        }
        if (respNote != null) {
            b.append(respNote).append('\n');
        }
        b.append('\n').append(SwitchBenchTable.targets(targets));
        return b.toString();
    }

    public void writeJson(Path file) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", SCHEMA);
        m.put("benchmark", "switch");
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("haproxyVersion", HaproxyReference.version());
        m.put("settings", settings);
        m.put("paths", paths.stream().map(p -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("name", p.name());
            x.put("description", p.description());
            x.put("targets", p.targets().stream().map(t -> t.getHostString() + ":" + t.getPort()).toList());
            x.put("wrkThreads", p.wrkThreads());
            return x;
        }).toList());
        m.put("http", http.stream().map(HttpRounds::json).toList());
        m.put("resp", resp.stream().map(RespRounds::json).toList());
        m.put("respNote", respNote);
        m.put("haproxyResponsesPerServer", Map.of("unit", "responses", "servers", haproxyServed));
        m.put("switchServedPerBackend", Map.of("unit", "requests", "frontends", switchServed));
        m.put("switchEvents", Map.of("unit", "events", "counts", switchEvents));
        m.put("targets", targets.stream().map(SwitchTargets.Target::json).toList());
        m.put("errors", errors());
        m.put("allTargetsMet", allTargetsMet());
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), m);
    }

    public void writePng(Path file) throws IOException {
        SwitchBenchPlot.write(file, http, connections, SwitchBenchPlot.subtitle(rounds, seconds));
    }
}
