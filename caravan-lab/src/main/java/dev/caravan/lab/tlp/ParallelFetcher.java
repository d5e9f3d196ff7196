package dev.caravan.lab.tlp;

import dev.caravan.core.time.Clock;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

/**
 * The chapter's multithreaded browser: fetches {@code n} resources from a set of slow servers
 * using {@code threads} platform threads, each doing a blocking HTTP/1.0 GET and then "rendering"
 * the body (CPU work: {@code renderPasses} CRC32 passes). The worker threads are created up front
 * so a {@link ThreadStateSampler} can watch exactly them. Use once; not thread-safe.
 */
public final class ParallelFetcher implements AutoCloseable {
    /**
     * One fetch run.
     *
     * @param wallNs       first request to last render
     * @param sumLatencyNs the fetches' latencies (request to last byte), added up
     * @param bytes        bytes received
     */
    public record Outcome(long wallNs, long sumLatencyNs, long bytes) {
    }

    private final Clock clock;
    private final int renderPasses;
    private final List<Thread> workers = new ArrayList<>();
    private final ExecutorService pool;

    public ParallelFetcher(int threads, int renderPasses, Clock clock) {
        this.clock = clock;
        this.renderPasses = renderPasses;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = Thread.ofPlatform().name("fetch-" + n.getAndIncrement()).daemon().unstarted(r);
            synchronized (workers) {
                workers.add(t);
            }
            return t;
        });
        // Start every worker now, so the sampler sees the whole pool from the first sample.
        List<Future<Object>> warm = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            warm.add(pool.submit(() -> null));
        }
        await(warm);
    }

    /** The worker threads (all started). */
    public List<Thread> workers() {
        synchronized (workers) {
            return List.copyOf(workers);
        }
    }

    /** Fetches resources {@code 0..n-1}, resource i from {@code ports[i % ports.length]}. */
    public Outcome fetchAll(int n, int[] ports) {
        long t0 = clock.nanoTime();
        List<Future<long[]>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int port = ports[i % ports.length];
            String path = "/resource/" + i;
            fs.add(pool.submit(() -> fetchAndRender(port, path)));
        }
        long sumLatency = 0;
        long bytes = 0;
        for (long[] r : await(fs)) {
            sumLatency += r[0];
            bytes += r[1];
        }
        return new Outcome(clock.nanoTime() - t0, sumLatency, bytes);
    }

    private long[] fetchAndRender(int port, String path) throws IOException {
        long t0 = clock.nanoTime();
        byte[] body;
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            body = in.readAllBytes();
        }
        long latency = clock.nanoTime() - t0;
        CRC32 crc = new CRC32();
        for (int p = 0; p < renderPasses; p++) {
            crc.update(body);
        }
        if (crc.getValue() == 42) {
            throw new IllegalStateException("unlikely checksum");
        }
        return new long[] {latency, body.length};
    }

    private static <T> List<T> await(List<Future<T>> fs) {
        List<T> out = new ArrayList<>();
        try {
            for (Future<T> f : fs) {
                out.add(f.get());
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("fetch failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return out;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
