package dev.caravan.node.sandbox;

import dev.caravan.naming.NamingSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A host JVM killed with SIGKILL leaves no sandbox JVM behind: the sandbox exits when its stdin ends. */
class SandboxOrphanTest {
    @TempDir
    Path tmp;

    @Test
    void shouldEndTheSandboxWhenItsHostIsKilled() throws Exception {
        String id = "killed-" + ProcessHandle.current().pid();
        try (SandboxFixture fx = new SandboxFixture(tmp)) {
            Process host = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), KilledHostMain.class.getName(),
                    NamingSpec.embedded(fx.server.address()).toString(), id, tmp.resolve(id).toString()))
                    .redirectErrorStream(true).start();
            long sandboxPid;
            try {
                // Bounded: a host that hangs before its sandbox starts fails the test instead of stalling the build.
                java.util.concurrent.CompletableFuture<Long> started = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return sandboxPid(host);
                    } catch (Exception e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                }, r -> Thread.ofPlatform().daemon(true).start(r));
                sandboxPid = started.get(90, TimeUnit.SECONDS);
                assertThat(ProcessHandle.of(sandboxPid).map(ProcessHandle::isAlive)).contains(true);
            } finally {
                host.destroyForcibly();
            }
            assertThat(host.waitFor(30, TimeUnit.SECONDS)).isTrue();
            await().atMost(30, TimeUnit.SECONDS).until(() -> !ProcessHandle.of(sandboxPid).map(ProcessHandle::isAlive).orElse(false));
        } finally {
            // The host died before it could remove its (now empty) cgroups.
            for (String c : SandboxCgroup.CONTROLLERS) {
                Path g = SandboxCgroup.groupDir(SandboxSettings.DEFAULT_CGROUP_ROOT, c, id, "o");
                if (Files.exists(g)) {
                    Files.delete(g);
                    Files.deleteIfExists(g.getParent());
                }
            }
        }
    }

    private static long sandboxPid(Process host) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith("SANDBOX ")) {
                long pid = Long.parseLong(line.substring("SANDBOX ".length()).trim());
                // Keep draining the host's output so it never blocks on a full pipe.
                Thread.ofPlatform().daemon(true).start(() -> out.lines().forEach(l -> { }));
                return pid;
            }
            seen.append(line).append('\n');
        }
        throw new AssertionError("the host ended without starting its sandbox:\n" + seen);
    }
}
