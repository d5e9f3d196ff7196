package dev.caravan.switching.handoff;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fallback distributor when a handoff is not possible (the backend's node is on another
 * host, has no handoff socket, or refused): the switch stays in the path and copies bytes both
 * ways between the client and the backend's data endpoint, after sending the bytes it already
 * read. A plain relay on two virtual threads; half-closes are passed on, and the pair is closed
 * when both directions ended or either failed.
 *
 * <p>Threading: {@link #run} blocks the calling thread until the relay ends.
 */
final class Splice {
    private static final int BUFFER_BYTES = 16 * 1024;

    private Splice() {
    }

    /**
     * Connects to {@code backend} and relays until both sides are done. Closes {@code client}.
     *
     * @param copied counts the bytes relayed, both ways
     * @throws IOException when the backend cannot be reached (then nothing was sent to it and the client is still open)
     */
    static void run(SocketChannel client, byte[] alreadyRead, InetSocketAddress backend, AtomicLong copied) throws IOException {
        SocketChannel server = SocketChannel.open(backend);
        try (client; server) {
            server.socket().setTcpNoDelay(true);
            client.socket().setTcpNoDelay(true);
            server.write(ByteBuffer.wrap(alreadyRead));
            Thread up = Thread.ofVirtual().name("splice-up").start(() -> pump(client, server, copied));
            pump(server, client, copied);
            try {
                up.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void pump(SocketChannel from, SocketChannel to, AtomicLong copied) {
        ByteBuffer buf = ByteBuffer.allocate(BUFFER_BYTES);
        try {
            while (from.read(buf) >= 0) {
                buf.flip();
                copied.addAndGet(buf.remaining());
                while (buf.hasRemaining()) {
                    to.write(buf);
                }
                buf.clear();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // One side failed: end both, so the other direction's thread returns too.
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // Best effort.
        }
    }
}
