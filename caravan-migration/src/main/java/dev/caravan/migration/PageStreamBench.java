package dev.caravan.migration;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.time.Clock;
import dev.caravan.wire.security.TransportSecurity;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Measures a migration page stream alone: one full round of {@code stateBytes} of filled pages
 * from a {@link PageStreamSender} to a {@link PageStreamReceiver} over loopback, in this JVM (a
 * sender thread and the receiver's reader thread), plaintext or TLS. What {@code caravan bench
 * migration --tls} compares; the memory is allocated once per call and freed after.
 */
public final class PageStreamBench {
    private PageStreamBench() {
    }

    /**
     * One measured round: bytes of pages (headers excluded) per second, the stream's set-up time
     * (TCP connect + TLS handshake), and the CPU time per byte of the sending thread and of the
     * receiver's reader thread (where the time goes: the difference from plaintext is the cipher
     * and its copies).
     */
    public record Round(double bytesPerSec, double setupMs, double senderCpuNsPerByte, double receiverCpuNsPerByte) {
    }

    /**
     * Sends every page of a {@code stateBytes} memory once from {@code sender} to {@code receiver}
     * (both plaintext, or both TLS identities of one CA) and returns the rate the sender saw up
     * to the receiver's acknowledgement of the round.
     */
    public static Round measure(long stateBytes, TransportSecurity sender, TransportSecurity receiver) throws IOException {
        int page = PagedMemory.DEFAULT_PAGE_SIZE_BYTES;
        PagedMemory source = new PagedMemory(stateBytes, page);
        PagedMemory target = new PagedMemory(stateBytes, page);
        byte[] bytes = new byte[page];
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (long p = 0; p < source.pageCapacity(); p++) {
            for (int i = 0; i < page; i += 8) {
                long v = r.nextLong();
                for (int k = 0; k < 8; k++) {
                    bytes[i + k] = (byte) (v >>> (8 * k));
                }
            }
            source.installPage(p, bytes);
        }
        Clock clock = Clock.system();
        try (PageStreamReceiver in = new PageStreamReceiver("127.0.0.1", target, "bench", n -> { }, receiver)) {
            long t0 = clock.nanoTime();
            try (PageStreamSender out = new PageStreamSender(new InetSocketAddress("127.0.0.1", in.port()), in.nonce(), source,
                    clock, 30_000, sender)) {
                double setupMs = (clock.nanoTime() - t0) / 1e6;
                java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
                long sender0 = threads.getCurrentThreadCpuTime();
                long receiver0 = threads.getThreadCpuTime(in.reader().threadId());
                out.send(source.allocatedPageBitmap(), p -> false, n -> { });
                double sent = (double) source.pageCapacity() * page;
                return new Round(out.bandwidthBytesPerSec(), setupMs, (threads.getCurrentThreadCpuTime() - sender0) / sent,
                        (threads.getThreadCpuTime(in.reader().threadId()) - receiver0) / sent);
            } finally {
                in.closeAndAwait();
            }
        } finally {
            source.close();
            target.close();
        }
    }
}
