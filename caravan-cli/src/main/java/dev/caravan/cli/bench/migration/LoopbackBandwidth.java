package dev.caravan.cli.bench.migration;

import dev.caravan.wire.ErrorCode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
            return ByteSource.blast(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), durationMs);
        } finally {
            sink.destroy();
            if (!sink.waitFor(5, TimeUnit.SECONDS)) {
                sink.destroyForcibly();
            }
        }
    }

    static String javaBinary() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
