package dev.caravan.cli.bench.migration;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The receiving JVM of {@link LoopbackBandwidth} and {@link HostBandwidth}: accepts one connection
 * on loopback (or on the address given as its one argument), prints {@code port N} when listening,
 * reads and discards until EOF, then answers with the byte count (8 bytes, big-endian) and exits.
 */
public final class ByteSink {
    private ByteSink() {
    }

    public static void main(String[] args) throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(args.length > 0 ? InetAddress.getByName(args[0]) : InetAddress.getLoopbackAddress(), 0));
            System.out.println("port " + ((InetSocketAddress) server.getLocalAddress()).getPort());
            System.out.flush();
            try (SocketChannel c = server.accept()) {
                ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
                long total = 0;
                int n;
                while ((n = c.read(buf)) >= 0) {
                    total += n;
                    buf.clear();
                }
                ByteBuffer reply = ByteBuffer.allocate(8).putLong(total).flip();
                while (reply.hasRemaining()) {
                    c.write(reply);
                }
            }
        }
    }
}
