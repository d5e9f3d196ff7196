package dev.caravan.cli.bench.switching;

import dev.caravan.cli.bench.RedisBenchmark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The RESP part of {@code caravan bench switch}: redis-benchmark {@code -t set,get -c clients}
 * against the Redis-compatible process direct and through the switch's process front end,
 * without pipelining and with {@code -P 16}, in rounds whose order alternates (direct first in
 * odd rounds). One untimed warm-up run per path first. A failing run is recorded with its error.
 *
 * <p>Threading: {@link #run} blocks its caller.
 */
public final class RespPhase {
    public static final List<Integer> PIPELINES = List.of(1, 16);
    public static final List<String> TESTS = List.of("SET", "GET");
    private static final long TIMEOUT_MS = 20 * 60_000;
    private static final int VALUE_BYTES = 3;

    /** What {@link RespPhase} runs. */
    public record Settings(int rounds, int clients, int requests, int pipelinedRequests) {
    }

    private final Settings settings;
    private final Consumer<String> progress;

    public RespPhase(Settings settings, Consumer<String> progress) {
        this.settings = settings;
        this.progress = progress;
    }

    /** @param throughSwitch null measures direct only (the switch has no process front end for it) */
    public RespRounds run(InetSocketAddress direct, InetSocketAddress throughSwitch) throws InterruptedException {
        RespRounds out = new RespRounds();
        List<InetSocketAddress> targets = throughSwitch == null ? List.of(direct) : List.of(direct, throughSwitch);
        for (var target : targets) {
            progress.accept("RESP warm-up against " + target.getHostString() + ":" + target.getPort() + " (not measured)...");
            for (int p : PIPELINES) {
                try {
                    RedisBenchmark.run(target.getHostString(), target.getPort(), "set,get", settings.clients(),
                            Math.max(1, requestsAt(p) / 5), p, VALUE_BYTES, TIMEOUT_MS);
                } catch (IOException | RuntimeException e) {
                    progress.accept("  warm-up failed: " + e.getMessage());
                }
            }
        }
        for (int round = 1; round <= settings.rounds(); round++) {
            for (int p : PIPELINES) {
                List<String> order = round % 2 == 1 ? List.of(RespRounds.DIRECT, RespRounds.SWITCH)
                        : List.of(RespRounds.SWITCH, RespRounds.DIRECT);
                for (String path : order) {
                    if (throughSwitch == null && path.equals(RespRounds.SWITCH)) {
                        continue;
                    }
                    InetSocketAddress t = path.equals(RespRounds.DIRECT) ? direct : throughSwitch;
                    progress.accept(String.format(Locale.ROOT, "RESP round %d/%d: redis-benchmark -t set,get -c %d -n %d%s against %s...",
                            round, settings.rounds(), settings.clients(), requestsAt(p), p > 1 ? " -P " + p : "", path));
                    try {
                        List<RedisBenchmark.Result> r = RedisBenchmark.run(t.getHostString(), t.getPort(), "set,get", settings.clients(),
                                requestsAt(p), p, VALUE_BYTES, TIMEOUT_MS);
                        for (RedisBenchmark.Result x : r) {
                            progress.accept(String.format(Locale.ROOT, "  %s %s: %.0f ops/s", path, x.test(), x.opsPerSec()));
                        }
                        out.add(new RespRounds.Sample(path, p, round, r, null));
                    } catch (IOException | RuntimeException e) {
                        progress.accept("  " + path + " failed: " + e.getMessage());
                        out.add(new RespRounds.Sample(path, p, round, List.of(), e.getMessage()));
                    }
                }
            }
        }
        return out;
    }

    private int requestsAt(int pipeline) {
        return pipeline > 1 ? settings.pipelinedRequests() : settings.requests();
    }
}
