package dev.caravan.cli.commands.certs;

import dev.caravan.pki.CertificateAuthority;
import dev.caravan.pki.PkiException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code caravan certs init}: makes the cluster's CA ({@code ca.crt}, {@code ca.key}) in {@code --dir}. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Make the cluster's CA (EC P-256): DIR/ca.crt and DIR/ca.key (mode 0600). Never overwrites one.")
public final class CertsInitCommand implements Callable<Integer> {
    @Option(names = "--dir", defaultValue = CertsCommand.DEFAULT_DIR, description = "where the CA lives (default: ${DEFAULT-VALUE})")
    Path dir;

    @Option(names = "--cluster", defaultValue = "caravan", description = "the cluster's name, in the CA's subject (default: ${DEFAULT-VALUE})")
    String cluster;

    @Override
    public Integer call() {
        try {
            CertificateAuthority ca = CertificateAuthority.create(dir, cluster);
            System.out.println("made CA " + ca.certificate().getSubjectX500Principal().getName() + " in " + dir
                    + " (keep ca.key secret); next: caravan certs issue NAME --role viewer|operator|admin|node");
            return 0;
        } catch (PkiException e) {
            throw CertsCommand.failure(e);
        }
    }
}
