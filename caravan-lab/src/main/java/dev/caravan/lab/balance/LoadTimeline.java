package dev.caravan.lab.balance;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one balancing run saw, sample by sample: each node's load, where each process ran, and the
 * balancers' probe counts summed over the nodes (running counts, as the nodes report them).
 * Moves are read from the placement changes between samples; a <em>ping-pong</em> is a process
 * moving back to the node it left less than the cooldown before. Time is in ms from the moment
 * balancing was turned on (negative before). Owned by one thread.
 */
public final class LoadTimeline {
    /** A process seen on another node than at the previous sample. */
    public record Move(String process, String from, String to, long atMs) {
    }

    private record Sample(long atMs, Map<String, Double> loads, long probesSent, long probesFound) {
    }

    /** Probes sent and, of them, those that found a partner: running counts, or differences of them. */
    public record Probes(long sent, long found) {
        public long wasted() {
            return sent - found;
        }

        public Probes minus(Probes earlier) {
            return new Probes(sent - earlier.sent, found - earlier.found);
        }
    }

    private final List<String> nodes;
    private final List<Sample> samples = new ArrayList<>();
    private final List<Move> moves = new ArrayList<>();
    private Map<String, String> lastPlacement = Map.of();

    public LoadTimeline(List<String> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /** One sample without probe counts (as if none were sent). */
    public void add(long atMs, Map<String, Double> loads, Map<String, String> placement) {
        add(atMs, loads, placement, new Probes(0, 0));
    }

    /**
     * One sample: {@code loads} node → load (fraction of a node), {@code placement} process → node,
     * {@code probes} the nodes' running probe counts summed.
     */
    public void add(long atMs, Map<String, Double> loads, Map<String, String> placement, Probes probes) {
        samples.add(new Sample(atMs, Map.copyOf(loads), probes.sent(), probes.found()));
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

    /** The running probe counts at the last sample taken at or before {@code atMs} (zero before the first). */
    public Probes probesAt(long atMs) {
        Probes out = new Probes(0, 0);
        for (Sample s : samples) {
            if (s.atMs() > atMs) {
                break;
            }
            out = new Probes(s.probesSent(), s.probesFound());
        }
        return out;
    }

    /** Each node's load at the last sample taken at or before {@code atMs} (empty before the first). */
    public Map<String, Double> loadsAt(long atMs) {
        Map<String, Double> out = Map.of();
        for (Sample s : samples) {
            if (s.atMs() > atMs) {
                break;
            }
            out = s.loads();
        }
        return out;
    }

    /** Each node's mean load over the samples in [fromMs, toMs) (empty when there are none). */
    public Map<String, Double> meanLoads(long fromMs, long toMs) {
        Map<String, Double> out = new LinkedHashMap<>();
        List<Sample> in = samples.stream().filter(s -> s.atMs() >= fromMs && s.atMs() < toMs).toList();
        for (String n : nodes) {
            in.stream().mapToDouble(s -> s.loads().getOrDefault(n, 0.0)).average().ifPresent(m -> out.put(n, m));
        }
        return out;
    }

    /** Where each process ran at the last sample: process → node. */
    public Map<String, String> lastPlacement() {
        return lastPlacement;
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
