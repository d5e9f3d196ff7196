package dev.caravan.mobility.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs {@link MobilityOverheadBenchmark} with JMH and reports ns per loop iteration with its 99.9%
 * error and the ratio to plain code, as a table on stdout and as JSON.
 * <p>{@code MobilityOverheadMain [--quick] [--out FILE]}: {@code --quick} is a smoke run (1 warm-up
 * and 2 measured iterations of 200 ms, in-process) whose figures are not to be quoted; the default
 * is 1 fork, 3 warm-up and 5 measured iterations of 1 s. The JSON goes to
 * {@code bench-results/mobility-overhead.json} unless {@code --out} says otherwise.
 */
public final class MobilityOverheadMain {
    /** One benchmark's figure. */
    public record Row(String name, double nsPerIteration, double error, double ratioToPlain) {
    }

    private MobilityOverheadMain() {
    }

    public static void main(String[] args) throws RunnerException, IOException {
        boolean quick = false;
        Path out = Path.of("bench-results", "mobility-overhead.json");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--out" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--out needs a file");
                    }
                    out = Path.of(args[++i]);
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (use --quick, --out FILE)");
            }
        }
        run(quick, out, System.out, System.err);
    }

    /**
     * Runs the benchmarks, JMH's progress to {@code progress}, then prints the table to {@code console}
     * and writes the JSON to {@code out}.
     */
    public static List<Row> run(boolean quick, Path out, PrintStream console, PrintStream progress)
            throws RunnerException, IOException {
        OptionsBuilder builder = new OptionsBuilder();
        builder.include(MobilityOverheadBenchmark.class.getName() + ".*");
        if (quick) {
            builder.forks(0).warmupIterations(1).measurementIterations(2)
                    .warmupTime(TimeValue.milliseconds(200)).measurementTime(TimeValue.milliseconds(200));
        } else {
            builder.forks(1).warmupIterations(3).measurementIterations(5)
                    .warmupTime(TimeValue.seconds(1)).measurementTime(TimeValue.seconds(1));
        }
        Options options = builder.shouldFailOnError(true).build();
        Collection<RunResult> results = new Runner(options,
                OutputFormatFactory.createFormatInstance(progress, VerboseMode.NORMAL)).run();
        List<Row> rows = rows(results);
        console.println();
        console.printf("%-24s %14s %12s %10s%n", "loop iteration", "ns/iteration", "± (99.9%)", "× plain");
        for (Row row : rows) {
            console.printf("%-24s %14.2f %12.2f %10.2f%n", row.name(), row.nsPerIteration(), row.error(), row.ratioToPlain());
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", "mobility-overhead");
        json.put("quick", quick);
        json.put("unit", "ns/iteration");
        json.put("javaVersion", System.getProperty("java.version"));
        json.put("rows", rows);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
        console.println("JSON: " + out);
        return rows;
    }

    private static List<Row> rows(Collection<RunResult> results) {
        Map<String, Result<?>> byName = new LinkedHashMap<>();
        for (RunResult result : results) {
            String label = result.getParams().getBenchmark();
            byName.put(label.substring(label.lastIndexOf('.') + 1), result.getPrimaryResult());
        }
        Result<?> plain = byName.get("plain");
        List<Row> rows = new ArrayList<>();
        for (String name : List.of("plain", "enhancedNotSuspending", "enhancedSuspendResume")) {
            Result<?> r = byName.get(name);
            if (r != null) {
                double ratio = plain == null ? Double.NaN : r.getScore() / plain.getScore();
                rows.add(new Row(name, r.getScore(), r.getScoreError(), ratio));
            }
        }
        return rows;
    }
}
