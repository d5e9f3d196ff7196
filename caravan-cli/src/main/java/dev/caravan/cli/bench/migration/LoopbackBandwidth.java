package dev.caravan.cli.bench.migration;

import dev.caravan.core.time.Clock;
import dev.caravan.wire.ErrorCode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The reference every migration figure is held against: raw TCP bandwidth over loopback between
 * two JVMs. A {@link ByteSink} JVM is started from this JVM's class path; this JVM blasts 1 MiB
 * writes at it for a few seconds, closes its side, and waits for the sink's byte count, so the
 * figure is bytes the other JVM actually read ÷ the time until it had read them all.
 */
public final class LoopbackBandwidth {
    private LoopbackBandwidth() {
    }

    /** Bytes per second over loopback, measured for about {@code durationMs}. */
    public static double measure(long durationMs) throws IOException, InterruptedException {
        Process sink = new ProcessBuilder(List.of(javaBinary(), "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                ByteSink.class.getName())).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(sink.getInputStream(), StandardCharsets.US_ASCII));
            String line = out.readLine();
            if (line == null || !line.startsWith("port ")) {
                throw ErrorCode.UNAVAILABLE.exception("the byte sink JVM did not start: " + line);
            }
            int port = Integer.parseInt(line.substring(5).trim());
            try (SocketChannel c = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
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
        } finally {
            sink.destroy();
            if (!sink.waitFor(5, TimeUnit.SECONDS)) {
                sink.destroyForcibly();
            }
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
