package dev.caravan.migration;

import dev.caravan.pki.CertificateAuthority;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Test CAs and identity directories (ca.crt, identity.crt, identity.key), issued by {@link CertificateAuthority}. */
final class TlsTestCertificates {
    private TlsTestCertificates() {
    }

    /** A fresh CA in {@code dir}. */
    static Path ca(Path dir) {
        CertificateAuthority.create(dir, "test-" + dir.getFileName());
        return dir;
    }

    /** An identity directory under {@code ca}, valid for 127.0.0.1 and localhost. */
    static Path issue(Path ca, String name, String role) {
        CertificateAuthority authority = CertificateAuthority.load(ca);
        authority.issue(name, role, "", List.of(), List.of(), Duration.ofDays(1));
        return authority.identityDirectory(name);
    }
}
