package dev.caravan.servers.bench;

import dev.caravan.servers.binary.BinaryProtocol;
import dev.caravan.servers.binary.RequestDelay;
import dev.caravan.servers.http.HttpProtocol;
import dev.caravan.servers.model.Server;
import dev.caravan.servers.model.ServerModel;
import dev.caravan.servers.model.ServerOptions;
import dev.caravan.servers.protocol.Protocol;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs a {@link BenchPlan}: for each protocol and handler, Netty first (its throughput sets
 * the constant rate of every latency run in that cell), then every toolkit model on a fresh
 * server, each under the same loads. Servers and load share this JVM and the machine's cores
 * (wrk runs as a separate process on the same cores), so absolute figures are low; the
 * ratios are the result.
 */
public final class ServerBench {
    public static final String NETTY = "netty";
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

    public List<CellResult> run() throws IOException, InterruptedException {
        List<CellResult> results = new ArrayList<>();
        List<String> handlers = plan.blocking() ? List.of("non-blocking", "blocking") : List.of("non-blocking");
        int cells = plan.protocols().size() * handlers.size() * (plan.models().size() + 1);
        int done = 0;
        warmUp();
        for (String protocol : plan.protocols()) {
            for (String handler : handlers) {
                RequestDelay delay = handler.equals("blocking") ? new RequestDelay(plan.delayMinMicros(), plan.delayMaxMicros()) : RequestDelay.NONE;
                Map<Integer, Double> nettyRps = new HashMap<>();
                try (NettyReferenceServer netty = new NettyReferenceServer(protocol, delay, Runtime.getRuntime().availableProcessors())) {
                    progress.accept(String.format("[%d/%d] %s %s netty", ++done, cells, protocol, handler));
                    for (int c : plan.connections()) {
                        CellResult r = measure(NETTY, netty.address(), protocol, handler, c, Double.NaN, null);
                        nettyRps.put(c, r.throughputRps());
                        results.add(r);
                    }
                }
                for (ServerModel m : plan.models()) {
                    progress.accept(String.format("[%d/%d] %s %s %s", ++done, cells, protocol, handler, m.cliName()));
                    try (Server server = m.start(protocol(protocol, delay), ServerOptions.defaults().withName("bench"))) {
                        for (int c : plan.connections()) {
                            results.add(measure(m.cliName(), server.address(), protocol, handler, c, nettyRps.get(c), nettyRps));
                        }
                    }
                }
            }
        }
        return results;
    }

    /** JIT warm-up of Netty's and the toolkit's code paths, so the first cells are not measured cold. */
    private void warmUp() throws IOException, InterruptedException {
        progress.accept("warming up the JVM (Netty and the toolkit, both protocols)...");
        for (String protocol : plan.protocols()) {
            LoadProtocol lp = protocol.equals("http") ? LoadProtocol.HTTP : LoadProtocol.BINARY;
            try (NettyReferenceServer netty = new NettyReferenceServer(protocol, RequestDelay.NONE, Runtime.getRuntime().availableProcessors())) {
                ClosedLoopLoad.run(netty.address(), lp, 32, 2000, 1);
            }
            for (ServerModel m : List.of(ServerModel.HYBRID, ServerModel.VIRTUAL_THREADS)) {
                try (Server server = m.start(protocol(protocol, RequestDelay.NONE), ServerOptions.defaults().withName("warmup"))) {
                    ClosedLoopLoad.run(server.address(), lp, 32, 1000, 1);
                }
            }
        }
    }

    private static Protocol<?, ?> protocol(String name, RequestDelay delay) {
        return name.equals("http") ? HttpProtocol.plaintext(delay) : BinaryProtocol.crc32(delay);
    }

    private CellResult measure(String server, InetSocketAddress address, String protocol, String handler, int connections,
                               double nettyThroughput, Map<Integer, Double> nettyRps) throws IOException, InterruptedException {
        LoadProtocol lp = protocol.equals("http") ? LoadProtocol.HTTP : LoadProtocol.BINARY;
        double rps;
        String tool;
        if (lp == LoadProtocol.HTTP && wrk) {
            ClosedLoopLoad.run(address, lp, Math.min(connections, 64), plan.warmupMs(), 1);
            rps = WrkRunner.run(address, connections, plan.throughputMs());
            tool = "wrk";
        } else {
            rps = ClosedLoopLoad.run(address, lp, connections, plan.warmupMs(), plan.throughputMs());
            tool = "java-closed-loop";
        }
        double reference = nettyRps == null ? rps : nettyThroughput;
        double rate = Math.max(10, plan.latencyFraction() * reference);
        ConstantRateLoad.Result lat = ConstantRateLoad.run(address, lp, connections, rate, plan.latencyMs());
        CellResult r = new CellResult(server, protocol, handler, connections, rps, tool,
                reference > 0 ? rps / reference : Double.NaN, rate,
                ms(lat.histogram().getValueAtPercentile(50)), ms(lat.histogram().getValueAtPercentile(99)),
                ms(lat.histogram().getValueAtPercentile(99.9)), lat.incomplete());
        progress.accept(String.format("    c=%-5d %10.0f req/s (%.2fx netty)  at %.0f req/s: p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms%s",
                connections, rps, r.ratioToNetty(), rate, r.p50Ms(), r.p99Ms(), r.p999Ms(),
                r.incomplete() > 0 ? "  (" + r.incomplete() + " unanswered)" : ""));
        return r;
    }

    private static double ms(long ns) {
        return ns / 1e6;
    }
}
