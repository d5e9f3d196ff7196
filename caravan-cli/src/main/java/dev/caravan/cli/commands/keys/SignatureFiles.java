package dev.caravan.cli.commands.keys;

import dev.caravan.wire.security.signing.BundleSignature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a bundle's detached signature is found: {@code --signature FILE} when given, else
 * {@code JAR.sig} beside the jar when it exists, else none (the node decides whether unsigned
 * code is allowed).
 */
public final class SignatureFiles {
    private SignatureFiles() {
    }

    /** {@code app.jar} → {@code app.jar.sig}. */
    public static Path beside(Path jar) {
        return jar.resolveSibling(jar.getFileName() + ".sig");
    }

    /**
     * The signature bytes to push with {@code jar}, parsed to refuse a malformed file here; null when there is none.
     *
     * @param explicit {@code --signature FILE}, or null
     * @throws dev.caravan.wire.CaravanException NOT_FOUND when {@code explicit} is missing, MALFORMED when it is not a signature
     */
    public static byte[] forJar(Path jar, Path explicit) throws IOException {
        Path file = explicit != null ? explicit : beside(jar);
        if (explicit == null && !Files.exists(file)) {
            return null;
        }
        return BundleSignature.read(file).toBytes();
    }
}
