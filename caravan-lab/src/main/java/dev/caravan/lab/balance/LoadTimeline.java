package dev.caravan.lab.balance;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one balancing run saw, sample by sample: each node's load and where each process ran.
 * Moves are read from the placement changes between samples; a <em>ping-pong</em> is a process
 * moving back to the node it left less than the cooldown before. Time is in ms from the moment
 * balancing was turned on (negative before). Owned by one thread.
 */
public final class LoadTimeline {
    /** A process seen on another node than at the previous sample. */
    public record Move(String process, String from, String to, long atMs) {
    }

    private record Sample(long atMs, Map<String, Double> loads) {
    }

    private final List<String> nodes;
    private final List<Sample> samples = new ArrayList<>();
    private final List<Move> moves = new ArrayList<>();
    private Map<String, String> lastPlacement = Map.of();

    public LoadTimeline(List<String> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /** One sample: {@code loads} node → load (fraction of a node), {@code placement} process → node. */
    public void add(long atMs, Map<String, Double> loads, Map<String, String> placement) {
        samples.add(new Sample(atMs, Map.copyOf(loads)));
        placement.forEach((p, node) -> {
            String before = lastPlacement.get(p);
            if (before != null && !before.equals(node)) {
                moves.add(new Move(p, before, node, atMs));
            }
        });
        lastPlacement = Map.copyOf(placement);
    }

    public List<Move> moves() {
        return List.copyOf(moves);
    }

    /** Moves of a process back to the node it left less than {@code cooldownMs} before. */
    public List<Move> pingPongs(long cooldownMs) {
        Map<String, Move> last = new HashMap<>();
        List<Move> out = new ArrayList<>();
        for (Move m : moves) {
            Move before = last.put(m.process(), m);
            if (before != null && before.from().equals(m.to()) && m.atMs() - before.atMs() < cooldownMs) {
                out.add(m);
            }
        }
        return out;
    }

    /**
     * When the cluster settled: the time of the last move, when nothing moved for at least
     * {@code quietMs} after it until {@code endMs}; -1 when it did not settle (or nothing moved).
     */
    public long convergedAtMs(long quietMs, long endMs) {
        if (moves.isEmpty()) {
            return -1;
        }
        long lastMove = moves.getLast().atMs();
        return endMs - lastMove >= quietMs ? lastMove : -1;
    }

    /** The highest node load over the samples in [fromMs, toMs). */
    public double maxLoad(long fromMs, long toMs) {
        return samples.stream().filter(s -> s.atMs() >= fromMs && s.atMs() < toMs)
                .flatMap(s -> s.loads().values().stream()).mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** Each node's load over time: seconds and load, for a plot. */
    public Map<String, double[][]> seriesByNode() {
        Map<String, double[][]> out = new LinkedHashMap<>();
        for (String n : nodes) {
            double[] x = new double[samples.size()];
            double[] y = new double[samples.size()];
            for (int i = 0; i < samples.size(); i++) {
                x[i] = samples.get(i).atMs() / 1000.0;
                y[i] = samples.get(i).loads().getOrDefault(n, 0.0);
            }
            out.put(n, new double[][] {x, y});
        }
        return out;
    }
}
