package dev.caravan.launch;

import dev.caravan.pki.CertificateAuthority;
import dev.caravan.wire.security.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TlsOptionTest {
    @TempDir
    Path dir;

    @Test
    void noTlsOptionIsPlaintextAndADirectoryIsMutualTlsWithItsIdentity() {
        assertThat(TlsOption.parse(NodeMain.OPTIONS.parse(List.of("--id", "n1"))).isTls()).isFalse();
        CertificateAuthority ca = CertificateAuthority.create(dir, "t");
        ca.issue("n1", "node", "", List.of(), List.of(), Duration.ofDays(1));
        var tls = TlsOption.parse(NodeMain.OPTIONS.parse(List.of("--id", "n1", "--tls", dir.resolve("n1").toString())));
        assertThat(tls.isTls()).isTrue();
        assertThat(tls.ownIdentity().role()).isEqualTo(Role.NODE);
    }

    @Test
    void aDirectoryWithoutAnIdentityIsAUsageErrorOnEveryDaemon() {
        String missing = dir.resolve("nope").toString();
        for (DaemonOptions.Parsed parsed : List.of(NodeMain.OPTIONS.parse(List.of("--id", "x", "--tls", missing)),
                NamingMain.OPTIONS.parse(List.of("--tls", missing)), SwitchMain.OPTIONS.parse(List.of("--id", "x", "--tls", missing)))) {
            assertThatThrownBy(() -> TlsOption.parse(parsed))
                    .isInstanceOf(DaemonOptions.UsageException.class)
                    .hasMessageStartingWith("--tls: TLS identity directory " + missing + " has no ")
                    .hasMessageContaining("caravan certs issue");
        }
    }
}
