package dev.caravan.node.sandbox;

import dev.caravan.wire.CaravanException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Sandbox settings, names and what happens where cgroup v1 is missing. */
class SandboxSettingsTest {
    @TempDir
    Path tmp;

    @Test
    void shouldRefuseACgroupRootWithoutV1HierarchiesAndLeaveNothingBehind() throws IOException {
        Files.createDirectories(tmp.resolve("cpu"));
        Files.createFile(tmp.resolve("cpu/cgroup.procs"));
        assertThatThrownBy(() -> SandboxCgroup.create(tmp, "n1", "acme", 50, 1 << 30, 1024))
                .isInstanceOf(IOException.class).hasMessageContaining("no cgroup v1 hierarchy " + tmp.resolve("memory"));
        assertThat(tmp.resolve("cpu/caravan")).doesNotExist();
        assertThat(tmp.resolve("memory")).doesNotExist();
    }

    @Test
    void shouldParseCpuAndCheckSizes() {
        assertThat(SandboxSettings.parseCpuPercent("50%")).isEqualTo(50);
        assertThat(SandboxSettings.parseCpuPercent("150")).isEqualTo(150);
        assertThatThrownBy(() -> SandboxSettings.parseCpuPercent("half")).isInstanceOf(CaravanException.class)
                .hasMessage("--sandbox-cpu: 'half' is not a percentage such as 50%");
        assertThatThrownBy(() -> SandboxSettings.defaults("h:1").withCpuPercent(0)).isInstanceOf(CaravanException.class);
        assertThatThrownBy(() -> SandboxSettings.defaults("h:1").withHeapBytes(1 << 20)).isInstanceOf(CaravanException.class)
                .hasMessageContaining("--sandbox-heap must be at least 16m");
        SandboxSettings s = SandboxSettings.defaults("h:1");
        assertThat(Sandboxes.memoryLimit(s, 1L << 30)).isEqualTo((256L << 20) + (1L << 30) + (256L << 20));
        assertThat(Sandboxes.memoryLimit(s, 1L << 20)).as("at least the heap's size for paged memory").isEqualTo(768L << 20);
    }

    @Test
    void shouldNameSandboxesAndReadTheirSlice() {
        SandboxRole role = new SandboxRole("n1", "acme");
        assertThat(role.nodeId()).isEqualTo("n1.sandbox-acme");
        assertThat(role.attributes()).containsEntry("sandbox-of", "n1").containsEntry("slice", "acme")
                .containsEntry("schedulable", "false");
        assertThat(SandboxRole.sliceOf(Map.of())).isEqualTo("default");
        assertThat(SandboxRole.sliceOf(Map.of("security.slice", "b"))).isEqualTo("b");
        assertThat(SandboxRole.isSandboxed(Map.of("security.isolation", "sandbox"))).isTrue();
        assertThat(SandboxRole.isSandboxed(Map.of("security.isolation", "node"))).isFalse();
        assertThatThrownBy(() -> new SandboxRole("n1", "a/b")).isInstanceOf(CaravanException.class)
                .hasMessageContaining("slice 'a/b' must be");
        assertThatThrownBy(() -> new SandboxRole("n".repeat(40), "s".repeat(20))).isInstanceOf(CaravanException.class)
                .hasMessageContaining("use a shorter slice name");
    }
}
