package dev.caravan.lab.report;

import dev.caravan.lab.LabSettings;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a lab result was produced: the command, every option it ran with, when, and on what
 * machine. Printed above the tables, stored in the JSON, shown in the HTML and under every PNG.
 *
 * @param command    the subcommand, e.g. {@code "caravan lab sync dining"}
 * @param options    every option by its command-line name ({@code --size}) and value, in order
 * @param startedAt  start time, ISO-8601 UTC
 * @param machine    where it ran
 */
public record RunInfo(String command, Map<String, String> options, String startedAt, Machine machine) {
    public RunInfo {
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /** The run of {@code command} with {@code settings} (all of its options) on this machine, started at {@code startedMs}. */
    public static RunInfo of(String command, LabSettings settings, long startedMs) {
        return new RunInfo(command, settings.options(), Instant.ofEpochMilli(startedMs).toString(), Machine.current());
    }

    /** The command line that repeats this run: {@code "caravan lab threads --out lab-results --duration 1000 --size 1"}. */
    public String commandLine() {
        StringBuilder sb = new StringBuilder(command);
        options.forEach((k, v) -> sb.append(' ').append(k).append(' ').append(v));
        return sb.toString();
    }

    /** Two lines for captions: the run (command line and start) and the machine. */
    public List<String> captionLines() {
        return List.of("run: " + commandLine() + ", started " + startedAt, "machine: " + machine.describe());
    }
}
