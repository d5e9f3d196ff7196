package dev.caravan.launch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZooKeeperMainTest {
    @TempDir
    Path dir;

    private ZooKeeperMain.Config config(String... args) throws Exception {
        return ZooKeeperMain.config(ZooKeeperMain.OPTIONS.parse(List.of(args)));
    }

    @Test
    void shouldReadAnEnsembleMembersCommandLine() throws Exception {
        ZooKeeperMain.Config c = config("--port", "2300", "--id", "2", "--ensemble", "127.0.0.1:2888:3888,127.0.0.1:2889:3889",
                "--data-dir", dir.toString(), "--tick-ms", "100");
        assertThat(c.port()).isEqualTo(2300);
        assertThat(c.id()).isEqualTo(2);
        assertThat(c.ensemble()).containsExactly("127.0.0.1:2888:3888", "127.0.0.1:2889:3889");
        assertThat(c.tickMs()).isEqualTo(100);
        assertThat(config("--port", "0", "--data-dir", dir.toString()).port()).isPositive();
    }

    @Test
    void shouldRefuseAnInconsistentEnsembleInOneLine() {
        assertThatThrownBy(() -> config("--id", "1")).isInstanceOf(DaemonOptions.UsageException.class)
                .hasMessageContaining("--id and --ensemble go together");
        assertThatThrownBy(() -> config("--id", "3", "--ensemble", "h:1:2,h:3:4")).isInstanceOf(DaemonOptions.UsageException.class)
                .hasMessageContaining("1..2");
        assertThatThrownBy(() -> config("--ensemble", "h:1", "--id", "1")).isInstanceOf(DaemonOptions.UsageException.class)
                .hasMessageContaining("HOST:PEER_PORT:ELECTION_PORT");
        assertThatThrownBy(() -> config("--tick-ms", "1")).isInstanceOf(DaemonOptions.UsageException.class)
                .hasMessageContaining("--tick-ms");
    }

    @Test
    void shouldTakeANamingSpecOfEitherFormInEveryDaemon() {
        assertThat(NamingMain.daemonSpec("zk://10.0.0.1:2181,10.0.0.2:2181/c1").connectString()).isEqualTo("10.0.0.1:2181,10.0.0.2:2181");
        assertThat(NamingMain.daemonSpec("10.0.0.1:7500").isZooKeeper()).isFalse();
        assertThat(NodeMain.config(NodeMain.OPTIONS.parse(List.of("--id", "n1", "--naming", "zk://127.0.0.1:2181"))).naming()).isNull();
        assertThatThrownBy(() -> NodeMain.config(NodeMain.OPTIONS.parse(List.of("--id", "n1", "--naming", "zk://h:1/bad path"))))
                .isInstanceOf(DaemonOptions.UsageException.class).hasMessageStartingWith("--naming: ").hasMessageContaining("zk://");
        assertThat(NodeMain.OPTIONS.usage()).contains("zk://HOST:PORT").contains("HOST:PORT of Caravan's naming daemon");
    }
}
