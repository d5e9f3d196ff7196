package dev.caravan.cli.bench.migration;

import dev.caravan.cli.bench.LoadGenerator;
import dev.caravan.cli.bench.RedisBenchmark;
import dev.caravan.core.time.Clock;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load that runs until stopped: {@code redis-benchmark -t set,get -c 20 -n N} over and over when
 * it is installed (a client that knows nothing of Caravan), otherwise the built-in generator in
 * one-second runs. Counts requests and failed runs; for the demo's migrations.
 *
 * <p>Threading: one background thread; the getters may be called from any thread.
 */
public final class BackgroundLoad implements AutoCloseable {
    private final InetSocketAddress target;
    private final int requestsPerRun;
    private final int keys;
    private final FailureLog failures;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong runs = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    public BackgroundLoad(InetSocketAddress target, int requestsPerRun, int keys, FailureLog failures) {
        this.target = target;
        this.requestsPerRun = requestsPerRun;
        this.keys = keys;
        this.failures = failures;
        this.thread = Thread.ofPlatform().daemon(true).name("background-load").unstarted(this::run);
    }

    /** Which tool generates the load. */
    public static String tool() {
        return RedisBenchmark.binary().isPresent() ? "redis-benchmark -t set,get -c 20" : "the built-in generator (20 clients)";
    }

    public void start() {
        thread.start();
    }

    private void run() {
        boolean redisBenchmark = RedisBenchmark.binary().isPresent();
        while (running) {
            try {
                if (redisBenchmark) {
                    List<RedisBenchmark.Result> r = RedisBenchmark.run(target.getHostString(), target.getPort(), "set,get", 20,
                            requestsPerRun, 1, 100, 120_000);
                    requests.addAndGet((long) requestsPerRun * r.size());
                } else {
                    LoadGenerator.Result r = LoadGenerator.run(target, 20, keys, 100, 1000, Clock.system());
                    requests.addAndGet(r.ops());
                    for (long i = 0; i < r.errors(); i++) {
                        failures.add("built-in generator: a request failed");
                    }
                }
                runs.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                failures.add("background load: " + e.getMessage());
            }
        }
    }

    public long requests() {
        return requests.get();
    }

    public long runs() {
        return runs.get();
    }

    @Override
    public void close() {
        stop();
    }

    /** Lets the current run finish, then stops; idempotent. */
    public void stop() {
        running = false;
        try {
            thread.join(150_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
