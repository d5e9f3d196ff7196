package dev.caravan.cli.commands.keys;

import dev.caravan.client.NodeControl;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.nio.file.Path;

/** Pushing a jar with its signature ({@link SignatureFiles#forJar}), a refusal naming the file. Stateless. */
public final class Signed {
    private Signed() {
    }

    /**
     * Pushes {@code bytes} (read from {@code jar}) with its signature; returns the bundle's hash.
     *
     * @param explicitSignature {@code --signature FILE}, or null for {@code JAR.sig} when present
     * @throws CaravanException UNTRUSTED_CODE naming {@code jar} and the node's reason
     */
    public static String push(NodeControl node, Path jar, byte[] bytes, Path explicitSignature) throws IOException {
        byte[] signature = SignatureFiles.forJar(jar, explicitSignature);
        try {
            return node.putBundle(bytes, signature);
        } catch (CaravanException e) {
            if (e.code() == ErrorCode.UNTRUSTED_CODE) {
                throw ErrorCode.UNTRUSTED_CODE.exception(jar.getFileName() + ": " + e.getMessage());
            }
            throw e;
        }
    }
}
