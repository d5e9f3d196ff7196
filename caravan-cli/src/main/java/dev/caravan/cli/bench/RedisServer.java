package dev.caravan.cli.bench;

import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real redis-server on loopback, as the reference in benchmarks. Persistence is off. */
public final class RedisServer implements AutoCloseable {
    private final Process process;
    private final int port;
    /** Stops the server if this JVM is stopped (Ctrl-C) before {@link #close}: it is not a daemon of ours otherwise. */
    private final Thread onExit;

    private RedisServer(Process process, int port) {
        this.process = process;
        this.port = port;
        this.onExit = new Thread(process::destroy, "redis-server-stop");
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    /** Starts redis-server on a free loopback port and waits until it answers PING. */
    public static RedisServer start(Path logFile) throws IOException, InterruptedException {
        String bin = Tools.onPath("redis-server").orElseThrow(() -> ErrorCode.NOT_FOUND.exception(
                "redis-server is not installed (Debian package redis-server); ./caravan installs it"));
        int port = freePort();
        Process p = new ProcessBuilder(List.of(bin, "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "yes"))
                .redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
        RedisServer s = new RedisServer(p, port);
        for (int i = 0; i < 200; i++) {
            if (s.pings()) {
                return s;
            }
            if (!p.isAlive()) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(25);
        }
        s.close();
        throw ErrorCode.UNAVAILABLE.exception("redis-server did not start; see " + logFile);
    }

    private boolean pings() {
        try (Socket sock = new Socket()) {
            sock.connect(new InetSocketAddress("127.0.0.1", port), 200);
            OutputStream out = sock.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = sock.getInputStream();
            byte[] b = new byte[7];
            int n = in.read(b);
            return n > 0 && new String(b, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    /** The server's process id (for its CPU time). */
    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException alreadyStopping) {
            // This JVM is exiting: the hook stops the server.
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
