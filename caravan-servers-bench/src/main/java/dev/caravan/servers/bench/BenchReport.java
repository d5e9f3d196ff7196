package dev.caravan.servers.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.caravan.plot.Charts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The table, the targets, the JSON and the PNGs of a servers benchmark run. */
public final class BenchReport {
    private final List<CellResult> results;

    public BenchReport(List<CellResult> results) {
        this.results = List.copyOf(results);
    }

    /** A fixed-width table: one row per server and cell. */
    public String table() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%-8s %-13s %6s %-19s %12s %8s %10s %10s %10s %10s%n",
                "protocol", "handler", "conns", "server", "req/s", "x netty", "rate", "p50 ms", "p99 ms", "p99.9 ms"));
        for (CellResult r : results) {
            b.append(String.format("%-8s %-13s %6d %-19s %12.0f %8.2f %10.0f %10.2f %10.2f %10.2f%s%n",
                    r.protocol(), r.handler(), r.connections(), r.server(), r.throughputRps(), r.ratioToNetty(), r.rateRps(),
                    r.p50Ms(), r.p99Ms(), r.p999Ms(), r.incomplete() > 0 ? "  (" + r.incomplete() + " unanswered)" : ""));
        }
        return b.toString();
    }

    /** The targets, each as met or missed with the worst figure. */
    public List<String> targets() {
        List<String> out = new ArrayList<>();
        out.add(minRatio("event-loop", 0.9));
        out.add(minRatio("hybrid", 0.9));
        out.add(minRatio("virtual-threads", 0.8));
        for (String protocol : List.of("binary", "http")) {
            CellResult vt = find("virtual-threads", protocol, "blocking", 1024);
            CellResult pool = find("dispatcher-worker", protocol, "blocking", 1024);
            if (vt != null && pool != null) {
                out.add(String.format("%s blocking, 1024 conns: virtual-threads %.0f req/s vs dispatcher-worker pool %.0f req/s → %s",
                        protocol, vt.throughputRps(), pool.throughputRps(), vt.throughputRps() >= pool.throughputRps() ? "MET" : "MISSED"));
            }
        }
        return out.stream().filter(Objects::nonNull).toList();
    }

    private String minRatio(String model, double target) {
        CellResult worst = null;
        double sum = 0;
        int n = 0;
        for (CellResult r : results) {
            if (r.server().equals(model) && r.handler().equals("non-blocking")) {
                sum += r.ratioToNetty();
                n++;
                if (worst == null || r.ratioToNetty() < worst.ratioToNetty()) {
                    worst = r;
                }
            }
        }
        if (worst == null) {
            return null;
        }
        return String.format("%s ≥ %.1fx netty (non-blocking): mean %.2fx, worst %.2fx (%s, %d conns) → %s", model, target,
                sum / n, worst.ratioToNetty(), worst.protocol(), worst.connections(), worst.ratioToNetty() >= target ? "MET" : "MISSED in some cells");
    }

    private CellResult find(String server, String protocol, String handler, int connections) {
        for (CellResult r : results) {
            if (r.server().equals(server) && r.protocol().equals(protocol) && r.handler().equals(handler) && r.connections() == connections) {
                return r;
            }
        }
        return null;
    }

    /** Writes the JSON (results + machine) and returns its path. */
    public Path writeJson(Path file, Map<String, Object> context) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Map<String, Object> doc = new LinkedHashMap<>(context);
        doc.put("targets", targets());
        doc.put("results", results);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), doc);
        return file;
    }

    /** Reads the results of an earlier run's JSON (to re-render its table and plots). */
    public static BenchReport fromJson(Path file) throws IOException {
        ObjectMapper m = new ObjectMapper();
        var tree = m.readTree(file.toFile()).get("results");
        return new BenchReport(List.of(m.treeToValue(tree, CellResult[].class)));
    }

    /** Throughput and p99 bar charts: one group per cell, one bar per server (linear: XChart's log bars reject zero baselines). */
    public List<Path> writePlots(Path throughputPng, Path latencyPng) throws IOException {
        Set<String> cells = new LinkedHashSet<>();
        Set<String> servers = new LinkedHashSet<>();
        for (CellResult r : results) {
            cells.add(cell(r));
            servers.add(r.server());
        }
        List<String> cellList = List.copyOf(cells);
        List<double[]> rps = new ArrayList<>();
        List<double[]> p99 = new ArrayList<>();
        for (String s : servers) {
            double[] t = new double[cellList.size()];
            double[] l = new double[cellList.size()];
            java.util.Arrays.fill(t, 1);
            java.util.Arrays.fill(l, 0.01);
            for (CellResult r : results) {
                if (r.server().equals(s)) {
                    t[cellList.indexOf(cell(r))] = Double.isNaN(r.throughputRps()) ? 1 : Math.max(1, r.throughputRps());
                    l[cellList.indexOf(cell(r))] = Double.isNaN(r.p99Ms()) ? 0.01 : Math.max(0.01, r.p99Ms());
                }
            }
            rps.add(t);
            p99.add(l);
        }
        return List.of(
                Charts.bars(throughputPng, "Server models vs Netty: throughput", "req/s", cellList, List.copyOf(servers), rps, false),
                Charts.bars(latencyPng, "Server models vs Netty: p99 latency at a constant rate", "p99 ms", cellList, List.copyOf(servers), p99, false));
    }

    private static String cell(CellResult r) {
        return r.protocol() + (r.handler().equals("blocking") ? " blk" : "") + " c" + r.connections();
    }
}
