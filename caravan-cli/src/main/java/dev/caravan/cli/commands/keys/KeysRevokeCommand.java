package dev.caravan.cli.commands.keys;

import dev.caravan.wire.security.signing.KeyId;
import dev.caravan.wire.security.signing.PublicKeyFile;
import dev.caravan.wire.security.signing.TrustStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code caravan keys revoke KEYID|FILE.pub}: nodes refuse the key's code from their next check on. */
@Command(name = "revoke", mixinStandardHelpOptions = true,
        description = {"Revoke a key: nodes reading this trust directory refuse code it signed at the next push, start, "
                + "arrival or evaluation, without a restart.", "Processes already running keep running."})
public final class KeysRevokeCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "KEYID|FILE.pub", description = "a key id (at least 16 hex digits, see caravan keys ls) or a .pub file")
    String key;

    @Option(names = "--trust-dir", defaultValue = ".caravan/trust", description = "the trust directory (default: ${DEFAULT-VALUE})")
    Path trustDir;

    @Override
    public Integer call() throws Exception {
        String id = key.endsWith(".pub") ? PublicKeyFile.read(Path.of(key)).keyId()
                : dev.caravan.cli.options.UsageCheck.check(spec, () -> KeyId.parsePrefix(key));
        String revoked = new TrustStore(trustDir).revoke(id);
        System.out.println("revoked key " + KeyId.shortForm(revoked) + " in " + trustDir);
        return 0;
    }
}
