package dev.caravan.cli.commands;

import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.NodeProtocol;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;

/**
 * A client bundle given to {@code caravan deploy --client-bundle}: its bytes, and its entry class
 * from {@code --client-class} or else from the jar manifest's {@value #MANIFEST_ATTRIBUTE}.
 */
record ClientBundleJar(byte[] bytes, String entryClass) {
    /** The manifest attribute naming a client bundle's entry class. */
    static final String MANIFEST_ATTRIBUTE = "Caravan-Client-Class";

    /**
     * @throws dev.caravan.wire.CaravanException NOT_FOUND (no such file), TOO_LARGE, MALFORMED (not a jar),
     *                                           INVALID_ARGUMENT (no entry class given or declared)
     */
    static ClientBundleJar read(Path jar, String entryClass) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw ErrorCode.NOT_FOUND.exception("no such file: " + jar);
        }
        if (Files.size(jar) > NodeProtocol.MAX_BUNDLE_BYTES) {
            throw ErrorCode.TOO_LARGE.exception(jar + " is larger than a bundle may be (" + NodeProtocol.MAX_BUNDLE_BYTES + " bytes)");
        }
        byte[] bytes = Files.readAllBytes(jar);
        if (bytes.length < 4 || bytes[0] != 'P' || bytes[1] != 'K') {
            throw ErrorCode.MALFORMED.exception(jar + " is not a jar file");
        }
        String entry = entryClass;
        if (entry == null) {
            try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(bytes))) {
                Manifest m = in.getManifest();
                String declared = m == null ? null : m.getMainAttributes().getValue(MANIFEST_ATTRIBUTE);
                if (declared == null || declared.isBlank()) {
                    throw ErrorCode.INVALID_ARGUMENT.exception("give --client-class CLASS: " + jar + " declares no "
                            + MANIFEST_ATTRIBUTE + " in its manifest");
                }
                entry = declared.strip();
            }
        }
        BundleJar.requireClass(jar, bytes, entry, entryClass != null ? "--client-class" : MANIFEST_ATTRIBUTE);
        return new ClientBundleJar(bytes, entry);
    }
}
