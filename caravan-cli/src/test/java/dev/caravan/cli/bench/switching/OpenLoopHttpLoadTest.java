package dev.caravan.cli.bench.switching;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The constant-rate generator against a tiny keep-alive HTTP server on loopback that can stall:
 * a stall must show in the percentiles as the queue it causes (coordinated omission corrected).
 */
class OpenLoopHttpLoadTest {
    /** Answers every request with 200 "ok"; the {@code stallAt}-th request waits until {@code release} opens. */
    private static final class StallingServer implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger requests = new AtomicInteger();
        final CountDownLatch stalled = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final int stallAt;

        StallingServer(int stallAt) throws IOException {
            this.stallAt = stallAt;
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread.ofVirtual().start(() -> serve(s));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        void serve(Socket s) {
            try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1))) {
                OutputStream out = s.getOutputStream();
                String line;
                while ((line = in.readLine()) != null) {
                    if (!line.isEmpty()) {
                        continue;
                    }
                    if (requests.incrementAndGet() == stallAt) {
                        stalled.countDown();
                        release.await(10, TimeUnit.SECONDS);
                    }
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // client gone
            }
        }

        InetSocketAddress address() {
            return new InetSocketAddress("127.0.0.1", server.getLocalPort());
        }

        @Override
        public void close() throws IOException {
            release.countDown();
            server.close();
        }
    }

    @Test
    void shouldSendOnScheduleAndMeasureFastRepliesAsFast() throws Exception {
        try (StallingServer s = new StallingServer(Integer.MAX_VALUE)) {
            OpenLoopHttpLoad.Result r = OpenLoopHttpLoad.run(List.of(s.address()), "/", 4, 400, 1000, 5000);
            assertThat(r.errors()).isZero();
            assertThat(r.unsent()).isZero();
            assertThat(r.scheduled()).isEqualTo(400);
            assertThat(r.completed()).isEqualTo(400);
            assertThat(s.requests.get()).isEqualTo(400);
            assertThat(r.quantileMs(0.5)).as("an idle loopback server answers in well under 50 ms").isLessThan(50);
        }
    }

    @Test
    void shouldChargeAStallToEveryRequestScheduledDuringIt() throws Exception {
        try (StallingServer s = new StallingServer(20)) {
            // one connection at 200 req/s: a request every 5 ms; request 20 stalls ~400 ms, so ~80 slots pass during it
            Thread releaser = Thread.ofVirtual().start(() -> {
                try {
                    s.stalled.await(10, TimeUnit.SECONDS);
                    Thread.sleep(400); // the stall being measured, not synchronisation
                    s.release.countDown();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            OpenLoopHttpLoad.Result r = OpenLoopHttpLoad.run(List.of(s.address()), "/", 1, 200, 1500, 5000);
            releaser.join();
            assertThat(r.errors()).isZero();
            assertThat(r.scheduled()).isEqualTo(300);
            // Without the correction only 1 of 300 requests (0.3 %) would be slow and p90 would be tiny;
            // with it, the ~80 requests queued behind the stall (over 20 %) are charged their wait.
            assertThat(r.quantileMs(0.90)).as("p90").isGreaterThan(100);
            assertThat(r.histogram().getMaxValue() / 1000.0).as("max ms").isGreaterThan(350);
        }
    }
}
