package dev.caravan.cli.commands.keys;

import dev.caravan.wire.security.signing.KeyId;
import dev.caravan.wire.security.signing.PrivateKeyFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code caravan keys new NAME}: a new Ed25519 key pair, NAME.key (mode 0600) and NAME.pub. */
@Command(name = "new", mixinStandardHelpOptions = true,
        description = "Create a code-signing key pair: DIR/NAME.key (private, mode 0600) and DIR/NAME.pub (to trust on nodes).")
public final class KeysNewCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "key name: 1-64 letters, digits, '-', '_' or '.'")
    String name;

    @Option(names = "--dir", defaultValue = ".caravan/keys", description = "where the key files go (default: ${DEFAULT-VALUE})")
    Path dir;

    @Override
    public Integer call() throws Exception {
        PrivateKeyFile key = PrivateKeyFile.generate(name);
        Files.createDirectories(dir);
        Path pub = dir.resolve(name + ".pub");
        if (Files.exists(pub)) {
            throw dev.caravan.wire.ErrorCode.ALREADY_EXISTS.exception(pub + " exists; choose another key name or remove it");
        }
        key.writeNew(dir.resolve(name + ".key"));
        key.publicKey().write(pub);
        System.out.println("key " + name + "  id " + KeyId.shortForm(key.keyId()));
        System.out.println("private " + dir.resolve(name + ".key") + " (keep it secret)");
        System.out.println("public  " + pub + " (trust it: caravan keys trust " + pub + ")");
        return 0;
    }
}
