package dev.caravan.migration;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.time.Clock;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.security.TransportSecurity;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** A migration page stream over TLS 1.3: pages arrive intact; peers without a node certificate of the cluster's CA are refused. */
class PageStreamTlsTest {
    private static final int PAGE = PagedMemory.DEFAULT_PAGE_SIZE_BYTES;
    private static final long BYTES = 8L << 20;

    @TempDir
    static Path dir;
    private static TransportSecurity nodeA;
    private static TransportSecurity nodeB;
    private static TransportSecurity operator;
    private static TransportSecurity foreignNode;

    @BeforeAll
    static void certificates() throws Exception {
        Path ca = TlsTestCertificates.ca(dir.resolve("ca"));
        nodeA = TransportSecurity.mutualTls(TlsTestCertificates.issue(ca, "n1", "node"));
        nodeB = TransportSecurity.mutualTls(TlsTestCertificates.issue(ca, "n2", "node"));
        operator = TransportSecurity.mutualTls(TlsTestCertificates.issue(ca, "alice", "operator"));
        Path other = TlsTestCertificates.ca(dir.resolve("other-ca"));
        foreignNode = TransportSecurity.mutualTls(TlsTestCertificates.issue(other, "n1", "node"));
    }

    @Test
    void shouldDeliverEveryPageIntactOverTlsAcrossRounds() throws Exception {
        PagedMemory source = filled(new PagedMemory(BYTES, PAGE), 1);
        PagedMemory target = new PagedMemory(BYTES, PAGE);
        AtomicInteger progress = new AtomicInteger();
        try (PageStreamReceiver receiver = new PageStreamReceiver("127.0.0.1", target, "p", n -> progress.incrementAndGet(), nodeB);
             PageStreamSender sender = new PageStreamSender(new InetSocketAddress("127.0.0.1", receiver.port()), receiver.nonce(),
                     source, Clock.system(), 10_000, nodeA)) {
            long all = sender.send(source.allocatedPageBitmap(), p -> false, n -> { });
            assertThat(all).isEqualTo(source.pageCapacity());
            source.clearDirty();
            // A second round: a few pages rewritten (not a whole chunk), sent by the scattering path.
            Random r = new Random(7);
            for (int i = 0; i < 300; i++) {
                source.putLong((long) r.nextInt((int) source.pageCapacity()) * PAGE + 8L * r.nextInt(PAGE / 8), r.nextLong());
            }
            long dirty = sender.send(source.takeDirtyPages(), p -> false, n -> { });
            assertThat(dirty).isBetween(1L, 300L);
            assertThat(sender.bytesSent()).isGreaterThan(BYTES);
        }
        assertSameBytes(source, target);
        assertThat(progress.get()).isGreaterThan(2);
    }

    @Test
    void shouldRefuseASenderWithoutANodeCertificate() throws Exception {
        assertRefused(operator);
    }

    @Test
    void shouldRefuseASenderFromAnotherCa() throws Exception {
        assertRefused(foreignNode);
    }

    @Test
    void shouldRefuseAPlaintextSenderToATlsReceiver() throws Exception {
        assertRefused(TransportSecurity.plaintext());
    }

    @Test
    void shouldRefuseAReceiverWithoutANodeCertificate() throws Exception {
        PagedMemory source = filled(new PagedMemory(1 << 20, PAGE), 3);
        PagedMemory target = new PagedMemory(1 << 20, PAGE);
        try (PageStreamReceiver receiver = new PageStreamReceiver("127.0.0.1", target, "p", n -> { }, operator)) {
            Throwable t = catchThrowable(() -> new PageStreamSender(new InetSocketAddress("127.0.0.1", receiver.port()),
                    receiver.nonce(), source, Clock.system(), 5_000, nodeA).close());
            assertThat(t).isInstanceOf(javax.net.ssl.SSLException.class).hasMessageContaining("needs a node certificate");
        }
    }

    /** The sender gets no acknowledged round and the receiver writes no page. */
    private static void assertRefused(TransportSecurity sender) throws Exception {
        PagedMemory source = filled(new PagedMemory(1 << 20, PAGE), 2);
        PagedMemory target = new PagedMemory(1 << 20, PAGE);
        try (PageStreamReceiver receiver = new PageStreamReceiver("127.0.0.1", target, "p", n -> { }, nodeB)) {
            Throwable t = catchThrowable(() -> {
                try (PageStreamSender s = new PageStreamSender(new InetSocketAddress("127.0.0.1", receiver.port()),
                        receiver.nonce(), source, Clock.system(), 5_000, sender)) {
                    s.send(source.allocatedPageBitmap(), p -> false, n -> { });
                }
            });
            assertThat(t).isNotNull();
            if (t instanceof CaravanException c) {
                assertThat(c.code()).isNotEqualTo(dev.caravan.wire.ErrorCode.TIMEOUT);
            } else {
                assertThat(t).isInstanceOf(java.io.IOException.class);
            }
            receiver.closeAndAwait();
        }
        assertThat(target.allocatedPages()).isZero();
    }

    private static PagedMemory filled(PagedMemory m, long seed) {
        Random r = new Random(seed);
        byte[] page = new byte[PAGE];
        for (long p = 0; p < m.pageCapacity(); p++) {
            r.nextBytes(page);
            m.installPage(p, page);
        }
        return m;
    }

    private static void assertSameBytes(PagedMemory expected, PagedMemory actual) {
        byte[] a = new byte[PAGE];
        byte[] b = new byte[PAGE];
        for (long p = 0; p < expected.pageCapacity(); p++) {
            expected.readPage(p, a);
            actual.readPage(p, b);
            assertThat(b).as("page %d", p).isEqualTo(a);
        }
    }
}
