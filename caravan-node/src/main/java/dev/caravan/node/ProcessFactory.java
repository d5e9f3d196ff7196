package dev.caravan.node;

import dev.caravan.core.process.CaravanProcess;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.ProcessSpec;

import java.util.Map;

/** Instantiates the code of a process: a built-in sample, or a class from a stored bundle. */
final class ProcessFactory {
    /** Built-in samples by name, loaded from the node's own class path. */
    static final Map<String, String> SAMPLES = Map.of("kv", "dev.caravan.kv.KvProcess",
            "http", "dev.caravan.servers.samples.HttpSampleProcess");
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
            loader = ProcessFactory.class.getClassLoader();
        } else {
            className = spec.className();
            loader = bundles.loader(spec.bundleHash());
        }
        Class<?> cls;
        try {
            cls = Class.forName(className, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw ErrorCode.CLASS_LOAD_FAILED.exception("cannot load " + className + ": " + e);
        }
        if (!CaravanProcess.class.isAssignableFrom(cls)) {
            throw ErrorCode.CLASS_LOAD_FAILED.exception(className + " does not implement " + CaravanProcess.class.getName());
        }
        return instantiate(cls);
    }

    /**
     * A new instance through the public no-argument constructor. CLASS_LOAD_FAILED says which
     * of the two went wrong: there is no such constructor (or the class is abstract), or the
     * constructor itself threw, with that exception's type and message.
     */
    static CaravanProcess instantiate(Class<?> cls) {
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
            return (CaravanProcess) constructor.newInstance();
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw ErrorCode.CLASS_LOAD_FAILED.exception("the constructor of " + className + " threw "
                    + cause.getClass().getName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            throw ErrorCode.CLASS_LOAD_FAILED.exception("cannot instantiate " + className + ": " + e);
        }
    }
}
