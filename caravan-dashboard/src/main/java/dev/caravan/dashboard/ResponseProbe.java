package dev.caravan.dashboard;

import dev.caravan.client.CaravanClient;
import dev.caravan.wire.command.Command;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The dashboard's own light client: every {@code periodMs} it sends {@code PING} to each process
 * through the client library — the path any Caravan client takes: naming lookup, the node's
 * control port, retry at the new node after a move — and records how long the answer took in
 * {@link ProbeSamples}. That is the client-perceived response time of the chapter's figure: a
 * call that arrives while a process is frozen waits, and its sample shows the wait.
 *
 * <p>A process whose handler does not know PING answers an error; that still measures the round
 * trip, and counts as an answer. One virtual thread per process, started and stopped by
 * {@link #watch}. Thread-safe.
 */
public final class ResponseProbe implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ResponseProbe.class.getName());
    private static final Command PING = Command.of("PING");

    private final CaravanClient client;
    private final ProbeSamples samples;
    private final long periodMs;
    private final LongSupplier clockMs;
    private final Map<String, Thread> probes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param client   the client library instance the probes call through (its deadline bounds one call)
     * @param periodMs pause between the start of two calls to one process
     * @param clockMs  wall clock, ms since the epoch
     */
    public ResponseProbe(CaravanClient client, ProbeSamples samples, long periodMs, LongSupplier clockMs) {
        this.client = client;
        this.samples = samples;
        this.periodMs = periodMs;
        this.clockMs = clockMs;
    }

    /** Probes exactly {@code processes} from now on: starts a probe for each new one, stops those not listed. */
    public void watch(Set<String> processes) {
        if (closed) {
            return;
        }
        for (String p : processes) {
            // Registered before it starts: a probe runs while it is the one registered for its process.
            Thread[] started = new Thread[1];
            probes.computeIfAbsent(p, name -> started[0] = Thread.ofVirtual().name("probe-" + name).unstarted(() -> probe(name)));
            if (started[0] != null) {
                started[0].start();
            }
        }
        probes.keySet().removeIf(p -> !processes.contains(p));
    }

    private void probe(String process) {
        Thread me = Thread.currentThread();
        while (!closed && probes.get(process) == me) {
            long sentMs = clockMs.getAsLong();
            long t0 = System.nanoTime();
            boolean ok;
            try {
                client.call(process, PING, true);
                ok = true;
            } catch (RuntimeException e) {
                ok = false;
                LOG.log(System.Logger.Level.DEBUG, "probe of " + process + " failed: " + e.getMessage());
            }
            long tookNs = System.nanoTime() - t0;
            if (closed || probes.get(process) != me) {
                return;
            }
            samples.add(process, sentMs, tookNs / 1e6, ok);
            long restMs = periodMs - tookNs / 1_000_000;
            if (restMs > 0) {
                try {
                    Thread.sleep(restMs); // pacing of the probe, not synchronization
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** The processes probed now. */
    public Set<String> watched() {
        return Set.copyOf(probes.keySet());
    }

    @Override
    public void close() {
        closed = true;
        probes.values().forEach(Thread::interrupt);
        probes.clear();
    }
}
