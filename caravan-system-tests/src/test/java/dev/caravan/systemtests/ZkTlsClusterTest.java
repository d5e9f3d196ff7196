package dev.caravan.systemtests;

import dev.caravan.cli.Console;
import dev.caravan.naming.zk.ZkNamingService;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.net.ClientTransport;
import dev.caravan.wire.security.TransportSecurity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A TLS cluster whose naming is ZooKeeper: the ZooKeeper JVM ({@code caravan zookeeper --tls})
 * serves only a TLS client port requiring a certificate of the cluster's CA, the node registers
 * over it with its own identity, the CLI lists over it with the admin identity, and a plaintext
 * ZooKeeper client gets nothing.
 */
@Tag("slow")
class ZkTlsClusterTest {
    private static CaravanCluster cluster;
    private static Path admin;

    @BeforeAll
    static void start() throws Exception {
        cluster = CaravanCluster.aCluster().withZooKeeper().withTls().withNodes(1).withLeaseMs(2000).start();
        admin = cluster.local().pki().orElseThrow().admin();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theCliListsOverZooKeeperTlsWithTheAdminIdentity() {
        cluster.deployKv("zk-tls-kv", "n1");
        String naming = cluster.namingSpec().toString();

        Console.Result ps = Console.run("ps", "--naming", naming, "--tls", admin.toString());
        assertThat(ps.exitCode()).as(ps.err()).isZero();
        assertThat(ps.out()).contains("zk-tls-kv").contains("n1");

        Console.Result nodes = Console.run("nodes", "--naming", naming, "--tls", admin.toString());
        assertThat(nodes.exitCode()).as(nodes.err()).isZero();
        assertThat(nodes.out()).contains("n1").contains("READY");
    }

    @Test
    void aPlaintextZooKeeperClientIsRefusedInOneLine() {
        assertThatThrownBy(() -> ZkNamingService.connect(cluster.namingSpec(), Duration.ofSeconds(3)).close())
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
                .hasMessageContaining("needs CARAVAN_TLS=DIR");

        ClientTransport.use(TransportSecurity.plaintext());
        try {
            Console.Result plain = Console.run("ps", "--naming", cluster.namingSpec().toString());
            assertThat(plain.exitCode()).isNotZero();
            assertThat(plain.errLines()).hasSize(1);
            assertThat(plain.errLines().getFirst()).contains("CARAVAN_TLS");
        } finally {
            ClientTransport.use(TransportSecurity.mutualTls(admin));
        }
    }
}
