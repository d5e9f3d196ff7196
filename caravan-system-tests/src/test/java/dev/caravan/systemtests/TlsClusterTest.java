package dev.caravan.systemtests;

import dev.caravan.cli.Console;
import dev.caravan.client.NodeControl;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.net.ClientTransport;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.security.TransportSecurity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cluster whose naming and control ports all run over mutual TLS ({@code caravan up --tls}'s
 * {@link dev.caravan.launch.LocalCluster.Builder#tls}): deploy, migrate between two nodes and read
 * with the real redis-cli; the CLI works with the admin identity and fails in one line without it.
 */
class TlsClusterTest {
    private static final Path REDIS_CLI = Path.of("/usr/bin/redis-cli");
    private static CaravanCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        // A switch and the dashboard too: both must reach naming over TLS to start.
        cluster = CaravanCluster.aCluster().withNodes(2).withSwitch().withDashboard().withTls().start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String redisCli(ProcessInfo at, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(REDIS_CLI.toString(), "-h", at.dataHost(), "-p", String.valueOf(at.dataPort())));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(out, StandardCharsets.UTF_8).strip();
    }

    @Test
    void deployMigrateAndReadOverTlsControlLinks() throws Exception {
        ProcessInfo kv = cluster.deployKv("tls-kv", "n1");
        assertThat(redisCli(kv, "SET", "k", "over-tls")).isEqualTo("OK");

        InetSocketAddress control = cluster.client().resolve("tls-kv").orElseThrow().control();
        MigrationReport report = NodeControl.migrate(control, "", new MigrationRequest("tls-kv", "n2", MigrationMode.PRE_COPY,
                50, 30, 2, false, "", ""), p -> { }, Duration.ofMinutes(2));
        assertThat(report.outcome().label()).isEqualTo("committed");

        ProcessInfo moved = cluster.control("n2").list().stream().filter(p -> p.name().equals("tls-kv")).findFirst().orElseThrow();
        assertThat(redisCli(moved, "GET", "k")).isEqualTo("over-tls");
    }

    @Test
    void psWorksWithTheAdminIdentityAndFailsInOneLineWithout() {
        Path admin = cluster.local().pki().orElseThrow().admin();
        String naming = cluster.namingHostPort();
        ClientTransport.use(TransportSecurity.plaintext());
        try {
            Console.Result plain = Console.run("ps", "--naming", naming);
            assertThat(plain.exitCode()).isEqualTo(1);
            assertThat(plain.errLines()).hasSize(1);
            assertThat(plain.errLines().getFirst()).contains("expects TLS: set CARAVAN_TLS=DIR");

            Console.Result tls = Console.run("ps", "--naming", naming, "--tls", admin.toString());
            assertThat(tls.exitCode()).isEqualTo(0);
            assertThat(tls.out()).contains("NAME");
        } finally {
            ClientTransport.use(TransportSecurity.mutualTls(admin));
        }
    }

    @Test
    void describeAsksTheNodeForQuotasOverTls() throws Exception {
        cluster.deployKv("tls-described", "n1");

        Console.Result r = Console.run("describe", "tls-described", "--naming", cluster.namingHostPort());

        assertThat(r.exitCode()).as(r.err()).isZero();
        String quotas = r.out().lines().filter(l -> l.startsWith("Quotas:")).findFirst().orElseThrow();
        assertThat(quotas).as("the quota query uses the CLI's TLS identity too").doesNotContain("expects TLS").doesNotContain("- (");
    }
}
