package dev.caravan.servers.bench;

import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;

/**
 * The parent's handle on a {@link LoadAgent} child JVM (same JDK, same class path). One command
 * at a time; not thread-safe. Closing ends the child's stdin, which ends it.
 */
final class LoadAgentProcess implements AutoCloseable {
    private final Process process;
    private final Writer toAgent;
    private final BufferedReader fromAgent;

    LoadAgentProcess() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(List.of(java, "-Xms256m", "-Xmx1g", "-XX:+UseParallelGC",
                "-cp", System.getProperty("java.class.path"), LoadAgent.class.getName()))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        toAgent = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        fromAgent = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Replies per second of a closed-loop run (see {@link ClosedLoopLoad}). */
    double closedLoop(InetSocketAddress target, LoadProtocol protocol, int connections, long warmupMs, long durationMs) throws IOException {
        String[] r = call("closed " + target.getHostString() + " " + target.getPort() + " " + protocol.cliName() + " " + connections
                + " " + warmupMs + " " + durationMs);
        return Double.parseDouble(r[1]);
    }

    /** A constant-rate latency run (see {@link ConstantRateLoad}). */
    ConstantRateLoad.Result constantRate(InetSocketAddress target, LoadProtocol protocol, int connections, double ratePerSec, long durationMs)
            throws IOException {
        String[] r = call("rate " + target.getHostString() + " " + target.getPort() + " " + protocol.cliName() + " " + connections
                + " " + ratePerSec + " " + durationMs);
        try {
            Histogram h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(r[3])), TimeUnit.SECONDS.toNanos(60));
            return new ConstantRateLoad.Result(h, Long.parseLong(r[1]), Long.parseLong(r[2]));
        } catch (DataFormatException e) {
            throw new IOException("load agent sent a bad histogram", e);
        }
    }

    private String[] call(String command) throws IOException {
        toAgent.write(command + "\n");
        toAgent.flush();
        String line = fromAgent.readLine();
        if (line == null) {
            throw new IOException("load agent JVM ended (exit " + (process.isAlive() ? "?" : process.exitValue()) + ")");
        }
        if (!line.startsWith("ok ")) {
            throw new IOException("load agent: " + line);
        }
        return line.split(" ");
    }

    @Override
    public void close() {
        try {
            toAgent.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
