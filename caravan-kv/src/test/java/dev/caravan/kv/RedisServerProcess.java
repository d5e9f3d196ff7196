package dev.caravan.kv;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.awaitility.Awaitility.await;

/** A private redis-server on 127.0.0.1 and a free port, without persistence; killed on close. */
final class RedisServerProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    private RedisServerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The redis-server on PATH, or an explanation of how to get one. */
    static Path findOnPath() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, "redis-server");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IllegalStateException("redis-server is not on PATH: the differential test compares kv with it. "
                + "Install it (Debian: apt-get install redis-server, or run ./caravan test, which installs it).");
    }

    static RedisServerProcess start() throws IOException {
        return start(new String[0]);
    }

    /** With more redis-server options, such as {@code "--requirepass", "secret"}. */
    static RedisServerProcess start(String... options) throws IOException {
        Path exe = findOnPath();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(exe.toString(), "--port",
                Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"));
        command.addAll(java.util.List.of(options));
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        RedisServerProcess server = new RedisServerProcess(p, port);
        try {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
                if (!p.isAlive()) {
                    throw new IllegalStateException("redis-server exited with " + p.exitValue());
                }
                try (Socket probe = new Socket("127.0.0.1", port)) {
                    return probe.isConnected();
                } catch (IOException notYet) {
                    return false;
                }
            });
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    int port() {
        return port;
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
