package dev.caravan.servers.bench;

import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The Java load generator's own JVM, so that its threads, allocation and GC never share the
 * measured server's JVM (in one JVM its virtual threads would share the carrier pool with the
 * virtual-thread model, and its GC pauses would stop every server). Driven by
 * {@link LoadAgentProcess} over stdin/stdout, one command per line, one answer per line:
 *
 * <pre>
 * closed HOST PORT PROTOCOL CONNECTIONS WARMUP_MS DURATION_MS  → ok RPS
 * rate   HOST PORT PROTOCOL CONNECTIONS RATE_PER_S DURATION_MS → ok COMPLETED INCOMPLETE BASE64(compressed HdrHistogram, ns)
 * (anything failing)                                          → err MESSAGE
 * </pre>
 */
public final class LoadAgent {
    private LoadAgent() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            try {
                out.println(run(line.strip().split(" ")));
            } catch (Exception e) {
                out.println("err " + String.valueOf(e).replace('\n', ' '));
            }
        }
    }

    private static String run(String[] c) throws Exception {
        InetSocketAddress target = new InetSocketAddress(c[1], Integer.parseInt(c[2]));
        LoadProtocol protocol = LoadProtocol.valueOf(c[3].toUpperCase(java.util.Locale.ROOT));
        int connections = Integer.parseInt(c[4]);
        return switch (c[0]) {
            case "closed" -> "ok " + ClosedLoopLoad.run(target, protocol, connections, Long.parseLong(c[5]), Long.parseLong(c[6]));
            case "rate" -> {
                ConstantRateLoad.Result r = ConstantRateLoad.run(target, protocol, connections, Double.parseDouble(c[5]), Long.parseLong(c[6]));
                Histogram h = r.histogram();
                ByteBuffer b = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
                int n = h.encodeIntoCompressedByteBuffer(b);
                yield "ok " + r.completed() + " " + r.incomplete() + " " + Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(b.array(), n));
            }
            default -> throw new IllegalArgumentException("unknown command " + c[0]);
        };
    }
}
