package dev.caravan.cli.commands;

import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.NodeProtocol;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;

/**
 * A process bundle given to {@code caravan deploy JAR}, checked before anything is pushed: a readable
 * jar file no larger than a bundle may be. Its class is not looked for in it (a bundle may run a
 * class the node already has, such as a sample's); {@link #requireClass} is for jars that must hold
 * their entry class (client bundles).
 */
final class BundleJar {
    private BundleJar() {
    }

    /**
     * The bytes of {@code jar}.
     *
     * @throws dev.caravan.wire.CaravanException NOT_FOUND (no such file), TOO_LARGE, MALFORMED (not a jar)
     */
    static byte[] read(Path jar, String className) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw ErrorCode.NOT_FOUND.exception("no such file: " + jar);
        }
        if (!Files.isReadable(jar)) {
            throw ErrorCode.NOT_FOUND.exception("cannot read " + jar + ": permission denied");
        }
        if (Files.size(jar) > NodeProtocol.MAX_BUNDLE_BYTES) {
            throw ErrorCode.TOO_LARGE.exception(jar + " is larger than a bundle may be (" + NodeProtocol.MAX_BUNDLE_BYTES + " bytes)");
        }
        byte[] bytes = Files.readAllBytes(jar);
        if (!readableJar(bytes)) {
            throw ErrorCode.MALFORMED.exception(jar + " is not a jar file; give the jar holding " + className);
        }
        return bytes;
    }

    /**
     * Refuses {@code bytes} (the jar {@code jar}) unless it holds {@code className}'s class file;
     * {@code option} names where the class name came from.
     */
    static void requireClass(Path jar, byte[] bytes, String className, String option) throws IOException {
        String entry = className.replace('.', '/') + ".class";
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(bytes), false)) {
            for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                if (e.getName().equals(entry)) {
                    return;
                }
            }
        }
        throw ErrorCode.NOT_FOUND.exception("no class " + className + " (" + option + ") in " + jar + "; check the name");
    }

    private static boolean readableJar(byte[] bytes) {
        if (bytes.length < 4 || bytes[0] != 'P' || bytes[1] != 'K') {
            return false;
        }
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(bytes), false)) {
            while (in.getNextJarEntry() != null) {
                in.closeEntry();
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
