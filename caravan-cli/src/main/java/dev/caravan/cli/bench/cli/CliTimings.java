package dev.caravan.cli.bench.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The wall times of one {@link TimedCommand}'s runs, in milliseconds, and their median, minimum
 * and maximum. Not thread-safe: one benchmark thread adds and reads.
 */
public final class CliTimings {
    private final TimedCommand command;
    private final List<Double> samplesMs = new ArrayList<>();

    public CliTimings(TimedCommand command) {
        this.command = command;
    }

    public TimedCommand command() {
        return command;
    }

    public void add(long elapsedNs) {
        samplesMs.add(elapsedNs / 1e6);
    }

    /** The median (the mean of the middle two for an even count); NaN without samples. */
    public double medianMs() {
        if (samplesMs.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = sorted();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    public double minMs() {
        return samplesMs.isEmpty() ? Double.NaN : sorted().getFirst();
    }

    public double maxMs() {
        return samplesMs.isEmpty() ? Double.NaN : sorted().getLast();
    }

    public List<Double> samplesMs() {
        return List.copyOf(samplesMs);
    }

    private List<Double> sorted() {
        List<Double> s = new ArrayList<>(samplesMs);
        Collections.sort(s);
        return s;
    }

    /** The JSON object of this command: name, argv, samples and their median, min and max. */
    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", command.name());
        m.put("argv", command.argv());
        m.put("medianMs", medianMs());
        m.put("minMs", minMs());
        m.put("maxMs", maxMs());
        m.put("samplesMs", samplesMs());
        return m;
    }
}
