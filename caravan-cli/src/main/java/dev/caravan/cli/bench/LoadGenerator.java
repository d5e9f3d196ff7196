package dev.caravan.cli.bench;

import dev.caravan.wire.resp.RespConnection;
import dev.caravan.core.time.Clock;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The built-in load when redis-benchmark is absent: {@code clients} connections, each sending
 * one command at a time (half SET, half GET over {@code keys} keys) for a fixed duration.
 * Counts operations and errors; latencies in a coarse log-scale histogram.
 */
public final class LoadGenerator {
    /** Totals of one run. */
    public record Result(long ops, long errors, double opsPerSec, double p50Ms, double p99Ms, double maxMs) {
    }

    private LoadGenerator() {
    }

    public static Result run(InetSocketAddress target, int clients, int keys, int valueBytes, long durationMs, Clock clock)
            throws InterruptedException {
        LongAdder ops = new LongAdder();
        LongAdder errors = new LongAdder();
        long[] buckets = new long[64];
        AtomicLong maxNs = new AtomicLong();
        long start = clock.nanoTime();
        long end = start + TimeUnit.MILLISECONDS.toNanos(durationMs);
        byte[] value = new byte[valueBytes];
        Arrays.fill(value, (byte) 'x');
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int seed = c;
            threads.add(Thread.ofVirtual().start(() -> {
                SplittableRandom rnd = new SplittableRandom(seed);
                long[] local = new long[64];
                try (RespConnection conn = new RespConnection(target)) {
                    while (clock.nanoTime() < end) {
                        byte[] key = ("key:" + rnd.nextInt(keys)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                        Command cmd = rnd.nextBoolean() ? new Command(new byte[][] {"SET".getBytes(), key, value})
                                : new Command(new byte[][] {"GET".getBytes(), key});
                        long t0 = clock.nanoTime();
                        Reply r = conn.call(cmd);
                        long dt = clock.nanoTime() - t0;
                        local[63 - Long.numberOfLeadingZeros(Math.max(1, dt))]++;
                        maxNs.accumulateAndGet(dt, Math::max);
                        if (r instanceof Reply.Error) {
                            errors.increment();
                        }
                        ops.increment();
                    }
                } catch (IOException e) {
                    errors.increment();
                }
                synchronized (buckets) {
                    for (int i = 0; i < 64; i++) {
                        buckets[i] += local[i];
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        double secs = (clock.nanoTime() - start) / 1e9;
        long total = ops.sum();
        return new Result(total, errors.sum(), total / secs, percentileMs(buckets, total, 0.50),
                percentileMs(buckets, total, 0.99), maxNs.get() / 1e6);
    }

    private static double percentileMs(long[] buckets, long total, double q) {
        long rank = (long) Math.ceil(total * q);
        long seen = 0;
        for (int i = 0; i < 64; i++) {
            seen += buckets[i];
            if (seen >= rank && rank > 0) {
                return (1L << (i + 1)) / 1e6;
            }
        }
        return Double.NaN;
    }
}
