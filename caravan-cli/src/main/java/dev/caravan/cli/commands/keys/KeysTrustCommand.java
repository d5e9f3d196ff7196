package dev.caravan.cli.commands.keys;

import dev.caravan.wire.security.signing.KeyId;
import dev.caravan.wire.security.signing.PublicKeyFile;
import dev.caravan.wire.security.signing.TrustStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code caravan keys trust FILE.pub}: adds a public key to the trust directory. */
@Command(name = "trust", mixinStandardHelpOptions = true,
        description = "Trust a public key: nodes reading this trust directory load code it signed (no restart needed).")
public final class KeysTrustCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE.pub", description = "the public key file (caravan keys new writes NAME.pub)")
    Path file;

    @Option(names = "--trust-dir", defaultValue = ".caravan/trust", description = "the trust directory (default: ${DEFAULT-VALUE})")
    Path trustDir;

    @Override
    public Integer call() throws Exception {
        PublicKeyFile key = PublicKeyFile.read(file);
        Path written = new TrustStore(trustDir).trust(key);
        System.out.println("trusted key " + key.name() + "  id " + KeyId.shortForm(key.keyId()) + "  (" + written + ")");
        return 0;
    }
}
