package dev.caravan.cli.commands.certs;

import dev.caravan.cli.options.UsageCheck;
import dev.caravan.pki.CertificateAuthority;
import dev.caravan.pki.PkiException;
import dev.caravan.wire.security.Identity;
import dev.caravan.wire.security.Role;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code caravan certs issue NAME}: an identity directory DIR/NAME signed by the CA in DIR. */
@Command(name = "issue", mixinStandardHelpOptions = true,
        description = {"Issue an identity: DIR/NAME/ca.crt, identity.crt and identity.key (mode 0600), for --tls DIR/NAME "
                + "(daemons) or CARAVAN_TLS=DIR/NAME (the CLI). Reissuing a NAME replaces its files.",
                "The certificate names localhost and 127.0.0.1; add the names and addresses others dial with --dns and --ip."})
public final class CertsIssueCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "the identity's name (its CN): 1-64 letters, digits, '_', '.', '@' or '-'")
    String name;

    @Option(names = "--role", required = true, description = "viewer, operator, admin, or node (naming, nodes, switches)")
    String role;

    @Option(names = "--slice", defaultValue = "", description = "the tenant slice it is confined to (default: none)")
    String slice;

    @Option(names = "--dns", paramLabel = "HOST", description = "a DNS name it serves under (repeatable)")
    List<String> dns = new ArrayList<>();

    @Option(names = "--ip", paramLabel = "ADDRESS", description = "an IP address it serves under (repeatable)")
    List<String> ips = new ArrayList<>();

    @Option(names = "--days", defaultValue = "365", description = "days it is valid (default: ${DEFAULT-VALUE})")
    int days;

    @Option(names = "--dir", defaultValue = CertsCommand.DEFAULT_DIR, description = "where the CA lives (default: ${DEFAULT-VALUE})")
    Path dir;

    @Override
    public Integer call() {
        if (days < 1 || days > CertificateAuthority.CA_VALIDITY_DAYS) {
            throw UsageCheck.usage(spec, "--days must be 1.." + CertificateAuthority.CA_VALIDITY_DAYS + ", got " + days);
        }
        UsageCheck.check(spec, () -> new Identity(name, Role.parse(role), slice, "certificate"));
        try {
            CertificateAuthority ca = CertificateAuthority.load(dir);
            X509Certificate cert = ca.issue(name, role, slice, dns, ips, Duration.ofDays(days));
            Path out = ca.identityDirectory(name);
            System.out.println("issued " + cert.getSubjectX500Principal().getName() + " until " + cert.getNotAfter().toInstant()
                    + " in " + out + "; use: export CARAVAN_TLS=" + out.toAbsolutePath() + "  (or --tls " + out + ")");
            return 0;
        } catch (PkiException e) {
            throw CertsCommand.failure(e);
        }
    }
}
