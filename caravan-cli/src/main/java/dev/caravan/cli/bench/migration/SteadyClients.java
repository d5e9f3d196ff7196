package dev.caravan.cli.bench.migration;

import dev.caravan.core.time.Clock;
import dev.caravan.wire.resp.RespConnection;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Clients at a constant request rate, as a service's users would be: {@code clients}
 * connections share {@code requestsPerSec}, each sending one request at a time, half GET and
 * half SET of small keys ({@code s:0} … {@code s:N-1}, 100-byte values).
 *
 * <p>Coordinated omission is accounted for: every request has an intended send time on a fixed
 * schedule, and its latency is measured from that time, not from when it was actually sent. A
 * client held up for 300 ms by a switch-over therefore records 300 ms, 299 ms, 298 ms, … for the
 * requests it should have sent meanwhile, not one slow request.
 *
 * <p>Threading: one platform thread per client; {@link #samples} and the failure log may be read
 * from any thread while they run.
 */
public final class SteadyClients implements AutoCloseable {
    /** Latency samples: parallel arrays of intended send time (System.nanoTime) and latency. */
    public record Samples(long[] intendedNs, long[] latencyNs) {
        public int size() {
            return intendedNs.length;
        }

        /** The {@code q}-quantile of latency in ms (NaN when empty). */
        public double quantileMs(double q) {
            if (latencyNs.length == 0) {
                return Double.NaN;
            }
            long[] sorted = latencyNs.clone();
            Arrays.sort(sorted);
            int i = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
            return sorted[i] / 1e6;
        }

        public double maxMs() {
            return Arrays.stream(latencyNs).max().orElse(0) / 1e6;
        }
    }

    private static final int SMALL_KEYS = 1000;
    private static final int SMALL_VALUE_BYTES = 100;
    private static final long STUCK_NS = 10_000_000_000L;

    private final InetSocketAddress endpoint;
    private final long intervalNs;
    private final FailureLog failures;
    private final List<Thread> threads = new ArrayList<>();
    private final long[] inFlightSinceNs;
    private final RespConnection[] connections;
    private long[] intended = new long[1 << 16];
    private long[] latency = new long[1 << 16];
    private int count;
    private volatile boolean running = true;

    /**
     * @param requestsPerSec the rate of all clients together
     */
    public SteadyClients(InetSocketAddress endpoint, int clients, double requestsPerSec, FailureLog failures) {
        this.endpoint = endpoint;
        this.intervalNs = (long) (1e9 * clients / requestsPerSec);
        this.failures = failures;
        this.inFlightSinceNs = new long[clients];
        this.connections = new RespConnection[clients];
        for (int i = 0; i < clients; i++) {
            int id = i;
            threads.add(Thread.ofPlatform().daemon(true).name("steady-client-" + i).unstarted(() -> run(id)));
        }
    }

    /** Writes the small keys the clients read (so that every GET finds a value). */
    public static void load(InetSocketAddress target) throws IOException {
        byte[] value = new byte[SMALL_VALUE_BYTES];
        Arrays.fill(value, (byte) 's');
        try (RespConnection c = new RespConnection(target)) {
            List<Command> sets = new ArrayList<>();
            for (int i = 0; i < SMALL_KEYS; i++) {
                sets.add(new Command(new byte[][] {"SET".getBytes(StandardCharsets.US_ASCII), smallKey(i), value}));
            }
            c.pipeline(sets);
        }
    }

    private static byte[] smallKey(int i) {
        return ("s:" + i).getBytes(StandardCharsets.US_ASCII);
    }

    public void start() {
        threads.forEach(Thread::start);
    }

    private void run(int id) {
        SplittableRandom rnd = new SplittableRandom(id);
        byte[] value = new byte[SMALL_VALUE_BYTES];
        Arrays.fill(value, (byte) ('a' + id % 26));
        RespConnection c = null;
        long next = Clock.system().nanoTime() + intervalNs * id / threads.size();
        while (running) {
            long now = Clock.system().nanoTime();
            if (now < next) {
                LockSupport.parkNanos(next - now);
                continue;
            }
            byte[] key = smallKey(rnd.nextInt(SMALL_KEYS));
            Command cmd = rnd.nextBoolean() ? new Command(new byte[][] {{'G', 'E', 'T'}, key})
                    : new Command(new byte[][] {{'S', 'E', 'T'}, key, value});
            try {
                if (c == null) {
                    c = new RespConnection(endpoint);
                    connections[id] = c;
                }
                inFlightSinceNs[id] = next;
                Reply r = c.call(cmd);
                long done = Clock.system().nanoTime();
                if (r instanceof Reply.Error e) {
                    failures.add("client " + id + ": " + cmd.name() + " -> " + e.text());
                } else {
                    record(next, done - next);
                }
            } catch (IOException | RuntimeException e) {
                if (running) {
                    failures.add("client " + id + ": " + e);
                }
                closeQuietly(c);
                c = null;
                LockSupport.parkNanos(50_000_000L);
            } finally {
                inFlightSinceNs[id] = 0;
            }
            next += intervalNs;
        }
        closeQuietly(c);
    }

    private synchronized void record(long intendedNs, long latencyNs) {
        if (count == intended.length) {
            intended = Arrays.copyOf(intended, count * 2);
            latency = Arrays.copyOf(latency, count * 2);
        }
        intended[count] = intendedNs;
        latency[count] = latencyNs;
        count++;
    }

    /** Samples whose intended send time lies in [fromNs, toNs). */
    public synchronized Samples samples(long fromNs, long toNs) {
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (intended[i] >= fromNs && intended[i] < toNs) {
                n++;
            }
        }
        long[] x = new long[n];
        long[] y = new long[n];
        int j = 0;
        for (int i = 0; i < count; i++) {
            if (intended[i] >= fromNs && intended[i] < toNs) {
                x[j] = intended[i];
                y[j] = latency[i];
                j++;
            }
        }
        return new Samples(x, y);
    }

    /** Requests completed so far. */
    public synchronized int completed() {
        return count;
    }

    /** Stops the clients; a request unanswered for 10 s counts as failed. */
    @Override
    public void close() {
        running = false;
        for (int i = 0; i < threads.size(); i++) {
            Thread t = threads.get(i);
            try {
                t.join(STUCK_NS / 1_000_000);
                if (t.isAlive()) {
                    failures.add("client " + i + ": no reply to a request sent at " + inFlightSinceNs[i] + " ns");
                    closeQuietly(connections[i]);
                    t.join(5_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void closeQuietly(RespConnection c) {
        if (c != null) {
            c.close();
        }
    }
}
