package dev.caravan.cli.bench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The table and the JSON of {@code caravan bench cli}. Each caravan command is compared with its
 * reference (its median over the reference's median) and with the target: a median of at most
 * {@link #TARGET_MS} ms. JSON layout:
 * <pre>
 * {"schema": "caravan.bench.cli/1", "benchmark": "cli", "targetMs": 500, "runs": 10,
 *  "machine": {"cores": 2, "os": "Linux 6.1", "java": "25.0.3", "loadAverageBefore": 0.4, "daemonCpuFractionBeforeRuns": 0.02, "loadAverageAfter": 0.6},
 *  "launcher": "/path/caravan", "results": [{"command": "caravan --help", "argv": [...], "medianMs": 312.0,
 *  "minMs": 290.1, "maxMs": 350.2, "samplesMs": [...], "reference": "redis-cli --version", "ratio": 41.2, "met": true}, ...],
 *  "allTargetsMet": true}
 * </pre>
 * References carry {@code "reference": null} and no ratio or verdict.
 */
public final class CliBenchReport {
    /** Issue 11: {@code caravan --help} and {@code caravan ps} answer within half a second on an idle machine. */
    public static final double TARGET_MS = 500;

    private final List<CliTimings> timings;

    public CliBenchReport(List<CliTimings> timings) {
        this.timings = List.copyOf(timings);
    }

    /** True when every caravan command's median is at most {@link #TARGET_MS}. */
    public boolean allTargetsMet() {
        return timings.stream().filter(t -> t.command().reference() != null).allMatch(t -> t.medianMs() <= TARGET_MS);
    }

    public String table() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-26s %9s %9s %9s   %-32s %s%n", "COMMAND", "MEDIAN", "MIN", "MAX",
                "VS REFERENCE (MEDIANS)", "TARGET <= " + (long) TARGET_MS + " ms"));
        for (CliTimings t : timings) {
            String vs = "(reference)";
            String verdict = "";
            CliTimings ref = reference(t);
            if (ref != null) {
                vs = String.format(Locale.ROOT, "%.1fx %s", t.medianMs() / ref.medianMs(), ref.command().name());
                verdict = t.medianMs() <= TARGET_MS ? "met" : "MISSED";
            }
            b.append(String.format(Locale.ROOT, "%-26s %6.0f ms %6.0f ms %6.0f ms   %-32s %s%n", t.command().name(), t.medianMs(),
                    t.minMs(), t.maxMs(), vs, verdict));
        }
        return b.toString();
    }

    /** Writes the JSON to {@code file}, creating its directory. */
    public void writeJson(Path file, int runs, String launcher, Map<String, Object> machine) throws IOException {
        List<Map<String, Object>> results = new ArrayList<>();
        for (CliTimings t : timings) {
            Map<String, Object> m = t.json();
            CliTimings ref = reference(t);
            m.put("reference", ref == null ? null : ref.command().name());
            if (ref != null) {
                m.put("ratio", t.medianMs() / ref.medianMs());
                m.put("met", t.medianMs() <= TARGET_MS);
            }
            results.add(m);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("schema", "caravan.bench.cli/1");
        json.put("benchmark", "cli");
        json.put("targetMs", TARGET_MS);
        json.put("runs", runs);
        json.put("machine", machine);
        json.put("launcher", launcher);
        json.put("results", results);
        json.put("allTargetsMet", allTargetsMet());
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
    }

    private CliTimings reference(CliTimings t) {
        String name = t.command().reference();
        return name == null ? null : timings.stream().filter(r -> r.command().name().equals(name)).findFirst().orElse(null);
    }
}
