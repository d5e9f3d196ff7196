package dev.caravan.cli.bench.migration;

import dev.caravan.core.time.Clock;
import dev.caravan.wire.resp.RespConnection;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Dirties a process's pages at a set rate and remembers every write that was acknowledged: one
 * connection overwrites random keys of a {@link DataSet} with ever higher versions, {@code
 * writesPerSec} a second, and logs key → last acknowledged version. {@link #verify} reads every
 * key back and checks that none holds less than its last acknowledged version.
 *
 * <p>Pacing is open-loop, but after a stall (a switch-over) it does not burst to catch up:
 * it resumes the rate from where it is, so the dirty rate stays the one asked for.
 *
 * <p>Threading: one writer thread of its own; the other methods may be called from any thread.
 */
public final class DirtyingWriter implements AutoCloseable {
    private static final long MAX_BEHIND_NS = 100_000_000L;
    private static final byte[] GET = {'G', 'E', 'T'};

    private final DataSet data;
    private final InetSocketAddress endpoint;
    private final long intervalNs;
    private final AtomicLongArray acked;
    private final AtomicLong version = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final FailureLog failures;
    private final Thread thread;
    private volatile boolean running = true;

    public DirtyingWriter(DataSet data, InetSocketAddress endpoint, double writesPerSec, FailureLog failures) {
        this.data = data;
        this.endpoint = endpoint;
        this.intervalNs = (long) (1e9 / writesPerSec);
        this.acked = new AtomicLongArray(data.keys());
        this.failures = failures;
        this.thread = Thread.ofPlatform().daemon(true).name("dirtying-writer").unstarted(this::run);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        SplittableRandom rnd = new SplittableRandom(42);
        RespConnection c = null;
        long next = Clock.system().nanoTime();
        while (running) {
            long now = Clock.system().nanoTime();
            if (now < next) {
                LockSupport.parkNanos(next - now);
                continue;
            }
            next = Math.max(next + intervalNs, now - MAX_BEHIND_NS);
            int key = rnd.nextInt(data.keys());
            long v = version.incrementAndGet();
            try {
                if (c == null) {
                    c = new RespConnection(endpoint);
                }
                Reply r = c.call(data.set(key, v));
                if (Reply.OK.equals(r)) {
                    acked.accumulateAndGet(key, v, Math::max);
                    writes.incrementAndGet();
                } else {
                    failures.add("writer: SET " + new String(data.key(key)) + " -> " + r);
                }
            } catch (IOException e) {
                failures.add("writer: " + e);
                close(c);
                c = null;
                LockSupport.parkNanos(50_000_000L);
            }
        }
        close(c);
    }

    private static void close(RespConnection c) {
        if (c != null) {
            c.close();
        }
    }

    /** Writes acknowledged so far. */
    public long acknowledged() {
        return writes.get();
    }

    /**
     * Reads every key at {@code at} and returns one line per key that lost an acknowledged
     * write (older version, torn value, missing key); empty when nothing was lost. Runs while
     * the writer goes on: a key may hold a newer version than the log, never an older one.
     */
    public List<String> verify(InetSocketAddress at, int batch) throws IOException {
        List<String> lost = new ArrayList<>();
        try (RespConnection c = new RespConnection(at)) {
            List<Command> gets = new ArrayList<>(batch);
            for (int from = 0; from < data.keys(); from += batch) {
                int to = Math.min(data.keys(), from + batch);
                gets.clear();
                long[] expected = new long[to - from];
                for (int i = from; i < to; i++) {
                    // Read the log before the value: a write acknowledged later can only raise the value.
                    expected[i - from] = acked.get(i);
                    gets.add(new Command(new byte[][] {GET, data.key(i)}));
                }
                List<Reply> replies = c.pipeline(gets);
                for (int i = from; i < to; i++) {
                    Reply r = replies.get(i - from);
                    long got = r instanceof Reply.Bulk b ? data.versionOf(b.value()) : -1;
                    if (got < expected[i - from]) {
                        String why = got == -1 ? "unreadable or torn: " + abbreviate(r) : "version " + got;
                        lost.add(new String(data.key(i)) + ": acknowledged version " + expected[i - from] + ", found " + why);
                    }
                }
            }
        }
        return lost;
    }

    private static String abbreviate(Reply r) {
        String s = String.valueOf(r);
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }

    /** Stops writing, waiting for the request in flight. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
