package dev.caravan.systemtests.clients;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * A private redis-server (the Debian package) on 127.0.0.1 and a free port, without persistence, optionally with
 * {@code requirepass}; killed on close. The client checks run against it first, so that a check that fails on Caravan
 * is known to pass on the real thing.
 */
final class RedisServerProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    private RedisServerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts one.
     *
     * @param password the {@code requirepass}, or null for none
     */
    static RedisServerProcess start(String password) throws IOException {
        Path exe = findOnPath();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(exe.toString(), "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"));
        if (password != null) {
            cmd.addAll(List.of("--requirepass", password));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
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

    private static Path findOnPath() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, "redis-server");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IllegalStateException("redis-server is not on PATH: the client checks run against it first. "
                + "Install it (Debian: apt-get install redis-server, or run ./caravan test, which installs it).");
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
