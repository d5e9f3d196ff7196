package dev.caravan.cli.bench.migration;

import dev.caravan.launch.DaemonPlace;
import dev.caravan.wire.ErrorCode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The reference of a migration between hosts: raw TCP bandwidth from one {@link DaemonPlace} to
 * another, a JVM in each ({@link ByteSource} in {@code from}, {@link ByteSink} in {@code to}, each
 * started with its place's command prefix), over the same link (and its latency and bandwidth cap)
 * that migrations between nodes there use. As {@link LoopbackBandwidth}, but between hosts.
 */
public final class HostBandwidth {
    private HostBandwidth() {
    }

    /** Bytes per second from {@code from} to {@code to}, measured for about {@code durationMs}. */
    public static double measure(DaemonPlace from, DaemonPlace to, long durationMs) throws IOException, InterruptedException {
        Process sink = jvm(to, ByteSink.class, List.of(to.bindAddress())).start();
        try {
            String port = firstLine(sink, "port ");
            Process source = jvm(from, ByteSource.class, List.of(to.bindAddress(), port, Long.toString(durationMs))).start();
            try {
                return Double.parseDouble(firstLine(source, "bytesPerSec "));
            } finally {
                stop(source);
            }
        } finally {
            stop(sink);
        }
    }

    private static ProcessBuilder jvm(DaemonPlace at, Class<?> main, List<String> args) {
        List<String> cmd = new ArrayList<>(at.commandPrefix());
        cmd.addAll(List.of(LoopbackBandwidth.javaBinary(), "-Xmx64m", "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
    }

    /** The value after {@code prefix} on the process's first output line. */
    private static String firstLine(Process p, String prefix) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
        String line = out.readLine();
        if (line == null || !line.startsWith(prefix)) {
            throw ErrorCode.UNAVAILABLE.exception("the bandwidth probe JVM did not answer (" + line + "); is the link up?");
        }
        return line.substring(prefix.length()).trim();
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }
}
