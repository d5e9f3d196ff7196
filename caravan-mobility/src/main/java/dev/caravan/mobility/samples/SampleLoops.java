package dev.caravan.mobility.samples;

import dev.caravan.mobility.enhance.LoopBundles;
import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * The built-in loop-process samples, enhanced at first use from their own class files (as a
 * bundle would be) into one loader shared by the node: the copies on the node's class path are
 * not enhanced and are never run.
 */
public final class SampleLoops {
    /** Binary names of the samples this loader enhances. */
    public static final String LOOP_COUNTER = "dev.caravan.mobility.samples.LoopCounter";

    private SampleLoops() {
    }

    /** Whether {@code className} is a loop sample (load it with {@link #loader()}). */
    public static boolean holds(String className) {
        return LOOP_COUNTER.equals(className);
    }

    /** The loader of the enhanced samples, made once. */
    public static ClassLoader loader() {
        return Holder.LOADER;
    }

    private static final class Holder {
        static final ClassLoader LOADER = enhance();
    }

    private static ClassLoader enhance() {
        String internal = LOOP_COUNTER.replace('.', '/');
        try (InputStream in = SampleLoops.class.getClassLoader().getResourceAsStream(internal + ".class")) {
            if (in == null) {
                throw ErrorCode.CLASS_LOAD_FAILED.exception("the node's class path has no " + LOOP_COUNTER);
            }
            return LoopBundles.enhance("samples", Map.of(internal, in.readAllBytes()), SampleLoops.class.getClassLoader()).loader();
        } catch (IOException e) {
            throw ErrorCode.CLASS_LOAD_FAILED.exception("cannot read " + LOOP_COUNTER + ": " + e.getMessage());
        }
    }
}
