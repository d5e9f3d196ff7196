package dev.caravan.launch;

import dev.caravan.switching.DispatchMode;
import dev.caravan.switching.config.SwitchConfig;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SwitchMainTest {
    private static SwitchConfig config(String... args) {
        return SwitchMain.config(SwitchMain.OPTIONS.parse(List.of(args)));
    }

    @Test
    void shouldDefaultToSwitchS1WithProcessFrontEnds() {
        SwitchConfig c = config();
        assertThat(c.id()).isEqualTo("s1");
        assertThat(c.bindHost()).isEqualTo("127.0.0.1");
        assertThat(c.adminPort()).isZero();
        assertThat(c.stateDir()).isEqualTo(Path.of(".caravan", "switches", "s1"));
        assertThat(c.processFronts()).isTrue();
        assertThat(c.processGraceMs()).isEqualTo(SwitchConfig.DEFAULT_PROCESS_GRACE_MS);
        assertThat(c.frontends()).isEmpty();
    }

    @Test
    void shouldReadEveryOptionAndTheConfigFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("switch.json");
        Files.writeString(file, "{\"version\": 1, \"frontends\": [{\"name\": \"raw\", \"listen\": \"127.0.0.1:0\","
                + " \"protocol\": \"tcp\", \"mode\": \"transport\", \"backends\": \"prefix:echo\"}]}");
        SwitchConfig c = config("--id", "s2", "--admin-port", "7411", "--state-dir", dir.toString(), "--lease-ms", "1500",
                "--no-process-fronts", "--process-grace-ms", "500", "--config", file.toString(), "--exit-on-stdin-eof");
        assertThat(c.id()).isEqualTo("s2");
        assertThat(c.adminPort()).isEqualTo(7411);
        assertThat(c.stateDir()).isEqualTo(dir);
        assertThat(c.leaseMs()).isEqualTo(1500);
        assertThat(c.processFronts()).isFalse();
        assertThat(c.processGraceMs()).isEqualTo(500);
        assertThat(c.frontends()).singleElement().satisfies(f -> assertThat(f.mode()).isEqualTo(DispatchMode.TRANSPORT));
    }

    @Test
    void shouldRefuseBadOptionsAndFilesBeforeStarting(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> config("--id", "bad id")).isInstanceOf(DaemonOptions.UsageException.class)
                .hasMessageContaining("switch id 'bad id'");
        assertThatThrownBy(() -> config("--admin-port", "70000")).isInstanceOf(DaemonOptions.UsageException.class);
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"version\": 1, \"frontends\": [{\"name\": \"process-x\", \"listen\": \"127.0.0.1:0\","
                + " \"protocol\": \"tcp\", \"mode\": \"transport\", \"backends\": \"name:x\"}]}");
        assertThatThrownBy(() -> config("--config", file.toString())).hasMessageContaining("names starting with 'process-'");
        Files.writeString(file, "{\"version\": 1, \"frontends\": [{\"name\": \"x\"}]}");
        assertThatThrownBy(() -> config("--config", file.toString()))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessage(file + ": frontends[0].listen: missing");
    }
}
