package dev.caravan.cli.bench.balance;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespConnection;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One paced client per process: each sends {@code SET} at a fixed rate to the process's stable
 * (front) endpoint, so that a process's load stays the same wherever it runs, and records each
 * reply's latency from the moment the request was due (a late send counts against the server: no
 * coordinated omission). A failed connection is counted and opened again. Threading: one virtual
 * thread per process; the readers may be called from any thread.
 */
public final class PacedClients implements AutoCloseable {
    private final Recorder latencies = new Recorder(3);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();

    /** Starts a client per endpoint, each sending {@code perProcessPerSec} commands per second. */
    public PacedClients(List<InetSocketAddress> endpoints, double perProcessPerSec) {
        long intervalNs = (long) (1e9 / perProcessPerSec);
        for (int i = 0; i < endpoints.size(); i++) {
            InetSocketAddress at = endpoints.get(i);
            int id = i;
            threads.add(Thread.ofVirtual().name("paced-" + i).start(() -> run(at, id, intervalNs)));
        }
    }

    private void run(InetSocketAddress at, int id, long intervalNs) {
        long due = System.nanoTime();
        long i = 0;
        while (running.get()) {
            try (RespConnection c = new RespConnection(at)) {
                while (running.get()) {
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                        continue;
                    }
                    Reply r = c.call(Command.of("SET", "k" + id + ":" + (i++ % 1000), "v"));
                    if (!r.equals(Reply.OK)) {
                        errors.incrementAndGet();
                    }
                    long now = System.nanoTime();
                    latencies.recordValue(Math.max(1, (now - due) / 1000));
                    served.incrementAndGet();
                    // Behind by more than a second (a migration's pause): drop the backlog rather than burst.
                    due = Math.max(due + intervalNs, now - TimeUnit.SECONDS.toNanos(1));
                }
            } catch (IOException | RuntimeException e) {
                errors.incrementAndGet();
                if (running.get()) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                }
            }
        }
    }

    /** The latencies (microseconds) recorded since the last call. */
    public Histogram intervalLatencies() {
        return latencies.getIntervalHistogram();
    }

    /** Replies received so far. */
    public long served() {
        return served.get();
    }

    /** Failed or wrong replies and lost connections so far. */
    public long errors() {
        return errors.get();
    }

    @Override
    public void close() {
        running.set(false);
        try {
            for (Thread t : threads) {
                LockSupport.unpark(t);
                t.join(TimeUnit.SECONDS.toMillis(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
