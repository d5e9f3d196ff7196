package dev.caravan.systemtests;

import dev.caravan.cli.Console;
import dev.caravan.pki.CertificateAuthority;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.net.ClientTransport;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.node.SecuritySettings;
import dev.caravan.wire.security.TransportSecurity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The daemons' admin HTTP ports on a TLS cluster: HTTPS with a client certificate required, the
 * certificate's identity deciding what it reads. A tenant certificate ({@code O=slice:acme}) sees
 * only its slice's events through {@code caravan events} and {@code caravan describe}, and another
 * slice's process is "no process" to it rather than "gone"; the admin identity sees everything; a
 * plaintext HTTP request never gets an answer.
 */
class TlsAdminPortTest {
    private static CaravanCluster cluster;
    private static Path admin;
    private static Path tenant;

    @BeforeAll
    static void start() throws Exception {
        cluster = CaravanCluster.aCluster().withNodes(1).withTls().start();
        admin = cluster.local().pki().orElseThrow().admin();
        Path pki = cluster.local().pki().orElseThrow().directory();
        CertificateAuthority ca = CertificateAuthority.load(pki);
        ca.issue("acme-user", "operator", "acme", List.of(), List.of(), Duration.ofDays(1));
        tenant = ca.identityDirectory("acme-user");
        new dev.caravan.node.slice.SliceRegistry(cluster.workDir().resolve("slices"))
                .put(new dev.caravan.node.slice.SliceDefinition("acme", 0, 0, 0));
        cluster.deployKv("kv1", "n1");
        cluster.control("n1").start(new ProcessSpec("acme-kv", "kv", "", "", CaravanCluster.PROCESS_MEMORY_BYTES,
                Map.of(SecuritySettings.SLICE, "acme")));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** {@code caravan ARGS --naming N --tls DIR} in this JVM; the client transport is the admin's again after. */
    private static Console.Result caravan(Path identity, String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--naming", cluster.namingHostPort(), "--tls", identity.toString()));
        try {
            return Console.run(all.toArray(String[]::new));
        } finally {
            ClientTransport.use(TransportSecurity.mutualTls(admin));
        }
    }

    @Test
    void aTenantCertificateReadsOnlyItsSlicesEvents() {
        Console.Result events = caravan(tenant, "events");
        assertThat(events.exitCode()).as(events.err()).isEqualTo(0);
        assertThat(events.out()).contains("acme-kv");
        assertThat(events.out()).doesNotContainPattern("\\bkv1\\b");

        Console.Result all = caravan(admin, "events");
        assertThat(all.exitCode()).as(all.err()).isEqualTo(0);
        assertThat(all.out()).containsPattern("\\bkv1\\b").contains("acme-kv");
    }

    @Test
    void describeOfAnotherSlicesProcessIsNoProcessForATenantAndRunningForTheAdmin() {
        Console.Result other = caravan(tenant, "describe", "kv1");
        assertThat(other.exitCode()).isEqualTo(1);
        assertThat(other.errLines()).hasSize(1);
        assertThat(other.errLines().getFirst()).contains("no process or node named 'kv1'");
        assertThat(other.out()).doesNotContain("gone");

        Console.Result own = caravan(tenant, "describe", "acme-kv");
        assertThat(own.exitCode()).as(own.err()).isEqualTo(0);
        assertThat(own.out()).contains("acme-kv").contains("process-started");

        Console.Result asAdmin = caravan(admin, "describe", "kv1");
        assertThat(asAdmin.exitCode()).as(asAdmin.err()).isEqualTo(0);
        assertThat(asAdmin.out()).contains("Kind:").contains("process").doesNotContain("gone").doesNotContain("expects TLS");
    }

    /** {@code curl} over https with {@code identity}'s certificate: the HTTP status, then the body. */
    private static String curl(Path identity, String path) throws Exception {
        InetSocketAddress port = cluster.local().nodeAdmins().get("n1");
        Process p = new ProcessBuilder("curl", "-sS", "--max-time", "20", "-w", "\n%{http_code}", "--cacert", identity.resolve("ca.crt").toString(),
                "--cert", identity.resolve("identity.crt").toString(), "--key", identity.resolve("identity.key").toString(),
                "https://127.0.0.1:" + port.getPort() + path).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        int nl = out.lastIndexOf('\n');
        return out.substring(nl + 1) + " " + out.substring(0, Math.max(0, nl));
    }

    @Test
    void curlWithACertificateScrapesMetricsAndATenantGets403OnLogs() throws Exception {
        assertThat(curl(admin, "/metrics")).startsWith("200 ").contains("# TYPE");
        assertThat(curl(admin, "/logs")).startsWith("200 ");
        assertThat(curl(tenant, "/logs")).startsWith("403 ").contains("slice acme");
        assertThat(curl(tenant, "/events")).startsWith("200 ").contains("acme-kv").doesNotContain("\"kv1\"");
    }

    @Test
    void theAdminPortAnswersNoPlaintextRequest() throws Exception {
        InetSocketAddress port = cluster.local().nodeAdmins().get("n1");
        try (Socket s = new Socket(port.getAddress(), port.getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /events HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String answer;
            try (InputStream in = s.getInputStream()) {
                answer = new String(in.readNBytes(64), StandardCharsets.ISO_8859_1);
            } catch (IOException reset) {
                answer = "";
            }
            assertThat(answer).doesNotContain("HTTP/1.1 200").doesNotContain("kv1");
        }
        try (HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpRequest get = HttpRequest.newBuilder(URI.create("http://" + port.getHostString() + ":" + port.getPort() + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build();
            assertThatThrownBy(() -> plain.send(get, HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
        }
    }
}
