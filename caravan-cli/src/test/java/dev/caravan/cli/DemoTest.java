package dev.caravan.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code caravan demo} end to end, and that it leaves no JVM behind. */
@Tag("slow")
class DemoTest {
    @Test
    void shouldRunDemoAndLeaveNoChildJvmAlive(@TempDir Path workDir) {
        Set<Long> before = ProcessHandle.current().descendants().map(ProcessHandle::pid).collect(Collectors.toSet());
        // Sample descendants while the demo runs: they may all be gone by the time it returns.
        Map<Long, ProcessHandle> started = new ConcurrentHashMap<>();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> ProcessHandle.current().descendants()
                .filter(p -> !before.contains(p.pid())).forEach(p -> started.putIfAbsent(p.pid(), p)), 0, 20, TimeUnit.MILLISECONDS);
        Console.Result demo;
        try {
            demo = Console.run("demo", "--keys", "2000", "--requests", "5000", "--work-dir", workDir.toString(),
                    "--screenshot", workDir.resolve("dashboard-migration.png").toString());
        } finally {
            sampler.shutdownNow();
        }

        assertThat(demo.exitCode()).as(demo.err()).isZero();
        assertThat(demo.out()).contains("deployed the Redis-compatible process kv1").contains("done in")
                .contains("clients connect through the switch at 127.0.0.1:").contains("dashboard http://127.0.0.1:");
        assertThat(workDir.resolve("dashboard-migration.png")).as("the dashboard's screenshot during a migration:%n%s", demo.out())
                .isNotEmptyFile();
        assertThat(started).as("naming and three node JVMs were seen running").hasSizeGreaterThanOrEqualTo(4);
        await("every JVM the demo started has exited").atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(started.values()).noneMatch(ProcessHandle::isAlive));
        assertThat(ProcessHandle.current().descendants().filter(p -> !before.contains(p.pid())).toList())
                .as("no new descendant processes remain").isEmpty();
    }
}
