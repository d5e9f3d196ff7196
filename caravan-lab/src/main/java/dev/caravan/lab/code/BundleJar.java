package dev.caravan.lab.code;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Packs classes this JVM has loaded into a code bundle (a jar, in memory), for shipping them. */
public final class BundleJar {
    private BundleJar() {
    }

    /** A jar of {@code classes}' class files, deterministic (entry times zero). */
    public static byte[] of(Class<?>... classes) {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes)) {
            JarEntry m = new JarEntry("META-INF/MANIFEST.MF");
            m.setTime(0);
            jar.putNextEntry(m);
            manifest.write(jar);
            jar.closeEntry();
            for (Class<?> c : classes) {
                String path = c.getName().replace('.', '/') + ".class";
                try (InputStream in = c.getClassLoader().getResourceAsStream(path)) {
                    if (in == null) {
                        throw new IllegalStateException("class file " + path + " is not on the class path");
                    }
                    JarEntry e = new JarEntry(path);
                    e.setTime(0);
                    jar.putNextEntry(e);
                    in.transferTo(jar);
                    jar.closeEntry();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
