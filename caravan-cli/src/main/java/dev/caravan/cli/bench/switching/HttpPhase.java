package dev.caravan.cli.bench.switching;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The HTTP part of {@code caravan bench switch}: for each connection count and round, wrk
 * against every path (the order rotated each round, so no path always runs first or last on a
 * warming machine), then the constant-rate generator against every path at
 * {@code rateFraction} × HAProxy's wrk req/s of that round (the same rate for every path, so
 * their latencies compare). A path that fails a round is recorded with its error and the run
 * goes on. Before the rounds, each path gets one short untimed wrk run (JIT warm-up of the
 * nodes and the switch).
 *
 * <p>Threading: {@link #run} blocks its caller.
 */
public final class HttpPhase {
    /** What {@link HttpPhase} runs; validated by the command. */
    public record Settings(List<Integer> connections, int rounds, int seconds, double rateFraction, String requestPath,
                           long timeoutMs, Path scriptDir) {
    }

    private final Settings settings;
    private final Consumer<String> progress;

    public HttpPhase(Settings settings, Consumer<String> progress) {
        this.settings = settings;
        this.progress = progress;
    }

    public HttpRounds run(List<HttpPath> paths) throws InterruptedException {
        HttpRounds rounds = new HttpRounds();
        int maxConnections = settings.connections().stream().mapToInt(Integer::intValue).max().orElse(1);
        int warmSeconds = Math.min(settings.seconds(), 3);
        for (HttpPath p : paths) {
            progress.accept(String.format(Locale.ROOT, "warm-up: wrk %d s against %s (not measured)...", warmSeconds, p.name()));
            try {
                wrk(p, maxConnections, warmSeconds);
            } catch (IOException e) {
                progress.accept("warm-up of " + p.name() + " failed: " + e.getMessage());
            }
        }
        for (int c : settings.connections()) {
            for (int round = 1; round <= settings.rounds(); round++) {
                List<HttpPath> order = rotated(paths, round - 1);
                List<WrkRun.Result> wrk = new ArrayList<>();
                List<String> errors = new ArrayList<>();
                for (HttpPath p : order) {
                    progress.accept(String.format(Locale.ROOT, "%d connections, round %d/%d: wrk %d s against %s...", c, round,
                            settings.rounds(), settings.seconds(), p.name()));
                    try {
                        WrkRun.Result r = wrk(p, c, settings.seconds());
                        progress.accept(String.format(Locale.ROOT, "  %s: %.0f req/s, %d errors", p.name(), r.requestsPerSec(), r.errors()));
                        wrk.add(r);
                        errors.add(r.errors() > 0 ? "wrk counted " + r.errors() + " errors" : null);
                    } catch (IOException e) {
                        progress.accept("  " + p.name() + " failed: " + e.getMessage());
                        wrk.add(null);
                        errors.add("wrk: " + e.getMessage());
                    }
                }
                double haproxyRps = Double.NaN;
                for (int i = 0; i < order.size(); i++) {
                    if (order.get(i).name().equals(HttpPath.HAPROXY) && wrk.get(i) != null) {
                        haproxyRps = wrk.get(i).requestsPerSec();
                    }
                }
                for (int i = 0; i < order.size(); i++) {
                    HttpPath p = order.get(i);
                    OpenLoopHttpLoad.Result ol = null;
                    String error = errors.get(i);
                    if (Double.isNaN(haproxyRps)) {
                        error = error != null ? error : "no HAProxy figure this round to set the constant rate";
                    } else {
                        double rate = settings.rateFraction() * haproxyRps;
                        progress.accept(String.format(Locale.ROOT, "%d connections, round %d/%d: constant rate %.0f req/s for %d s "
                                + "against %s...", c, round, settings.rounds(), rate, settings.seconds(), p.name()));
                        try {
                            ol = OpenLoopHttpLoad.run(p.targets(), settings.requestPath(), c, rate, settings.seconds() * 1000L,
                                    settings.timeoutMs());
                            progress.accept(String.format(Locale.ROOT, "  %s: p50 %.2f ms, p99 %.2f ms, %d errors, %d unsent", p.name(),
                                    ol.quantileMs(0.5), ol.quantileMs(0.99), ol.errors(), ol.unsent()));
                        } catch (IOException e) {
                            progress.accept("  " + p.name() + " failed: " + e.getMessage());
                            error = error != null ? error : "open loop: " + e.getMessage();
                        }
                    }
                    rounds.add(new HttpRounds.Sample(p.name(), c, round, wrk.get(i), ol, error));
                }
            }
        }
        return rounds;
    }

    private WrkRun.Result wrk(HttpPath p, int connections, int seconds) throws IOException, InterruptedException {
        int threads = p.wrkThreads();
        return WrkRun.run(p.targets(), settings.requestPath(), threads, Math.max(connections, threads), seconds, settings.scriptDir());
    }

    static <T> List<T> rotated(List<T> list, int by) {
        List<T> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(list.get((i + by) % list.size()));
        }
        return out;
    }
}
