package dev.caravan.launch;

import dev.caravan.pki.CertificateAuthority;
import dev.caravan.wire.security.TransportSecurity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code caravan node --resp-tls}: off by default, on with {@code --tls DIR}, a usage error without it. */
class NodeRespTlsOptionTest {
    @TempDir
    Path dir;

    @Test
    void respTlsNeedsATlsIdentity() {
        DaemonOptions.Parsed none = NodeMain.OPTIONS.parse(List.of("--id", "n1"));
        assertThat(NodeMain.respTls(none, TransportSecurity.plaintext())).isFalse();

        DaemonOptions.Parsed plain = NodeMain.OPTIONS.parse(List.of("--id", "n1", "--resp-tls"));
        assertThatThrownBy(() -> NodeMain.respTls(plain, TlsOption.parse(plain)))
                .isInstanceOf(DaemonOptions.UsageException.class)
                .hasMessage("--resp-tls needs --tls DIR (the node's identity serves the TLS port)");

        CertificateAuthority ca = CertificateAuthority.create(dir, "t");
        ca.issue("n1", "node", "", List.of(), List.of(), Duration.ofDays(1));
        DaemonOptions.Parsed tls = NodeMain.OPTIONS.parse(List.of("--id", "n1", "--tls", dir.resolve("n1").toString(), "--resp-tls"));
        assertThat(NodeMain.respTls(tls, TlsOption.parse(tls))).isTrue();
        assertThat(NodeMain.OPTIONS.usage()).contains("--resp-tls");
    }
}
