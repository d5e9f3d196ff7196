package dev.caravan.systemtests;

import dev.caravan.testsupport.CaravanCluster;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web dashboard in a real browser: Debian's Chromium, headless, driven by playwright-core
 * ({@code clients/browser/dashboard-check.js}, installed by {@code ./caravan test}) against a live
 * cluster of three nodes and the dashboard. The script checks that the page shows the three nodes
 * and the process; that a migration started from the page's form commits and is drawn (points
 * after it, its span and its downtime marked in the figure); and that the node drained from the
 * page empties; and that an idle second process the page does not draw gets no call from the
 * dashboard (its commands served do not rise). Screenshots of failed checks go to {@code target/dashboard-screenshots}.
 */
class DashboardBrowserTest {
    private static final long SCRIPT_TIMEOUT_S = 300;

    @Test
    void shouldShowNodesMigrateAndDrainFromThePageInARealBrowser() throws Exception {
        Path browserDir = clientsDir().resolve("browser");
        assertThat(browserDir.resolve("node_modules/playwright-core"))
                .as("clients/browser's npm packages: run ./caravan test, or 'npm ci' in clients/browser").isDirectory();
        assertThat(Path.of("/usr/bin/chromium")).as("Debian's chromium: run ./caravan test, or apt-get install chromium")
                .isExecutable();
        Path screenshots = Path.of("target", "dashboard-screenshots").toAbsolutePath();
        Files.createDirectories(screenshots);
        try (CaravanCluster cluster = CaravanCluster.aCluster().withNodes(3).withDashboard().start()) {
            cluster.deployKv("kv1", "n1");
            // Idle, never drawn (the page draws kv1) and never moved (kv1 goes to n2, then n2 is drained):
            // the dashboard must not call it.
            cluster.deployKv("kv2", "n3");
            long kv2Served = served(cluster, "n3", "kv2");
            String url = "http://" + cluster.local().dashboardAddress().getHostString() + ":"
                    + cluster.local().dashboardAddress().getPort() + "/";

            Process p = new ProcessBuilder("node", "dashboard-check.js", url, "--nodes", "3", "--process", "kv1",
                    "--screenshots", screenshots.toString()).directory(browserDir.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            List<String> lines = Collections.synchronizedList(new ArrayList<>());
            Thread reader = Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    r.lines().forEach(lines::add);
                } catch (IOException ignored) {
                    // The script ended.
                }
            });
            boolean ended = p.waitFor(SCRIPT_TIMEOUT_S, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly();
            }
            reader.join(5000);
            String output = String.join("\n", lines);
            assertThat(ended).as("the browser checks ended within %d s:%n%s", SCRIPT_TIMEOUT_S, output).isTrue();
            assertThat(p.exitValue()).as("browser checks:%n%s", output).isZero();
            assertThat(lines).as(output).contains("all dashboard checks passed")
                    .anyMatch(l -> l.startsWith("PASS nodes-and-process"))
                    .anyMatch(l -> l.startsWith("PASS migrate"))
                    .anyMatch(l -> l.startsWith("PASS migration-drawn"))
                    .anyMatch(l -> l.startsWith("PASS drain"));
            String drained = lines.stream().filter(l -> l.startsWith("PASS drain ")).findFirst().orElseThrow().split(" ")[2];
            assertThat(cluster.control(drained).list()).as("what the drained node %s still hosts, asked directly", drained).isEmpty();
            assertThat(cluster.client().resolve("kv1").orElseThrow().node()).as("where kv1 runs now").isNotEqualTo(drained);
            assertThat(served(cluster, "n3", "kv2")).as("commands kv2 served while the page drew kv1: the dashboard's probe "
                    + "calls only the process drawn").isEqualTo(kv2Served);
        }
    }

    private static long served(CaravanCluster cluster, String node, String process) {
        return cluster.control(node).list().stream().filter(p -> p.name().equals(process)).findFirst().orElseThrow()
                .commandsServed();
    }

    private static Path clientsDir() throws IOException {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("clients/README.md"))) {
                return d.resolve("clients");
            }
        }
        throw new IOException("no clients/README.md above " + Path.of("").toAbsolutePath());
    }
}
