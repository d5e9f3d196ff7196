package dev.caravan.node;

import dev.caravan.core.mobility.LoopProcess;
import dev.caravan.core.process.CaravanProcess;
import dev.caravan.mobility.enhance.EnhancedBundle;
import dev.caravan.mobility.runtime.CodecCheck;
import dev.caravan.mobility.runtime.LoopProcessHost;
import dev.caravan.mobility.samples.SampleLoops;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.ProcessSpec;

import java.util.Map;

/** Instantiates the code of a process: a built-in sample, or a class from a stored bundle. */
final class ProcessFactory {
    /** Built-in samples by name, loaded from the node's own class path. */
    static final Map<String, String> SAMPLES = Map.of("kv", "dev.caravan.kv.KvProcess",
            "http", "dev.caravan.servers.samples.HttpSampleProcess", "loop-counter", SampleLoops.LOOP_COUNTER);
    /** What a sample's clients speak unless its deployment says otherwise ({@link DataEndpoint#PROTOCOL_KEY}). */
    static final Map<String, String> SAMPLE_PROTOCOLS = Map.of("http", "http");

    private final BundleStore bundles;

    ProcessFactory(BundleStore bundles) {
        this.bundles = bundles;
    }

    CaravanProcess create(ProcessSpec spec) {
        ClassLoader loader;
        String className;
        if (!spec.sample().isEmpty()) {
            className = SAMPLES.get(spec.sample());
            if (className == null) {
                throw ErrorCode.NOT_FOUND.exception("no sample '" + spec.sample() + "'; samples: " + SAMPLES.keySet());
            }
            loader = SampleLoops.holds(className) ? SampleLoops.loader() : ProcessFactory.class.getClassLoader();
        } else {
            className = spec.className();
            loader = bundles.loader(spec.bundleHash(), className);
        }
        Class<?> cls;
        try {
            cls = Class.forName(className, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw ErrorCode.CLASS_LOAD_FAILED.exception("cannot load " + className + ": " + e);
        }
        if (LoopProcess.class.isAssignableFrom(cls)) {
            return loopHost(spec, cls);
        }
        if (!CaravanProcess.class.isAssignableFrom(cls)) {
            throw ErrorCode.CLASS_LOAD_FAILED.exception(className + " does not implement " + CaravanProcess.class.getName()
                    + " or " + LoopProcess.class.getName());
        }
        return instantiate(cls);
    }

    /**
     * A loop process (strong mobility) runs in a {@link LoopProcessHost}; what its continuation
     * must carry is checked here, at deploy and at every arrival, so that a process that could
     * not be captured is refused before it runs (CODE_REFUSED).
     */
    private CaravanProcess loopHost(ProcessSpec spec, Class<?> cls) {
        boolean sample = !spec.sample().isEmpty();
        EnhancedBundle bundle = sample ? null : bundles.enhanced(spec.bundleHash());
        LoopProcessHost host = new LoopProcessHost((LoopProcess) construct(cls), sample ? "" : spec.bundleHash(),
                bundle == null ? "" : bundle.loopCodeHash());
        if (bundle != null) {
            CodecCheck.check(cls, host.codecs(), bundle.liveValues(cls.getName()));
        }
        return host;
    }

    /**
     * A new instance through the public no-argument constructor. CLASS_LOAD_FAILED says which
     * of the two went wrong: there is no such constructor (or the class is abstract), or the
     * constructor itself threw, with that exception's type and message.
     */
    static CaravanProcess instantiate(Class<?> cls) {
        return (CaravanProcess) construct(cls);
    }

    /** {@link #instantiate} for any class (a {@link LoopProcess} is not a {@link CaravanProcess}). */
    static Object construct(Class<?> cls) {
        String className = cls.getName();
        java.lang.reflect.Constructor<?> constructor;
        try {
            constructor = cls.getConstructor();
        } catch (NoSuchMethodException e) {
            throw ErrorCode.CLASS_LOAD_FAILED.exception("cannot instantiate " + className
                    + ": it needs a public no-argument constructor");
        }
        if (java.lang.reflect.Modifier.isAbstract(cls.getModifiers())) {
            throw ErrorCode.CLASS_LOAD_FAILED.exception("cannot instantiate " + className + ": it is abstract");
        }
        try {
            return constructor.newInstance();
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw ErrorCode.CLASS_LOAD_FAILED.exception("the constructor of " + className + " threw "
                    + cause.getClass().getName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            throw ErrorCode.CLASS_LOAD_FAILED.exception("cannot instantiate " + className + ": " + e);
        }
    }
}
