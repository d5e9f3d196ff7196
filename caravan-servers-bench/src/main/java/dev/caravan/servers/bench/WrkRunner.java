package dev.caravan.servers.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs wrk (the Debian package) against an HTTP endpoint and reads its Requests/sec line. One
 * wrk thread ({@code -t1}): on the 2-core bench machine a second wrk thread would take the
 * core the server needs; one thread drives 1024 connections with epoll easily.
 */
final class WrkRunner {
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");

    private WrkRunner() {
    }

    static boolean available() {
        try {
            Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Requests per second of {@code GET /plaintext} with {@code connections} keep-alive connections. */
    static double run(InetSocketAddress target, int connections, long durationMs) throws IOException, InterruptedException {
        long seconds = Math.max(1, Math.round(durationMs / 1000.0));
        List<String> cmd = List.of("wrk", "-t1", "-c" + connections, "-d" + seconds + "s", "--timeout", "5s",
                "http://" + target.getHostString() + ":" + target.getPort() + "/plaintext");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds + 30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("wrk did not finish");
        }
        Matcher m = RPS.matcher(out);
        if (!m.find()) {
            throw new IOException("wrk printed no Requests/sec: " + out.strip());
        }
        return Double.parseDouble(m.group(1));
    }
}
