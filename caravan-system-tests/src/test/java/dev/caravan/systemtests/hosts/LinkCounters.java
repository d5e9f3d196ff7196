package dev.caravan.systemtests.hosts;

import dev.caravan.launch.net.TestHost;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Bytes a test host sent and received over its link, read from the kernel's counters of the
 * root-namespace end of its veth ({@link TestHost#linkName()}): what that end received, the host
 * sent, and the other way round. Proof that traffic went over the bridge rather than loopback.
 */
record LinkCounters(long sentBytes, long receivedBytes) {
    static LinkCounters of(TestHost host) {
        Path stats = Path.of("/sys/class/net", host.linkName(), "statistics");
        try {
            return new LinkCounters(Long.parseLong(Files.readString(stats.resolve("rx_bytes")).strip()),
                    Long.parseLong(Files.readString(stats.resolve("tx_bytes")).strip()));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the counters of " + host, e);
        }
    }

    /** What moved since {@code before}. */
    LinkCounters since(LinkCounters before) {
        return new LinkCounters(sentBytes - before.sentBytes, receivedBytes - before.receivedBytes);
    }
}
