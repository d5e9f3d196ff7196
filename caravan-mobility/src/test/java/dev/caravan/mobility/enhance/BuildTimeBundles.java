package dev.caravan.mobility.enhance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The class bytes a bundle loader defined: what JavaFlow's build-time enhancer would have written. */
final class BuildTimeBundles {
    private BuildTimeBundles() {
    }

    /** Internal name to defined (enhanced) bytes of {@code type} and its nested classes. */
    static Map<String, byte[]> definedBytes(EnhancedBundle bundle, Class<?> type) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String name : Fixtures.bundleOf(type).keySet()) {
            try (InputStream in = bundle.loader().getResourceAsStream(name + ".class")) {
                out.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
