package dev.caravan.cli.bench.switching;

import dev.caravan.core.time.Clock;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A constant-rate (open-loop) HTTP load generator, free of coordinated omission, as wrk2 does it:
 * {@code connections} keep-alive connections (connection i to {@code targets[i % n]}), each
 * with its own timetable of requests {@code connections ÷ rate} apart, staggered across the
 * connections. Each request's latency is measured from its <em>intended</em> send time, so a
 * stall is charged to every request the timetable wanted to send during it, not only to the one
 * that waited (wrk's clients simply wait, and hide the queue). A connection has at most one
 * request outstanding (no pipelining, so every path — splice, L7 switch, handoff, HAProxy — is
 * measured the same way); when it falls behind, the next request goes as soon as the reply
 * arrives, and its latency still counts from its slot.
 *
 * <p>Requests the window had scheduled but a connection never managed to send before the grace
 * period ended are recorded as "unsent", with latency (then − slot) as a lower bound. A request
 * that fails (I/O error, reply timeout, status ≥ 400) counts as an error; its connection is
 * reopened. Latencies are recorded in microseconds into an HdrHistogram (3 significant digits,
 * capped at 60 s).
 *
 * <p>Threading: {@link #run} blocks the caller; one virtual thread per connection.
 */
public final class OpenLoopHttpLoad {
    private static final long MAX_LATENCY_US = TimeUnit.SECONDS.toMicros(60);
    private static final int MAX_ERRORS_KEPT = 5;

    /**
     * One run's figures.
     *
     * @param scheduled  requests the timetable held in the window
     * @param completed  replies received with status &lt; 400
     * @param errors     failed requests (I/O error, timeout, status ≥ 400)
     * @param unsent     scheduled requests never sent before the grace period ended
     * @param histogram  latency from the intended send time, microseconds (errors and unsent included)
     * @param someErrors the first few error messages
     */
    public record Result(double ratePerSec, long scheduled, long completed, long errors, long unsent, double windowSec,
                         Histogram histogram, List<String> someErrors) {
        public double quantileMs(double q) {
            return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getValueAtPercentile(q * 100) / 1000.0;
        }

        /** Replies per second received over the window. */
        public double achievedPerSec() {
            return completed / windowSec;
        }
    }

    private OpenLoopHttpLoad() {
    }

    /**
     * Runs the load for {@code durationMs}, then waits for replies in flight (at most
     * {@code timeoutMs}).
     *
     * @param path      the request target ({@code /})
     * @param timeoutMs connect and reply timeout of each request
     * @throws IOException when a connection cannot be opened at the start
     */
    public static Result run(List<InetSocketAddress> targets, String path, int connections, double ratePerSec, long durationMs,
                             long timeoutMs) throws IOException, InterruptedException {
        if (targets.isEmpty() || connections < 1 || !(ratePerSec > 0) || durationMs < 1 || timeoutMs < 1) {
            throw new IllegalArgumentException("need targets, connections ≥ 1, a positive rate, duration and timeout");
        }
        long intervalNs = Math.max(1, (long) (1e9 * connections / ratePerSec));
        List<Socket> opened = new ArrayList<>(connections);
        try {
            for (int i = 0; i < connections; i++) {
                opened.add(connect(targets.get(i % targets.size()), timeoutMs));
            }
        } catch (IOException e) {
            for (Socket s : opened) {
                s.close();
            }
            throw e;
        }
        Recorder recorder = new Recorder(MAX_LATENCY_US, 3);
        Counters counters = new Counters();
        long startNs = Clock.system().nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        long endNs = startNs + TimeUnit.MILLISECONDS.toNanos(durationMs);
        long graceEndNs = endNs + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        List<Thread> threads = new ArrayList<>(connections);
        for (int i = 0; i < connections; i++) {
            Connection c = new Connection(targets.get(i % targets.size()), opened.get(i), request(targets.get(i % targets.size()), path),
                    timeoutMs, recorder, counters);
            long first = startNs + intervalNs * i / connections;
            threads.add(Thread.ofVirtual().name("open-loop-" + i).start(() -> c.runTimetable(first, endNs, graceEndNs, intervalNs)));
        }
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(graceEndNs - Clock.system().nanoTime()) + timeoutMs + 1000));
        }
        for (Thread t : threads) {
            if (t.isAlive()) {
                t.interrupt();
            }
        }
        return new Result(ratePerSec, counters.scheduled.get(), counters.completed.get(), counters.errors.get(), counters.unsent.get(),
                durationMs / 1000.0, recorder.getIntervalHistogram(), List.copyOf(counters.someErrors));
    }

    private static byte[] request(InetSocketAddress target, String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: " + target.getHostString() + ":" + target.getPort()
                + "\r\nUser-Agent: caravan-open-loop\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Socket connect(InetSocketAddress target, long timeoutMs) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs));
            s.connect(target, (int) Math.min(Integer.MAX_VALUE, timeoutMs));
            return s;
        } catch (IOException e) {
            s.close();
            throw new IOException("cannot connect to " + target.getHostString() + ":" + target.getPort() + ": " + e.getMessage(), e);
        }
    }

    private static final class Counters {
        final AtomicLong scheduled = new AtomicLong();
        final AtomicLong completed = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong unsent = new AtomicLong();
        final ConcurrentLinkedQueue<String> someErrors = new ConcurrentLinkedQueue<>();

        void error(String what) {
            if (errors.incrementAndGet() <= MAX_ERRORS_KEPT) {
                someErrors.add(what);
            }
        }
    }

    /** One connection's timetable; runs on its own virtual thread. */
    private static final class Connection {
        private final InetSocketAddress target;
        private final byte[] request;
        private final long timeoutMs;
        private final Recorder recorder;
        private final Counters counters;
        private Socket socket;
        private OutputStream out;
        private HttpReplyReader reader;

        Connection(InetSocketAddress target, Socket socket, byte[] request, long timeoutMs, Recorder recorder, Counters counters) {
            this.target = target;
            this.request = request;
            this.timeoutMs = timeoutMs;
            this.recorder = recorder;
            this.counters = counters;
            this.socket = socket;
        }

        void runTimetable(long firstNs, long endNs, long graceEndNs, long intervalNs) {
            try {
                attach();
                for (long slot = firstNs; slot < endNs; slot += intervalNs) {
                    counters.scheduled.incrementAndGet();
                    long now = Clock.system().nanoTime();
                    while (now < slot) {
                        LockSupport.parkNanos(slot - now);
                        now = Clock.system().nanoTime();
                    }
                    if (now > graceEndNs || Thread.currentThread().isInterrupted()) {
                        abandonFrom(slot, endNs, intervalNs, now);
                        return;
                    }
                    exchange(slot);
                }
            } catch (IOException e) {
                counters.error(e.getMessage());
            } finally {
                close();
            }
        }

        private void exchange(long slotNs) {
            try {
                if (socket == null) {
                    socket = connect(target, timeoutMs);
                    attach();
                }
                out.write(request);
                out.flush();
                int status = reader.read();
                record(slotNs);
                if (status >= 400) {
                    counters.error("HTTP " + status + " from " + target.getPort());
                } else {
                    counters.completed.incrementAndGet();
                }
                if (reader.closeAfter()) {
                    close();
                }
            } catch (IOException e) {
                record(slotNs);
                counters.error(e.getClass().getSimpleName() + ": " + e.getMessage());
                close();
            }
        }

        /** Every slot from {@code slotNs} on is counted unsent, with latency (now − slot). */
        private void abandonFrom(long slotNs, long endNs, long intervalNs, long nowNs) {
            boolean first = true;
            for (long s = slotNs; s < endNs; s += intervalNs) {
                if (!first) {
                    counters.scheduled.incrementAndGet();
                }
                first = false;
                counters.unsent.incrementAndGet();
                recorder.recordValue(Math.min(MAX_LATENCY_US, Math.max(0, (nowNs - s) / 1000)));
            }
        }

        private void record(long slotNs) {
            recorder.recordValue(Math.min(MAX_LATENCY_US, Math.max(0, (Clock.system().nanoTime() - slotNs) / 1000)));
        }

        private void attach() throws IOException {
            out = socket.getOutputStream();
            reader = new HttpReplyReader(new BufferedInputStream(socket.getInputStream(), 16384));
        }

        private void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // closing after a failure: nothing more to report
                }
                socket = null;
            }
        }
    }
}
