package dev.caravan.cli.bench.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Rewrites, in place, the class files of a jar that are older than Java 6 (class file version
 * below 50) as Java 8 class files (version 52) with stack map frames, so that the JDK's
 * ahead-of-time cache can hold them: it skips classes that need the old type-inferring verifier
 * ("Unlinked class not supported by AOTClassLinking"). picocli 4.7 is compiled for Java 5, and
 * loading and verifying its ~200 classes from the jar was a third of {@code caravan --help}.
 *
 * <p>The bytecode is not changed: each method body is passed through the JDK's class-file API,
 * which computes the frames. Every rewritten class is checked with the JDK's verifier of that
 * API; a class that does not verify, or whose types cannot be resolved, keeps its original bytes
 * (it then loads as before, outside the cache). Signed jars and jars without old classes are left
 * alone. The launcher runs this on {@code caravan-cli/target/lib/*.jar} before it trains the
 * cache; running it twice changes nothing. Prints one line per rewritten jar.
 */
public final class OldClassUpgrade {
    /** Java 6: the first class file version verified with stack map frames (and cached by the AOT cache). */
    static final int FIRST_FRAMED_VERSION = 50;
    /** Java 8. */
    static final int TARGET_VERSION = 52;

    private OldClassUpgrade() {
    }

    public static void main(String[] jars) throws IOException {
        for (String jar : jars) {
            if (!Files.isRegularFile(Path.of(jar))) {
                continue; // an unmatched glob of the launcher: nothing to upgrade
            }
            int rewritten = upgrade(Path.of(jar));
            if (rewritten > 0) {
                System.out.println(jar + ": " + rewritten + " class files rewritten as version " + TARGET_VERSION);
            }
        }
    }

    /** Upgrades {@code jar} in place (through a temporary file beside it); returns how many classes were rewritten. */
    static int upgrade(Path jar) throws IOException {
        if (!hasOldClasses(jar)) {
            return 0;
        }
        Path tmp = jar.resolveSibling(jar.getFileName() + ".upgrading");
        int rewritten = 0;
        try (URLClassLoader jarClasses = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
             JarFile in = new JarFile(jar.toFile());
             OutputStream file = Files.newOutputStream(tmp);
             JarOutputStream out = new JarOutputStream(file)) {
            ClassFile cf = ClassFile.of(ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
                    ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.defaultResolver()
                            .orElse(ClassHierarchyResolver.ofResourceParsing(jarClasses))));
            for (Enumeration<JarEntry> entries = in.entries(); entries.hasMoreElements(); ) {
                JarEntry e = entries.nextElement();
                byte[] bytes;
                try (InputStream s = in.getInputStream(e)) {
                    bytes = s.readAllBytes();
                }
                if (isOldClass(e.getName(), bytes)) {
                    byte[] upgraded = upgradeClass(cf, bytes);
                    if (upgraded != bytes) {
                        rewritten++;
                        bytes = upgraded;
                    }
                }
                JarEntry copy = new JarEntry(e.getName());
                copy.setTime(e.getTime());
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return rewritten;
    }

    /** The class as version {@link #TARGET_VERSION} with frames, or {@code original} itself when that fails to verify. */
    static byte[] upgradeClass(ClassFile cf, byte[] original) {
        try {
            byte[] upgraded = cf.transformClass(cf.parse(original),
                    ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL).andThen((builder, element) -> {
                        if (element instanceof ClassFileVersion) {
                            builder.withVersion(TARGET_VERSION, 0);
                        } else {
                            builder.with(element);
                        }
                    }));
            return cf.verify(upgraded).isEmpty() ? upgraded : original;
        } catch (IllegalArgumentException | IllegalStateException unresolvedOrMalformed) {
            return original;
        }
    }

    private static boolean hasOldClasses(Path jar) throws IOException {
        try (JarFile in = new JarFile(jar.toFile())) {
            boolean old = false;
            for (Enumeration<JarEntry> entries = in.entries(); entries.hasMoreElements(); ) {
                JarEntry e = entries.nextElement();
                String name = e.getName().toUpperCase(java.util.Locale.ROOT);
                if (name.startsWith("META-INF/") && (name.endsWith(".SF") || name.endsWith(".RSA") || name.endsWith(".DSA")
                        || name.endsWith(".EC"))) {
                    return false; // signed: a rewritten class would break the signature
                }
                if (!old && e.getName().endsWith(".class")) {
                    try (InputStream s = in.getInputStream(e)) {
                        old = isOldClass(e.getName(), s.readNBytes(8));
                    }
                }
            }
            return old;
        }
    }

    /** A class file (not a module descriptor nor a versioned entry) whose major version is below 50. */
    private static boolean isOldClass(String name, byte[] head) {
        if (!name.endsWith(".class") || name.endsWith("module-info.class") || name.startsWith("META-INF/") || head.length < 8) {
            return false;
        }
        boolean magic = (head[0] & 0xff) == 0xca && (head[1] & 0xff) == 0xfe && (head[2] & 0xff) == 0xba && (head[3] & 0xff) == 0xbe;
        int major = ((head[6] & 0xff) << 8) | (head[7] & 0xff);
        return magic && major < FIRST_FRAMED_VERSION;
    }
}
