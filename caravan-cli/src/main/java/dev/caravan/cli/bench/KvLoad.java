package dev.caravan.cli.bench;

import dev.caravan.core.time.Clock;
import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/** Load-testing a RESP endpoint: shared by {@code demo} and {@code bench} (filling one is {@link dev.caravan.client.KvFiller}). */
public final class KvLoad {
    private KvLoad() {
    }

    /** A rendered result table. */
    public record Table(String tool, List<String[]> rows) {
        public String render() {
            StringBuilder b = new StringBuilder("load by " + tool + "\n");
            b.append(String.format(Locale.ROOT, "%-22s %12s %10s %10s %10s%n", "TEST", "OPS/S", "P50 MS", "P99 MS", "MAX MS"));
            for (String[] r : rows) {
                b.append(String.format(Locale.ROOT, "%-22s %12s %10s %10s %10s%n", (Object[]) r));
            }
            return b.toString();
        }
    }

    /**
     * Runs redis-benchmark (GET and SET, 50 clients, then with -P 16) when installed, otherwise
     * the built-in generator for 10 s, and says which.
     */
    public static Table run(InetSocketAddress target, int requests, int keys, Consumer<String> progress)
            throws IOException, InterruptedException {
        List<String[]> rows = new ArrayList<>();
        if (RedisBenchmark.binary().isPresent()) {
            for (int pipeline : new int[] {1, 16}) {
                progress.accept("redis-benchmark -t set,get -c 50 -n " + requests + (pipeline > 1 ? " -P " + pipeline : "") + " ...");
                for (RedisBenchmark.Result r : RedisBenchmark.run(target.getHostString(), target.getPort(), "set,get", 50,
                        requests, pipeline, 100, 300_000)) {
                    rows.add(new String[] {r.test() + (pipeline > 1 ? " -P " + pipeline : ""), fmt(r.opsPerSec()), fmt2(r.p50Ms()),
                            fmt2(r.p99Ms()), fmt2(r.maxMs())});
                }
            }
            return new Table("redis-benchmark", rows);
        }
        progress.accept("redis-benchmark not found (Debian package redis-tools); using the built-in generator: 50 clients, 10 s");
        LoadGenerator.Result r = LoadGenerator.run(target, 50, keys, 100, 10_000, Clock.system());
        if (r.errors() > 0) {
            throw ErrorCode.INTERNAL.exception(r.errors() + " requests failed under load");
        }
        rows.add(new String[] {"SET+GET (50/50)", fmt(r.opsPerSec()), fmt2(r.p50Ms()), fmt2(r.p99Ms()), fmt2(r.maxMs())});
        return new Table("built-in generator", rows);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    static String fmt2(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }
}
