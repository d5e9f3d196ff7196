package dev.caravan.cli.bench.migration;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The demo's picture of the dashboard during a migration: runs {@code clients/browser/dashboard-shot.js}
 * (Debian's Chromium through playwright-core), which migrates a process from the page's own form
 * and takes the screenshot once the figure shows the migration and the response times after it.
 * Never fails the demo: when Node.js, the npm package or Chromium is missing it says so in one line.
 */
public final class DashboardScreenshot {
    private static final long TIMEOUT_S = 180;

    private DashboardScreenshot() {
    }

    /**
     * Takes the screenshot; returns the one line to show (what was written, or why nothing was).
     *
     * @param dashboard the dashboard's address
     * @param out       the PNG to write
     */
    public static String take(InetSocketAddress dashboard, String process, String toNode, Path out) throws InterruptedException {
        Path dir = browserDir();
        if (dir == null || !Files.isDirectory(dir.resolve("node_modules/playwright-core"))) {
            return "no dashboard screenshot: clients/browser has no npm packages (run 'npm ci' there; ./caravan demo does)";
        }
        List<String> lines = new ArrayList<>();
        try {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Process p = new ProcessBuilder("node", "dashboard-shot.js", "http://" + dashboard.getHostString() + ":"
                    + dashboard.getPort() + "/", process, toNode, out.toAbsolutePath().toString())
                    .directory(dir.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            Thread reader = Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    r.lines().forEach(lines::add);
                } catch (IOException ignored) {
                    // The script ended.
                }
            });
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "no dashboard screenshot: the browser did not finish within " + TIMEOUT_S + " s";
            }
            reader.join(5000);
        } catch (IOException e) {
            return "no dashboard screenshot: cannot run node (" + e.getMessage() + "); install Node.js 20 or newer";
        }
        return lines.isEmpty() ? "no dashboard screenshot: the browser script printed nothing" : lines.getLast();
    }

    /** {@code clients/browser} of the repository: under {@code caravan.home}, or above the working directory. */
    private static Path browserDir() {
        String home = System.getProperty("caravan.home");
        if (home != null && Files.isDirectory(Path.of(home, "clients", "browser"))) {
            return Path.of(home, "clients", "browser");
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("clients/browser"))) {
                return d.resolve("clients/browser");
            }
        }
        return null;
    }
}
