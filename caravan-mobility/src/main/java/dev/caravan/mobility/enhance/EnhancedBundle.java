package dev.caravan.mobility.enhance;

import dev.caravan.core.mobility.LoopContext;
import dev.caravan.core.mobility.LoopProcess;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A strong-mobility bundle after {@link LoopBundles#enhance}: a class loader whose bundle classes are
 * the JavaFlow-enhanced bytes, and what is live at each suspension point of each loop process.
 * Immutable and safe to share between threads.
 */
public final class EnhancedBundle {
    private final String name;
    private final ClassLoader loader;
    private final Map<String, List<LiveValue>> liveValuesByLoopClass;
    private final Set<String> suspendingMethods;
    private final Set<String> enhancedAtBuildTime;
    private final String loopCodeHash;

    EnhancedBundle(String name, ClassLoader loader, Map<String, List<LiveValue>> liveValuesByLoopClass,
                   Set<String> suspendingMethods, Set<String> enhancedAtBuildTime, String loopCodeHash) {
        this.loopCodeHash = loopCodeHash;
        this.name = name;
        this.loader = loader;
        this.liveValuesByLoopClass = Map.copyOf(liveValuesByLoopClass);
        this.suspendingMethods = Set.copyOf(suspendingMethods);
        this.enhancedAtBuildTime = Set.copyOf(enhancedAtBuildTime);
    }

    /**
     * The bottom frame for {@code Continuation.startWith}: a {@link Runnable} (this bundle's enhanced
     * copy of {@link LoopRunner}) that calls {@code process.run(ctx)}. It is the continuation's
     * {@code Stack.runnable} and sits in its reference/object stacks: a continuation format writes it
     * as a token and calls this again when rebuilding.
     *
     * @param process an instance of a loop process class of this bundle
     */
    public Runnable runner(LoopProcess process, LoopContext ctx) {
        try {
            return (Runnable) loader.loadClass(LoopRunner.class.getName())
                    .getConstructor(LoopProcess.class, LoopContext.class).newInstance(process, ctx);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("bundle " + name + " has no enhanced LoopRunner", e);
        }
    }

    /** Internal names of the classes JavaFlow had already enhanced at build time (verified, not enhanced again). */
    public Set<String> enhancedAtBuildTime() {
        return enhancedAtBuildTime;
    }

    /**
     * Hex SHA-256 of the bytecode of the bundle's suspending methods ({@code LoopCodeHash}): two
     * bundles with the same one can resume each other's suspended continuations.
     */
    public String loopCodeHash() {
        return loopCodeHash;
    }

    /** The bundle's name, as given to {@code enhance}. */
    public String name() {
        return name;
    }

    /**
     * Loader of the bundle: bundle classes are defined from their enhanced bytes (child-first), anything
     * else is delegated to the parent given to {@code enhance}. {@code getResourceAsStream} serves the
     * bundle's resources as they are and, for {@code a/b/C.class}, the bytes C was defined from;
     * {@code getResource} (URLs) does not see bundle resources.
     */
    public ClassLoader loader() {
        return loader;
    }

    /** Binary names of the bundle's classes implementing {@code LoopProcess} (not abstract ones). */
    public Set<String> loopProcessClasses() {
        return liveValuesByLoopClass.keySet();
    }

    /**
     * Every reference-typed value live at a suspension point reachable from
     * {@code loopProcessClassName}'s {@code run} (duplicates of the same type at the same site
     * removed), in bytecode order per method.
     *
     * @param loopProcessClassName binary name ({@code com.acme.Counter})
     * @throws IllegalArgumentException if that class is not a loop process of this bundle
     */
    public List<LiveValue> liveValues(String loopProcessClassName) {
        List<LiveValue> values = liveValuesByLoopClass.get(loopProcessClassName);
        if (values == null) {
            throw new IllegalArgumentException("not a LoopProcess of bundle " + name + ": " + loopProcessClassName);
        }
        return values;
    }

    /** Suspending methods as {@code internal/Owner.name(desc)}, for diagnostics and tests. */
    public Set<String> suspendingMethods() {
        return suspendingMethods;
    }
}
