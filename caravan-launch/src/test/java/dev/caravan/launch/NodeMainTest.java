package dev.caravan.launch;

import dev.caravan.core.memory.ChunkPool;
import dev.caravan.node.NodeConfig;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeMainTest {
    private static NodeConfig config(String... args) {
        return NodeMain.config(NodeMain.OPTIONS.parse(List.of(args)));
    }

    @Test
    void shouldBuildTheNodeConfigFromItsCommandLine() {
        NodeConfig c = config("--id", "n7", "--naming=10.0.0.1:7500", "--data-dir", "/tmp/n7", "--lease-ms", "1500",
                "--device", "printer=devices/p", "--device", "disk=devices/d", "--prefault-reserve", "64m",
                "--exit-on-stdin-eof");

        assertThat(c.nodeId()).isEqualTo("n7");
        assertThat(c.naming()).isEqualTo(new InetSocketAddress("10.0.0.1", 7500));
        assertThat(c.dataDir()).isEqualTo(Path.of("/tmp/n7"));
        assertThat(c.leaseTtlMs()).isEqualTo(1500);
        assertThat(c.devices()).containsOnly(Map.entry("printer", "devices/p"), Map.entry("disk", "devices/d"));
        assertThat(c.bindHost()).isEqualTo("127.0.0.1");
        assertThat(c.controlPort()).isZero();
        assertThat(c.stopDeadlineMs()).isEqualTo(NodeConfig.DEFAULT_STOP_DEADLINE_MS);
    }

    @Test
    void shouldReadProcessMemoryAndDrainGrace() {
        assertThat(config("--id", "n1", "--process-memory", "2g").processMemoryBytes()).isEqualTo(2L << 30);
        assertThat(config("--id", "n1").processMemoryBytes()).isEqualTo(NodeConfig.defaultProcessMemoryBytes());
        assertThat(NodeMain.drainGraceMs("30s")).isEqualTo(30_000);
        assertThat(NodeMain.drainGraceMs("0")).isZero();
        assertThat(NodeMain.drainGraceMs("2m")).isEqualTo(120_000);
        assertThat(NodeMain.drainGraceMs("500ms")).isEqualTo(500);
        assertThat(NodeMain.drainGraceMs("45")).isEqualTo(45_000);
        assertThatThrownBy(() -> NodeMain.drainGraceMs("soon")).isInstanceOf(DaemonOptions.UsageException.class)
                .hasMessageContaining("--drain-grace");
        assertThatThrownBy(() -> NodeMain.drainGraceMs("2h")).isInstanceOf(DaemonOptions.UsageException.class);
    }

    @Test
    void shouldReadTheBalanceOptionsOffByDefaultAndRefuseBadOnes() {
        var defaults = NodeMain.checkBalanceArgs(List.of());
        assertThat(defaults).isEqualTo(dev.caravan.node.balance.BalanceSettings.DEFAULTS);
        var s = NodeMain.checkBalanceArgs(List.of("--balance", "both", "--balance-metric", "rate", "--balance-high", "0.7",
                "--balance-low", "0.2", "--balance-probes", "2", "--balance-period", "500ms", "--balance-cooldown", "1m",
                "--balance-rate-capacity", "600"));
        assertThat(s).isEqualTo(new dev.caravan.node.balance.BalanceSettings(dev.caravan.node.balance.BalanceMode.BOTH,
                dev.caravan.node.balance.LoadMetric.RATE, 0.7, 0.2, 2, 500, 60_000, 600));
        assertThatThrownBy(() -> NodeMain.checkBalanceArgs(List.of("--balance", "sometimes")))
                .isInstanceOf(DaemonOptions.UsageException.class).hasMessageContaining("--balance must be off, push, pull or both");
        assertThatThrownBy(() -> NodeMain.checkBalanceArgs(List.of("--balance-high", "0.2")))
                .isInstanceOf(DaemonOptions.UsageException.class).hasMessageContaining("below --balance-high");
        assertThatThrownBy(() -> NodeMain.checkBalanceArgs(List.of("--balance-period", "soon")))
                .isInstanceOf(DaemonOptions.UsageException.class).hasMessageContaining("--balance-period");
    }

    @Test
    void shouldKeepNodeDataUnderTheWorkDirectoryByDefault() {
        assertThat(config("--id", "n2").dataDir()).isEqualTo(Path.of(".caravan", "nodes", "n2"));
    }

    @Test
    void shouldRefuseACommandLineWithoutIdOrWithABadDevice() {
        assertThatThrownBy(() -> config("--naming", "127.0.0.1:7400"))
                .isInstanceOf(DaemonOptions.UsageException.class).hasMessageContaining("--id");
        assertThatThrownBy(() -> config("--id", "n1", "--device", "printer"))
                .isInstanceOf(DaemonOptions.UsageException.class).hasMessageContaining("TYPE=PATH");
    }

    @Test
    void shouldTakeJvmSettingsForTheNodesOwnJvmAndPassTheRestToIt() {
        List<String> args = List.of("--id", "n1", "--heap", "2g", "--jvm-option=-XX:+UseG1GC", "--jvm-option", "-Xss512k",
                "--heap=3g", "--lease-ms", "1500", "--exit-on-stdin-eof");
        assertThat(NodeMain.withoutJvmSettings(args)).containsExactly("--id", "n1", "--lease-ms", "1500");
        DaemonOptions.Parsed p = NodeMain.OPTIONS.parse(List.of("--id", "n1", "--jvm-option=-XX:+UseG1GC", "--jvm-option", "-Xss512k"));
        assertThat(p.value("--heap")).isEqualTo(DaemonJvm.DEFAULT_HEAP);
        assertThat(p.values("--jvm-option")).containsExactly("-XX:+UseG1GC", "-Xss512k");
        assertThat(NodeMain.OPTIONS.usage()).contains("--heap=SIZE").contains("--jvm-option=OPTION");
    }

    @Test
    void shouldNotPrefaultUnlessAsked() {
        assertThat(NodeMain.chunkPoolConfig(null, null)).isEqualTo(ChunkPool.Config.defaults());
    }

    @Test
    void shouldRaiseTheDefaultCapToHoldTheReserve() {
        assertThat(NodeMain.chunkPoolConfig("2g", null)).isEqualTo(new ChunkPool.Config(2L << 30, 2L << 30));
        assertThat(NodeMain.chunkPoolConfig("64m", null))
                .isEqualTo(new ChunkPool.Config(ChunkPool.DEFAULT_MAX_POOLED_BYTES, 64L << 20));
        assertThat(NodeMain.chunkPoolConfig("512m", "1g")).isEqualTo(new ChunkPool.Config(1L << 30, 512L << 20));
    }

    @Test
    void shouldRefuseBadSizesNamingTheOption() {
        assertThatThrownBy(() -> NodeMain.chunkPoolConfig("lots", null))
                .isInstanceOfSatisfying(CaravanException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).startsWith("--prefault-reserve: ");
                });
        assertThatThrownBy(() -> NodeMain.chunkPoolConfig("2g", "1g")).isInstanceOf(CaravanException.class);
        assertThatThrownBy(() -> NodeMain.chunkPoolConfig(null, "-1")).isInstanceOf(CaravanException.class);
    }
}
