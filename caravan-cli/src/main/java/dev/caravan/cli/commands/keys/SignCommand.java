package dev.caravan.cli.commands.keys;

import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.NodeProtocol;
import dev.caravan.wire.security.signing.BundleSignature;
import dev.caravan.wire.security.signing.KeyId;
import dev.caravan.wire.security.signing.PrivateKeyFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code caravan sign app.jar --key K.key}: writes the detached signature app.jar.sig. */
@Command(name = "sign", mixinStandardHelpOptions = true,
        description = {"Sign a bundle: writes JAR.sig (Ed25519 over the jar's SHA-256), which 'caravan deploy JAR' sends with it.",
                "  caravan sign app.jar --key .caravan/keys/release.key"})
public final class SignCommand implements Callable<Integer> {
    @Parameters(paramLabel = "JAR", description = "the bundle")
    Path jar;

    @Option(names = "--key", required = true, paramLabel = "FILE.key", description = "the private key (caravan keys new)")
    Path key;

    @Option(names = "--out", paramLabel = "FILE", description = "where the signature goes (default: JAR.sig)")
    Path out;

    @Override
    public Integer call() throws Exception {
        PrivateKeyFile k = PrivateKeyFile.read(key);
        if (!Files.isRegularFile(jar)) {
            throw ErrorCode.NOT_FOUND.exception("no file " + jar);
        }
        if (Files.size(jar) > NodeProtocol.MAX_BUNDLE_BYTES) {
            throw ErrorCode.TOO_LARGE.exception(jar + " is larger than a bundle may be (" + NodeProtocol.MAX_BUNDLE_BYTES + " bytes)");
        }
        String hash = BundleSignature.bundleHash(Files.readAllBytes(jar));
        Path target = out != null ? out : SignatureFiles.beside(jar);
        BundleSignature.sign(k, hash).write(target);
        System.out.println("signed " + jar + "  sha256 " + hash + "  key " + k.name() + " " + KeyId.shortForm(k.keyId())
                + "  -> " + target);
        return 0;
    }
}
