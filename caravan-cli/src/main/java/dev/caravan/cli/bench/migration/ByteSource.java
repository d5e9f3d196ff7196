package dev.caravan.cli.bench.migration;

import dev.caravan.core.time.Clock;
import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The sending side of a raw bandwidth measurement against a {@link ByteSink}: 1 MiB writes for a
 * given time, then its side closed, then the sink's byte count awaited, so the figure is bytes the
 * sink actually read ÷ the time until it had read them all. Run in this JVM ({@link #blast}) or as
 * a JVM of its own inside a test host ({@link #main}: arguments {@code HOST PORT DURATION_MS},
 * prints {@code bytesPerSec X}).
 */
public final class ByteSource {
    private ByteSource() {
    }

    public static void main(String[] args) throws IOException {
        double rate = blast(new InetSocketAddress(args[0], Integer.parseInt(args[1])), Long.parseLong(args[2]));
        System.out.println(String.format(Locale.ROOT, "bytesPerSec %.0f", rate));
    }

    /** Sends to the sink at {@code sink} for about {@code durationMs}; returns bytes per second the sink read. */
    public static double blast(InetSocketAddress sink, long durationMs) throws IOException {
        try (SocketChannel c = SocketChannel.open(sink)) {
            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            long start = Clock.system().nanoTime();
            long end = start + TimeUnit.MILLISECONDS.toNanos(durationMs);
            long sent = 0;
            while (Clock.system().nanoTime() < end) {
                buf.clear();
                while (buf.hasRemaining()) {
                    sent += c.write(buf);
                }
            }
            c.shutdownOutput();
            ByteBuffer reply = ByteBuffer.allocate(8);
            while (reply.hasRemaining() && c.read(reply) >= 0) {
                // Until the sink has counted everything.
            }
            long elapsed = Clock.system().nanoTime() - start;
            long received = reply.flip().remaining() == 8 ? reply.getLong() : -1;
            if (received != sent) {
                throw ErrorCode.INTERNAL.exception("the sink read " + received + " bytes of " + sent);
            }
            return received * 1e9 / elapsed;
        }
    }
}
