package dev.caravan.pki;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CertificateAuthorityTest {
    @TempDir
    Path dir;

    @Test
    void issuesAnIdentityDirectorySignedByTheCa() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(dir, "test");
        Path out = dir.resolve("n1");
        X509Certificate cert = ca.issue("n1", "NODE", "", List.of("n1.example"), List.of("10.0.0.7"), Duration.ofDays(2), out);

        assertThat(out.resolve("ca.crt")).hasSameTextualContentAs(dir.resolve("ca.crt"));
        assertThat(Files.readString(out.resolve("identity.key"))).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("identity.key")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key")))).isEqualTo("rw-------");
        cert.verify(ca.certificate().getPublicKey());
        cert.checkValidity();
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=n1,O=caravan:node");
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getSubjectAlternativeNames()).extracting(l -> (Object) l.get(1))
                .containsExactly((Object) "localhost", "n1.example", "127.0.0.1", "10.0.0.7");
        assertThat(ca.certificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void sliceGoesInTheSubjectAndLsReadsItBack() {
        CertificateAuthority ca = CertificateAuthority.create(dir, "test");
        ca.issue("alice", "operator", "team-a", List.of(), List.of(), Duration.ofDays(30));
        ca.issue("bob", "viewer", "", List.of(), List.of(), Duration.ofDays(1));

        List<IssuedIdentity> all = CertificateAuthority.load(dir).issued();
        assertThat(all).extracting(IssuedIdentity::name, IssuedIdentity::role, IssuedIdentity::slice)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("alice", "operator", "team-a"),
                        org.assertj.core.groups.Tuple.tuple("bob", "viewer", ""));
        assertThat(all.get(0).notAfter()).isBetween(Instant.now().plus(Duration.ofDays(29)), Instant.now().plus(Duration.ofDays(31)));
    }

    @Test
    void aClockInThePastMakesAnExpiredCertificate() {
        CertificateAuthority ca = CertificateAuthority.create(dir, "test");
        Clock past = Clock.fixed(Instant.now().minus(Duration.ofDays(10)), ZoneOffset.UTC);
        X509Certificate cert = ca.withClock(past).issue("old", "viewer", "", List.of(), List.of(), Duration.ofDays(1), dir.resolve("old"));
        assertThat(IssuedIdentity.of(cert, dir).expiredAt(Instant.now())).isTrue();
    }

    @Test
    void refusesWhatItCannotDoInOneLine() {
        assertThatThrownBy(() -> CertificateAuthority.load(dir)).isInstanceOf(PkiException.class)
                .hasMessageContaining("run 'caravan certs init' first");
        CertificateAuthority ca = CertificateAuthority.create(dir, "test");
        assertThatThrownBy(() -> CertificateAuthority.create(dir, "test")).hasMessageContaining("already holds a CA");
        assertThatThrownBy(() -> ca.issue("x", "root", "", List.of(), List.of(), Duration.ofDays(1)))
                .hasMessageContaining("unknown role 'root'");
        assertThatThrownBy(() -> ca.issue("a b", "admin", "", List.of(), List.of(), Duration.ofDays(1)))
                .hasMessageContaining("identity name 'a b'");
        assertThatThrownBy(() -> ca.issue("x", "admin", "Team", List.of(), List.of(), Duration.ofDays(1)))
                .hasMessageContaining("slice 'Team'");
        assertThatThrownBy(() -> ca.issue("x", "admin", "", List.of(), List.of("example.com"), Duration.ofDays(1)))
                .hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> ca.issue("x", "admin", "", List.of("bad host"), List.of(), Duration.ofDays(1)))
                .hasMessageContaining("not a DNS name");
        assertThat(Files.exists(dir.resolve("x"))).isFalse();
    }
}
