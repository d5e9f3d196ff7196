package dev.caravan.mobility.enhance;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Analysis, refusal and JavaFlow enhancement of one bundle (see {@link LoopBundles}). */
final class BundleEnhancer {
    private BundleEnhancer() {
    }

    static EnhancedBundle enhance(String name, Map<String, byte[]> classes, Map<String, byte[]> resources,
                                  ClassLoader parent) {
        Map<String, List<String>> supertypes = BundleClasses.supertypes(classes);
        Map<String, List<LiveValue>> live = new HashMap<>();
        for (String cls : supertypes.keySet()) {
            if (BundleClasses.implementsLoopProcess(cls, supertypes)) {
                live.put(cls.replace('/', '.'), List.of());
            }
        }
        return new EnhancedBundle(name, new BundleClassLoader(name, classes, resources, parent), live, Set.of());
    }
}
