package dev.caravan.servers.bench;

import dev.caravan.core.time.Clock;
import org.HdrHistogram.Histogram;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Latency under a constant request rate, free of coordinated omission: every request has an
 * intended send time on a fixed schedule (rate / connections per connection), and its latency
 * is measured from that intended time, so a server that stalls is charged for every request
 * the schedule wanted to send during the stall — unlike wrk, whose clients simply wait.
 * Requests still unanswered when the window ends are recorded with latency "window end −
 * intended time" (a lower bound) and counted as incomplete.
 *
 * <p>Each connection has a sender and a reader virtual thread; replies arrive in order
 * (pipelining), so the reader matches them to intended times through a FIFO.
 */
final class ConstantRateLoad {
    /** Result of one run. */
    record Result(Histogram histogram, long completed, long incomplete) {
    }

    private ConstantRateLoad() {
    }

    static Result run(InetSocketAddress target, LoadProtocol protocol, int connections, double ratePerSec, long durationMs)
            throws IOException, InterruptedException {
        byte[] request = protocol.request();
        long intervalNs = (long) (1e9 * connections / ratePerSec);
        List<Socket> sockets = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        List<Histogram> histograms = new ArrayList<>();
        List<ConcurrentLinkedQueue<Long>> pendings = new ArrayList<>();
        long[] completed = new long[connections];
        try {
            for (int i = 0; i < connections; i++) {
                Socket s = new Socket();
                s.setTcpNoDelay(true);
                s.connect(target, 10_000);
                sockets.add(s);
            }
            long start = Clock.system().nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
            long end = start + TimeUnit.MILLISECONDS.toNanos(durationMs);
            for (int i = 0; i < connections; i++) {
                Socket s = sockets.get(i);
                Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
                ConcurrentLinkedQueue<Long> pending = new ConcurrentLinkedQueue<>();
                histograms.add(h);
                pendings.add(pending);
                long offset = intervalNs * i / connections;
                int idx = i;
                threads.add(Thread.ofVirtual().start(() -> send(s, request, pending, start + offset, end, intervalNs)));
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 8192));
                        Long intended;
                        while (true) {
                            protocol.readReply(in);
                            intended = pending.poll();
                            if (intended == null) {
                                return;
                            }
                            h.recordValue(Math.max(0, Clock.system().nanoTime() - intended));
                            completed[idx]++;
                        }
                    } catch (IOException e) {
                        // closed at the end of the window
                    }
                }));
            }
            // The window is measured time, not synchronisation: wait for it to pass, then give
            // replies in flight a bounded grace period.
            long graceEnd = end + TimeUnit.MILLISECONDS.toNanos(Math.min(1000, durationMs / 2));
            while (Clock.system().nanoTime() < end || (Clock.system().nanoTime() < graceEnd && !pendings.stream().allMatch(ConcurrentLinkedQueue::isEmpty))) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
            for (Thread t : threads) {
                t.join(5_000);
            }
        }
        long now = Clock.system().nanoTime();
        Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        long incomplete = 0;
        for (int i = 0; i < connections; i++) {
            all.add(histograms.get(i));
            for (Long intended : pendings.get(i)) {
                all.recordValue(Math.min(TimeUnit.SECONDS.toNanos(60), Math.max(0, now - intended)));
                incomplete++;
            }
        }
        long done = 0;
        for (long c : completed) {
            done += c;
        }
        return new Result(all, done, incomplete);
    }

    private static void send(Socket s, byte[] request, ConcurrentLinkedQueue<Long> pending, long first, long end, long intervalNs) {
        try {
            OutputStream out = s.getOutputStream();
            for (long intended = first; intended < end; intended += intervalNs) {
                long wait = intended - Clock.system().nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                pending.add(intended);
                out.write(request);
            }
        } catch (IOException e) {
            // closed at the end of the window
        }
    }
}
