package dev.caravan.servers.bench;

import dev.caravan.servers.binary.BinaryProtocol;
import dev.caravan.servers.binary.RequestDelay;
import dev.caravan.servers.http.HttpProtocol;
import dev.caravan.servers.model.ServerModel;
import dev.caravan.servers.model.ServerOptions;
import dev.caravan.servers.protocol.Protocol;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs a {@link BenchPlan}. For each protocol and handler, Netty and every toolkit model are
 * started side by side (idle servers only wait in {@code select}/{@code accept}) and each is
 * warmed up under load; then, per connection count, every server runs the same throughput load
 * {@link BenchPlan#repetitions()} times, each repetition visiting the servers in a rotated
 * order (so no server is always first, or always right after a particular other), each run
 * after a closed-loop warm-up at the same connection count; the median is reported. Netty's
 * median sets the constant rate of every server's latency run in that cell (one run each: the
 * offered load is fixed, so order favours nobody the way a race does).
 *
 * <p>Fairness: the servers share this JVM (Netty's and the toolkit's JIT-compiled code stay
 * warm across runs); the Java load generator runs in its own JVM ({@link LoadAgentProcess}) and
 * wrk in its own process with one thread. All of them share the machine's cores, so absolute
 * figures are low; the ratios are the result.
 */
public final class ServerBench {
    public static final String NETTY = "netty";
    private static final long INITIAL_WARMUP_MS = 1000;

    private final BenchPlan plan;
    private final Consumer<String> progress;
    private final boolean wrk;

    public ServerBench(BenchPlan plan, Consumer<String> progress) {
        this.plan = plan;
        this.progress = progress;
        this.wrk = WrkRunner.available();
        if (!wrk) {
            progress.accept("wrk not found: HTTP throughput falls back to the Java closed-loop load (install: apt-get install -y wrk)");
        }
    }

    /** One running server under test. */
    private record Target(String name, InetSocketAddress address, AutoCloseable server) {
    }

    public List<CellResult> run() throws IOException, InterruptedException {
        List<CellResult> results = new ArrayList<>();
        List<String> handlers = plan.blocking() ? List.of("non-blocking", "blocking") : List.of("non-blocking");
        progress.accept("load generator: wrk -t1 (HTTP throughput, own process) and a Java load JVM (binary throughput, all latency runs, warm-ups)");
        progress.accept(String.format("each cell: %d × %d ms throughput per server (median), closed-loop warm-up of %d ms before each run, rotated order; latency %d ms",
                plan.repetitions(), plan.throughputMs(), plan.warmupMs(), plan.latencyMs()));
        try (LoadAgentProcess agent = new LoadAgentProcess()) {
            for (String protocol : plan.protocols()) {
                for (String handler : handlers) {
                    RequestDelay delay = handler.equals("blocking") ? new RequestDelay(plan.delayMinMicros(), plan.delayMaxMicros()) : RequestDelay.NONE;
                    results.addAll(runGroup(agent, protocol, handler, delay));
                }
            }
        }
        return results;
    }

    private List<CellResult> runGroup(LoadAgentProcess agent, String protocol, String handler, RequestDelay delay)
            throws IOException, InterruptedException {
        List<Target> targets = new ArrayList<>();
        List<CellResult> results = new ArrayList<>();
        LoadProtocol lp = protocol.equals("http") ? LoadProtocol.HTTP : LoadProtocol.BINARY;
        try {
            NettyReferenceServer netty = new NettyReferenceServer(protocol, delay, Runtime.getRuntime().availableProcessors());
            targets.add(new Target(NETTY, netty.address(), netty));
            for (ServerModel m : plan.models()) {
                var server = m.start(protocol(protocol, delay), ServerOptions.defaults().withName("bench"));
                targets.add(new Target(m.cliName(), server.address(), server));
            }
            progress.accept(String.format("%s %s: warming up %d servers (%d ms each)", protocol, handler, targets.size(), INITIAL_WARMUP_MS));
            for (Target t : targets) {
                agent.closedLoop(t.address(), lp, 64, 0, INITIAL_WARMUP_MS);
            }
            for (int ci = 0; ci < plan.connections().size(); ci++) {
                int c = plan.connections().get(ci);
                Map<String, List<Double>> runs = new HashMap<>();
                for (int rep = 0; rep < plan.repetitions(); rep++) {
                    for (Target t : rotated(targets, rep * targets.size() / plan.repetitions() + ci)) {
                        runs.computeIfAbsent(t.name(), k -> new ArrayList<>()).add(throughput(agent, t, lp, c));
                    }
                }
                double nettyRps = median(runs.get(NETTY));
                double rate = Math.max(10, plan.latencyFraction() * nettyRps);
                Map<String, ConstantRateLoad.Result> latency = new HashMap<>();
                for (Target t : rotated(targets, ci)) {
                    latency.put(t.name(), agent.constantRate(t.address(), lp, c, rate, plan.latencyMs()));
                }
                progress.accept(String.format("%s %s, %d connections (constant rate %.0f req/s):", protocol, handler, c, rate));
                for (Target t : targets) {
                    CellResult r = cell(t.name(), protocol, handler, c, runs.get(t.name()), nettyRps, rate, latency.get(t.name()));
                    results.add(r);
                    progress.accept(String.format("    %-19s %10.0f req/s (%.2fx netty) runs %s  p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms%s",
                            t.name(), r.throughputRps(), r.ratioToNetty(), rounded(r.runsRps()), r.p50Ms(), r.p99Ms(), r.p999Ms(),
                            r.incomplete() > 0 ? "  (" + r.incomplete() + " unanswered)" : ""));
                }
            }
        } finally {
            for (Target t : targets) {
                try {
                    t.server().close();
                } catch (Exception e) {
                    progress.accept("closing " + t.name() + " failed: " + e);
                }
            }
        }
        return results;
    }

    private double throughput(LoadAgentProcess agent, Target t, LoadProtocol lp, int connections) throws IOException, InterruptedException {
        if (lp == LoadProtocol.HTTP && wrk) {
            agent.closedLoop(t.address(), lp, connections, 0, plan.warmupMs());
            return WrkRunner.run(t.address(), connections, plan.throughputMs());
        }
        return agent.closedLoop(t.address(), lp, connections, plan.warmupMs(), plan.throughputMs());
    }

    private String toolFor(String protocol) {
        return protocol.equals("http") && wrk ? "wrk -t1" : "java-closed-loop (own JVM)";
    }

    private CellResult cell(String server, String protocol, String handler, int connections, List<Double> runs, double nettyRps,
                            double rate, ConstantRateLoad.Result lat) {
        double rps = median(runs);
        return new CellResult(server, protocol, handler, connections, rps, toolFor(protocol), nettyRps > 0 ? rps / nettyRps : Double.NaN,
                rate, ms(lat.histogram().getValueAtPercentile(50)), ms(lat.histogram().getValueAtPercentile(99)),
                ms(lat.histogram().getValueAtPercentile(99.9)), lat.incomplete(), List.copyOf(runs));
    }

    private static <T> List<T> rotated(List<T> list, int by) {
        List<T> r = new ArrayList<>(list);
        Collections.rotate(r, -Math.floorMod(by, list.size()));
        return r;
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static String rounded(List<Double> xs) {
        return xs.stream().map(x -> String.format("%.0f", x)).toList().toString();
    }

    private static Protocol<?, ?> protocol(String name, RequestDelay delay) {
        return name.equals("http") ? HttpProtocol.plaintext(delay) : BinaryProtocol.crc32(delay);
    }

    private static double ms(long ns) {
        return ns / 1e6;
    }
}
