package dev.caravan.mobility.enhance;

import org.apache.commons.javaflow.spi.ResourceLoader;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Map;

/**
 * What JavaFlow's resolver and frame computation read while enhancing one bundle: the marked bytes
 * of bundle classes (and of {@code LoopContext}/{@code LoopProcess}, marked continuable here since
 * caravan-core does not depend on JavaFlow), everything else from the loaders behind
 * {@link TypeHierarchy}. A fresh instance per enhancement: JavaFlow caches what it resolved per loader.
 */
final class BundleResourceLoader implements ResourceLoader {
    private final Map<String, byte[]> marked;
    private final TypeHierarchy hierarchy;

    /** @param marked internal class name to the bytes JavaFlow must see for it */
    BundleResourceLoader(Map<String, byte[]> marked, TypeHierarchy hierarchy) {
        this.marked = marked;
        this.hierarchy = hierarchy;
    }

    @Override
    public boolean hasResource(String name) {
        return bytes(name) != null;
    }

    @Override
    public InputStream getResourceAsStream(String name) {
        byte[] bytes = bytes(name);
        return bytes == null ? null : new ByteArrayInputStream(bytes);
    }

    private byte[] bytes(String name) {
        if (!name.endsWith(".class")) {
            return null;
        }
        String internalName = name.substring(0, name.length() - ".class".length());
        byte[] bytes = marked.get(internalName);
        return bytes != null ? bytes : hierarchy.classBytes(internalName);
    }
}
