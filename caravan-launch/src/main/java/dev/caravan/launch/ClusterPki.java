package dev.caravan.launch;

import dev.caravan.pki.CertificateAuthority;
import dev.caravan.pki.PkiException;
import dev.caravan.wire.ErrorCode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The certificates of a local TLS cluster ({@code caravan up --tls}, {@link LocalCluster.Builder#tls}):
 * the CA in {@code DIR} (made once, reused after) and one identity directory per member,
 * {@code DIR/NAME}, made when missing and reused when present:
 * <ul>
 *   <li>{@code naming}, {@code n1..nN}, {@code s1..sN}: role {@code node}, naming their bind address;</li>
 *   <li>{@code admin}: role {@code admin}, for the CLI ({@code export CARAVAN_TLS=DIR/admin}) and the launcher.</li>
 * </ul>
 * Not thread-safe: the launcher's one thread uses it.
 */
public final class ClusterPki {
    /** The identity the launcher and the user's CLI use. */
    public static final String ADMIN = "admin";
    private static final Duration VALIDITY = Duration.ofDays(365);

    private final CertificateAuthority ca;

    private ClusterPki(CertificateAuthority ca) {
        this.ca = ca;
    }

    /**
     * Opens the CA in {@code dir}, making it first when there is none, and makes the admin identity.
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT, one line, when the directory cannot be used
     */
    public static ClusterPki open(Path dir) {
        try {
            CertificateAuthority ca = CertificateAuthority.exists(dir) ? CertificateAuthority.load(dir)
                    : CertificateAuthority.create(dir, "local");
            ClusterPki pki = new ClusterPki(ca);
            pki.identity(ADMIN, "admin", "127.0.0.1");
            return pki;
        } catch (PkiException e) {
            throw ErrorCode.INVALID_ARGUMENT.exception(e.getMessage());
        }
    }

    public Path directory() {
        return ca.directory();
    }

    /** A member's identity directory with role {@code node}, made when missing. */
    public Path member(String name, String bindAddress) {
        return identity(name, "node", bindAddress);
    }

    /** The admin identity directory ({@code export CARAVAN_TLS=} this). */
    public Path admin() {
        return ca.identityDirectory(ADMIN);
    }

    private Path identity(String name, String role, String bindAddress) {
        Path out = ca.identityDirectory(name);
        if (Files.isRegularFile(out.resolve(CertificateAuthority.IDENTITY_CERT))
                && Files.isRegularFile(out.resolve(CertificateAuthority.IDENTITY_KEY))) {
            return out;
        }
        boolean ip = bindAddress.matches("[0-9.]+") || bindAddress.contains(":");
        List<String> ips = ip && !bindAddress.equals("0.0.0.0") && !bindAddress.equals("::") ? List.of(bindAddress) : List.of();
        List<String> dns = ip || bindAddress.equals("localhost") ? List.of() : List.of(bindAddress);
        try {
            ca.issue(name, role, "", dns, ips, VALIDITY, out);
        } catch (PkiException e) {
            throw ErrorCode.INVALID_ARGUMENT.exception(e.getMessage());
        }
        return out;
    }
}
