package dev.caravan.launch;

import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingSpec;
import dev.caravan.naming.zk.ZkNamingService;
import dev.caravan.pki.CertificateAuthority;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.security.TransportSecurity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code caravan zookeeper --tls DIR} serves only a TLS client port with a client certificate
 * required; a node started with {@code --tls} registers in it over {@code zk://}, a TLS client
 * sees the node's entries, and a plaintext ZooKeeper client is refused; a TLS client of a
 * plaintext server fails in one line too, and a plaintext client of it still works.
 */
class ZooKeeperTlsTest {
    @TempDir
    Path dir;

    @Test
    void aNodeRegistersOverZooKeeperTlsAndAPlaintextClientIsRefused() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("pki"), "zk-tls");
        for (String name : List.of("zookeeper", "n1", "admin")) {
            ca.issue(name, name.equals("admin") ? "admin" : "node", "", List.of(), List.of(), Duration.ofDays(1));
        }
        Path logs = dir.resolve("logs");
        try (ChildJvm zk = ChildJvm.start("zookeeper", List.of("-Xmx128m"), ZooKeeperMain.class,
                List.of("--port", "0", "--tick-ms", "200", "--data-dir", dir.resolve("zk").toString(),
                        "--tls", ca.identityDirectory("zookeeper").toString()), logs)) {
            NamingSpec spec = NamingSpec.parse(zk.awaitReady("spec", 60_000));
            try (ChildJvm node = ChildJvm.start("n1", List.of("-Xmx256m"), NodeMain.class,
                    List.of("--id", "n1", "--naming", spec.toString(), "--data-dir", dir.resolve("n1").toString(),
                            "--lease-ms", "2000", "--allow-unsigned", "--tls", ca.identityDirectory("n1").toString()), logs)) {
                node.awaitReady("control", 60_000);
                try (ZkNamingService tls = ZkNamingService.connect(spec, Duration.ofSeconds(10),
                        TransportSecurity.mutualTls(ca.identityDirectory("admin")))) {
                    await().atMost(Duration.ofSeconds(20)).until(() -> tls.list("").stream().map(NamingEntry::name).toList(),
                            names -> names.stream().anyMatch(n -> n.contains("n1")));
                }
                assertThatThrownBy(() -> ZkNamingService.connect(spec, Duration.ofSeconds(3)).close())
                        .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
                        .hasMessageContaining("needs CARAVAN_TLS=DIR");
            }
        }
        try (ChildJvm plain = ChildJvm.start("zookeeper-plain", List.of("-Xmx128m"), ZooKeeperMain.class,
                List.of("--port", "0", "--tick-ms", "200", "--data-dir", dir.resolve("zk-plain").toString()), logs)) {
            NamingSpec spec = NamingSpec.parse(plain.awaitReady("spec", 60_000));
            assertThatThrownBy(() -> ZkNamingService.connect(spec, Duration.ofSeconds(3),
                    TransportSecurity.mutualTls(ca.identityDirectory("admin"))).close())
                    .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
                    .hasMessageContaining("unset CARAVAN_TLS");
            ZkNamingService.connect(spec, Duration.ofSeconds(10)).close(); // plaintext as before
        }
    }
}
