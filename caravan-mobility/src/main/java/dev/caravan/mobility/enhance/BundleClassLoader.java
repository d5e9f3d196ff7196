package dev.caravan.mobility.enhance;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URL;
import java.util.Map;

/**
 * Defines a bundle's classes from given (enhanced) bytes and serves its resources as they are;
 * child-first for bundle classes, parent-first for everything else.
 */
final class BundleClassLoader extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    private final Map<String, byte[]> classesByInternalName;
    private final Map<String, byte[]> resources;

    BundleClassLoader(String bundleName, Map<String, byte[]> classesByInternalName, Map<String, byte[]> resources,
                      ClassLoader parent) {
        super("bundle:" + bundleName, parent);
        this.classesByInternalName = Map.copyOf(classesByInternalName);
        this.resources = Map.copyOf(resources);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                byte[] bytes = classesByInternalName.get(name.replace('.', '/'));
                loaded = bytes != null ? defineClass(name, bytes, 0, bytes.length) : super.loadClass(name, false);
            }
            if (resolve) {
                resolveClass(loaded);
            }
            return loaded;
        }
    }

    /**
     * A bundle resource as it is in the bundle; for a bundle class ({@code a/b/C.class}) the bytes the
     * class was defined from (enhanced); anything else from the parent.
     */
    @Override
    public InputStream getResourceAsStream(String name) {
        byte[] bytes = name.endsWith(".class")
                ? classesByInternalName.get(name.substring(0, name.length() - ".class".length()))
                : resources.get(name);
        if (bytes != null) {
            return new ByteArrayInputStream(bytes);
        }
        return super.getResourceAsStream(name);
    }

    @Override
    protected URL findResource(String name) {
        return null;
    }
}
