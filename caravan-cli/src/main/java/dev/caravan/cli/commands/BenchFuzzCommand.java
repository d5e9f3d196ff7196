package dev.caravan.cli.commands;

import dev.caravan.cli.out.Json;
import dev.caravan.core.time.Clock;
import dev.caravan.fuzz.PortFuzzTargets;
import dev.caravan.fuzz.PortFuzzer;
import dev.caravan.wire.fuzz.DecoderFuzzer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code caravan bench fuzz}: the long run of every port's parser under seeded structure-aware
 * mutation ({@link PortFuzzTargets}, {@link PortFuzzer}), the time split evenly over the targets.
 * Exit 0 with no findings, 1 with a finding (each printed with its input in hex), 2 on a usage
 * error; a hang (one input running past 10 s) halts with exit code 2 and the input.
 * With {@code --json} the summary is {@code {durationSeconds, seed, inputs, findings, targets:
 * [{target, port, inputs, finding, inputHex}]}} on stdout and progress goes to stderr.
 */
@Command(name = "fuzz", mixinStandardHelpOptions = true,
        description = "Fuzz the parser behind every port (frames, HELLO, node/naming/migration bodies, checkpoints, "
                + "continuations, RESP, HTTP, DNS, admin) with seeded structure-aware mutations for a while.")
public final class BenchFuzzCommand implements Callable<Integer> {
    @Option(names = "--duration", defaultValue = "PT2M", converter = DurationConverter.class,
            description = "total time: 10m, 90s or ISO-8601 PT10M (default: 2m)")
    Duration duration;

    @Option(names = "--seed", defaultValue = "1", description = "random seed; the same seed replays the same inputs (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--target", split = ",", description = "only these targets (default: all): ${COMPLETION-CANDIDATES}",
            completionCandidates = TargetNames.class)
    List<String> only;

    @Option(names = "--json", description = "print the summary as JSON (progress goes to stderr)")
    boolean json;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<PortFuzzTargets.PortTarget> targets = new ArrayList<>();
        for (PortFuzzTargets.PortTarget t : PortFuzzTargets.all()) {
            if (only == null || only.contains(t.name())) {
                targets.add(t);
            }
        }
        if (only != null && targets.size() != only.size()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "unknown --target in " + only + "; targets: "
                    + String.join(", ", new TargetNames()));
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--duration must be positive");
        }
        PrintStream progress = json ? System.err : System.out;
        progress.println("==> fuzzing " + targets.size() + " parsers for " + duration.toSeconds() + " s in all (seed " + seed + ")...");
        Clock clock = Clock.system();
        List<DecoderFuzzer.Outcome> outcomes = PortFuzzer.runAll(targets, seed, duration.toNanos() / targets.size(),
                clock::nanoTime, 10_000, line -> progress.println("==> " + line));
        long findings = outcomes.stream().filter(o -> o.finding() != null).count();
        long inputs = outcomes.stream().mapToLong(DecoderFuzzer.Outcome::inputs).sum();
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < outcomes.size(); i++) {
                DecoderFuzzer.Outcome o = outcomes.get(i);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("target", o.target());
                row.put("port", targets.get(i).port());
                row.put("inputs", o.inputs());
                row.put("finding", o.finding());
                row.put("inputHex", o.inputHex());
                rows.add(row);
            }
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("durationSeconds", duration.toSeconds());
            summary.put("seed", seed);
            summary.put("inputs", inputs);
            summary.put("findings", findings);
            summary.put("targets", rows);
            Json.print(summary);
        } else {
            System.out.println(findings == 0 ? "no findings in " + inputs + " inputs" : findings + " finding(s); see above");
        }
        return findings == 0 ? 0 : 1;
    }

    /** The target names, for --help and completion. */
    static final class TargetNames extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        TargetNames() {
            super(PortFuzzTargets.all().stream().map(PortFuzzTargets.PortTarget::name).toList());
        }
    }

    /** 10m, 90s, 2h, or ISO-8601. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(java.util.Locale.ROOT);
            if (v.startsWith("p")) {
                return Duration.parse(value.trim().toUpperCase(java.util.Locale.ROOT));
            }
            if (v.matches("\\d+(ms|s|m|h)")) {
                long n = Long.parseLong(v.replaceAll("[a-z]+$", ""));
                return switch (v.replaceAll("^\\d+", "")) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (10m, 90s, PT10M)");
        }
    }
}
