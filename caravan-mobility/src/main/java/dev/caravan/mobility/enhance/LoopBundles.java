package dev.caravan.mobility.enhance;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

import java.nio.file.Path;
import java.util.Map;

/**
 * Entry point of load-time enhancement for strong mobility: finds {@code LoopProcess} classes in a
 * bundle, refuses code whose execution state cannot be captured, marks the suspending methods and
 * runs Tascalate JavaFlow's transformer over them.
 *
 * <p>Stateless and thread-safe; every call reads and analyses the bundle anew.
 */
public final class LoopBundles {
    private LoopBundles() {
    }

    /**
     * Whether any class in the jar implements {@code dev.caravan.core.mobility.LoopProcess}, directly
     * or through a superclass or interface in the jar.
     *
     * @throws CaravanException INVALID_ARGUMENT if the jar cannot be read
     */
    public static boolean hasLoopProcesses(Path jar) {
        return BundleClasses.hasLoopProcesses(BundleClasses.read(jar).classes());
    }

    /**
     * Enhances the bundle in {@code jar}; see {@link #enhance(String, Map, ClassLoader)}.
     *
     * @throws CaravanException INVALID_ARGUMENT if the jar cannot be read, CODE_REFUSED as below
     */
    public static EnhancedBundle enhance(String name, Path jar, ClassLoader parent) {
        BundleClasses bundle = BundleClasses.read(jar);
        return BundleEnhancer.enhance(name, bundle.classes(), bundle.resources(), parent);
    }

    /**
     * Enhances an in-memory bundle.
     *
     * @param classes internal class name ({@code com/acme/Counter}) to class-file bytes; not modified
     * @param parent  the parent of the returned loader; also where types outside the bundle are
     *                looked up for the analysis
     * @throws CaravanException {@link ErrorCode#CODE_REFUSED} if code on a suspending path cannot be
     *                          captured; the message names class, method and line of each problem
     *                          (the first few, one per line joined by "; ")
     */
    public static EnhancedBundle enhance(String name, Map<String, byte[]> classes, ClassLoader parent) {
        return BundleEnhancer.enhance(name, classes, Map.of(), parent);
    }
}
