package dev.caravan.launch.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Waits until a link change has taken effect. {@code ip link set … up} returns before the kernel's
 * link watcher has activated the interface's queue and before a bridge port forwards; a frame
 * sent in between is dropped (an ARP request lost there costs a connect a one-second retransmit).
 */
final class LinkState {
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);
    private static final String BRIDGE_PORT_FORWARDING = "3";

    private LinkState() {
    }

    /** Waits until {@code link}'s operational state is up (carrier on, queue active). */
    static void awaitUp(String link) throws IOException {
        await(link, "operstate", "up");
    }

    /** Waits until bridge port {@code link} is up and forwarding. */
    static void awaitForwarding(String link) throws IOException {
        awaitUp(link);
        await(link, "brport/state", BRIDGE_PORT_FORWARDING);
    }

    private static void await(String link, String attribute, String expected) throws IOException {
        Path file = Path.of("/sys/class/net", link, attribute);
        long deadline = System.nanoTime() + TIMEOUT_NS;
        String value = "";
        while (true) {
            try {
                value = Files.readString(file).strip();
            } catch (NoSuchFileException e) {
                value = "(missing)";
            }
            if (value.equals(expected)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(file + " is " + value + ", not " + expected + ", after "
                        + TimeUnit.NANOSECONDS.toSeconds(TIMEOUT_NS) + " s");
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + file, e);
            }
        }
    }
}
