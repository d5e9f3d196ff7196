package dev.caravan.servers.bench;

import dev.caravan.core.time.Clock;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Throughput load for protocols wrk does not speak: {@code connections} clients, each with one
 * request outstanding (as wrk runs), for a fixed time; counts replies. Each client is a
 * virtual thread with a blocking socket.
 */
final class ClosedLoopLoad {
    private ClosedLoopLoad() {
    }

    /** Replies per second over {@code durationMs}, after a warm-up of {@code warmupMs}. */
    static double run(InetSocketAddress target, LoadProtocol protocol, int connections, long warmupMs, long durationMs)
            throws IOException, InterruptedException {
        LongAdder replies = new LongAdder();
        List<Socket> sockets = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        byte[] request = protocol.request();
        try {
            for (int i = 0; i < connections; i++) {
                Socket s = new Socket();
                s.setTcpNoDelay(true);
                s.connect(target, 10_000);
                sockets.add(s);
            }
            for (Socket s : sockets) {
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        OutputStream out = s.getOutputStream();
                        DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 8192));
                        while (!Thread.currentThread().isInterrupted()) {
                            out.write(request);
                            protocol.readReply(in);
                            replies.increment();
                        }
                    } catch (IOException e) {
                        // socket closed at the end of the run
                    }
                }));
            }
            Thread.sleep(warmupMs); // measurement window, not synchronisation
            long before = replies.sum();
            long t0 = Clock.system().nanoTime();
            Thread.sleep(durationMs);
            long n = replies.sum() - before;
            return n / ((Clock.system().nanoTime() - t0) / 1e9);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
            for (Thread t : threads) {
                t.join(5_000);
            }
        }
    }
}
