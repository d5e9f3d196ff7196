package dev.caravan.cli.bench.migration;

import dev.caravan.wire.net.HostPort;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.ProcessInfo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The migration part of {@code caravan demo}: the Redis-compatible process moves between the
 * nodes once per mode while a load runs against its front endpoint, a steady client measures
 * what users would see and a writer checks that no acknowledged write is lost.
 */
public final class MigrationDemo {
    /** The outcome: the per-mode table and whether anything failed or was lost. */
    public record Outcome(String table, boolean clean) {
    }

    private MigrationDemo() {
    }

    /**
     * @param nodes the nodes to visit, starting with the one hosting {@code kv}
     */
    public static Outcome run(ProcessInfo kv, Map<String, InetSocketAddress> controls, List<String> nodes, int keys,
                              Consumer<String> step) throws IOException, InterruptedException {
        InetSocketAddress front = HostPort.parse(kv.front());
        InetSocketAddress data = new InetSocketAddress(kv.dataHost(), kv.dataPort());
        DataSet written = new DataSet("w:", 200, 1000);
        written.load(data, 64);
        SteadyClients.load(data);
        FailureLog failures = new FailureLog();
        List<ModeResult> results = new ArrayList<>();
        long backgroundRequests;
        try (BackgroundLoad load = new BackgroundLoad(front, 20_000, keys, failures);
             SteadyClients steady = new SteadyClients(front, 2, 500, failures);
             DirtyingWriter writer = new DirtyingWriter(written, front, 50, failures)) {
            step.accept("migrating " + kv.name() + " in each mode under load through its front endpoint " + kv.front() + ": "
                    + BackgroundLoad.tool() + ", 2 steady clients at 500 requests/s, a writer at 50 writes/s");
            load.start();
            steady.start();
            writer.start();
            MigrationTour tour = new MigrationTour(kv.name(), controls, nodes, front, steady, writer, failures, 50, 500, step);
            tour.markStart();
            Thread.sleep(300);
            for (MigrationMode mode : MigrationMode.values()) {
                results.add(tour.migrate(mode, p -> { }));
            }
            load.stop();
            backgroundRequests = load.requests();
        }
        int failed = failures.size();
        boolean clean = failed == 0 && results.stream().allMatch(r -> r.committed() && r.lostWrites().isEmpty());
        String table = "migrations under load\n" + MigrationTable.render(results, Double.NaN)
                + String.format(Locale.ROOT, "background load: %,d requests by %s; %d failed requests in all%n",
                backgroundRequests, BackgroundLoad.tool(), failed);
        return new Outcome(table, clean);
    }
}
