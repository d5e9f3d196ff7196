package dev.caravan.cli.bench.switching;

import dev.caravan.cli.bench.Tools;
import dev.caravan.core.time.Clock;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The reference balancer: a real HAProxy (Debian's {@code haproxy} 2.6) in front of the same
 * backends, configured with the switch's equivalent: {@code mode http}, {@code balance
 * roundrobin}, keep-alive on both sides ({@code option http-keep-alive}, no {@code httpclose}),
 * idle server connections shared between clients ({@code http-reuse always}, as the switch pools
 * its backend connections), and {@code nbthread} = the switch's event-loop threads (one per core).
 * No logging. A stats socket ({@code level admin}) gives {@code show stat} for the record: the
 * requests each backend served. Runs in the foreground ({@code -db}) as a child process; its
 * output goes to {@code haproxy.log} in the work directory.
 *
 * <p>Threading: one owner starts, queries and closes it.
 */
public final class HaproxyReference implements AutoCloseable {
    private static final long START_TIMEOUT_MS = 15_000;

    private final Process process;
    private final InetSocketAddress listen;
    private final Path statsSocket;
    private final Path config;

    private HaproxyReference(Process process, InetSocketAddress listen, Path statsSocket, Path config) {
        this.process = process;
        this.listen = listen;
        this.statsSocket = statsSocket;
        this.config = config;
    }

    /** The haproxy binary: on PATH or in /usr/sbin (Debian's place, not on every user's PATH). */
    public static Optional<String> binary() {
        Optional<String> onPath = Tools.onPath("haproxy");
        if (onPath.isPresent()) {
            return onPath;
        }
        Path sbin = Path.of("/usr/sbin/haproxy");
        return Files.isExecutable(sbin) ? Optional.of(sbin.toString()) : Optional.empty();
    }

    /** {@code haproxy -v}'s first line, or "unknown". */
    public static String version() {
        try {
            Process p = new ProcessBuilder(binary().orElse("haproxy"), "-v").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return out.lines().findFirst().orElse("unknown").strip();
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /**
     * Writes the configuration, checks it ({@code haproxy -c}) and starts HAProxy on a free
     * loopback port; returns once it accepts connections.
     *
     * @param backends server name → address
     * @throws IOException when the configuration is refused or HAProxy does not start
     */
    public static HaproxyReference start(Map<String, InetSocketAddress> backends, int threads, Path workDir)
            throws IOException, InterruptedException {
        String bin = binary().orElseThrow(() -> new IOException("haproxy is not installed (Debian package haproxy)"));
        Files.createDirectories(workDir);
        int port = freePort();
        InetSocketAddress listen = new InetSocketAddress("127.0.0.1", port);
        Path socket = workDir.resolve("haproxy.sock").toAbsolutePath();
        Files.deleteIfExists(socket);
        Path config = workDir.resolve("haproxy.cfg");
        Files.writeString(config, config(backends, threads, listen, socket));
        Process check = new ProcessBuilder(bin, "-c", "-f", config.toString()).redirectErrorStream(true).start();
        String checkOut = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!check.waitFor(30, TimeUnit.SECONDS) || check.exitValue() != 0) {
            throw new IOException("haproxy refused " + config + ": " + checkOut.strip().replace('\n', ' '));
        }
        Path log = workDir.resolve("haproxy.log");
        Process p = new ProcessBuilder(bin, "-db", "-f", config.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        HaproxyReference h = new HaproxyReference(p, listen, socket, config);
        long deadline = Clock.system().nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (true) {
            if (!p.isAlive()) {
                throw new IOException("haproxy exited with " + p.exitValue() + " at start; see " + log.toAbsolutePath());
            }
            try (Socket s = new Socket()) {
                s.connect(listen, 500);
                if (Files.exists(socket)) {
                    return h;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (Clock.system().nanoTime() > deadline) {
                h.close();
                throw new IOException("haproxy did not listen on " + port + " within " + START_TIMEOUT_MS + " ms; see " + log.toAbsolutePath());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /** The generated configuration (public for the record and for tests). */
    static String config(Map<String, InetSocketAddress> backends, int threads, InetSocketAddress listen, Path statsSocket) {
        StringBuilder b = new StringBuilder();
        b.append("# generated by caravan bench switch: the reference balancer, the switch's equivalent\n");
        b.append("global\n");
        b.append("    nbthread ").append(threads).append('\n');
        b.append("    maxconn 4096\n");
        b.append("    stats socket ").append(statsSocket).append(" mode 600 level admin\n");
        b.append("defaults\n");
        b.append("    mode http\n");
        b.append("    option http-keep-alive\n");
        b.append("    http-reuse always\n");
        b.append("    timeout connect 5s\n");
        b.append("    timeout client 60s\n");
        b.append("    timeout server 60s\n");
        b.append("    timeout http-keep-alive 60s\n");
        b.append("    maxconn 4096\n");
        b.append("frontend bench\n");
        b.append("    bind ").append(listen.getHostString()).append(':').append(listen.getPort()).append('\n');
        b.append("    default_backend replicas\n");
        b.append("backend replicas\n");
        b.append("    balance roundrobin\n");
        for (Map.Entry<String, InetSocketAddress> e : backends.entrySet()) {
            b.append(String.format(Locale.ROOT, "    server %s %s:%d%n", e.getKey(), e.getValue().getHostString(), e.getValue().getPort()));
        }
        return b.toString();
    }

    public InetSocketAddress listen() {
        return listen;
    }

    public Path config() {
        return config;
    }

    /**
     * Requests each server answered so far ({@code show stat}: the {@code stot} column, sessions,
     * and {@code hrsp_2xx}), by server name.
     *
     * @throws IOException when the stats socket does not answer
     */
    public Map<String, Long> responsesPerServer() throws IOException {
        String csv = command("show stat");
        List<String> lines = csv.lines().toList();
        if (lines.isEmpty() || !lines.getFirst().startsWith("# ")) {
            throw new IOException("unexpected 'show stat' answer: " + csv.strip());
        }
        List<String> header = List.of(lines.getFirst().substring(2).split(","));
        int svname = header.indexOf("svname");
        int ok = header.indexOf("hrsp_2xx");
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            if (f.length > Math.max(svname, ok) && f[0].equals("replicas") && !f[svname].equals("BACKEND") && !f[svname].equals("FRONTEND")) {
                out.put(f[svname], f[ok].isEmpty() ? 0 : Long.parseLong(f[ok]));
            }
        }
        return out;
    }

    /** One runtime API command over the stats socket; returns its whole answer. */
    public String command(String command) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(statsSocket));
            ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(16384);
            while (ch.read(buf) >= 0) {
                all.write(buf.array(), 0, buf.position());
                buf.clear();
                if (all.size() > (4 << 20)) {
                    throw new IOException("'" + command + "' answered more than 4 MiB");
                }
            }
            return all.toString(StandardCharsets.UTF_8);
        }
    }

    /** Stops HAProxy (SIGTERM, then SIGKILL after 5 s); an interrupt kills it at once and is kept. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
