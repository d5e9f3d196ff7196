package dev.caravan.mobility.enhance;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import net.tascalate.asmx.ClassReader;
import net.tascalate.asmx.tree.AbstractInsnNode;
import net.tascalate.asmx.tree.ClassNode;
import net.tascalate.asmx.tree.FieldInsnNode;
import net.tascalate.asmx.tree.MethodInsnNode;
import net.tascalate.asmx.tree.MethodNode;
import org.apache.commons.javaflow.providers.core.ContinuableClassTransformationFactory;
import org.apache.commons.javaflow.spi.ResourceTransformer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Analysis, refusal and JavaFlow enhancement of one bundle (see {@link LoopBundles}):
 * <ol>
 *   <li>parse the classes, compute the suspending methods ({@link SuspendingMethods});</li>
 *   <li>check what cannot be captured and collect live values ({@link CaptureCheck}); classes that
 *       JavaFlow already enhanced at build time (they carry {@code @Skip}) are only verified: every
 *       suspending call in them must be guarded;</li>
 *   <li>keep JavaFlow 2.7.8's call-site walk from throwing ({@link CallSiteSpill}), or refuse where it cannot;</li>
 *   <li>refuse with CODE_REFUSED if anything was found;</li>
 *   <li>mark suspending methods {@code @continuable} ({@link ContinuableMarker}) and run JavaFlow's
 *       transformer on the other classes, plus a per-bundle copy of {@link LoopRunner}.</li>
 * </ol>
 */
final class BundleEnhancer {
    static final String RUN_DESC = "(Ldev/caravan/core/mobility/LoopContext;)V";
    private static final String STACK_RECORDER = "org/apache/commons/javaflow/core/StackRecorder";
    private static final String LOOP_RUNNER = "dev/caravan/mobility/enhance/LoopRunner";
    /** Problems listed in a refusal; the rest are counted. */
    private static final int MAX_LISTED_PROBLEMS = 5;
    /** How many instructions after a call JavaFlow's capture check must start (it is the next one). */
    private static final int GUARD_WINDOW = 6;

    private BundleEnhancer() {
    }

    static EnhancedBundle enhance(String name, Map<String, byte[]> classes, Map<String, byte[]> resources,
                                  ClassLoader parent) {
        TypeHierarchy hierarchy = new TypeHierarchy(classes, parent);
        Map<String, ClassNode> nodes = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            ClassNode node = new ClassNode();
            try {
                new ClassReader(e.getValue()).accept(node, 0);
            } catch (RuntimeException ex) {
                throw new CaravanException(ErrorCode.CODE_REFUSED,
                        "bundle " + name + ": " + e.getKey() + " is not a readable class file (" + ex + ")");
            }
            nodes.put(node.name, node);
        }
        SuspendingMethods suspending = SuspendingMethods.of(nodes, hierarchy);
        CaptureCheck check = new CaptureCheck(nodes, suspending, hierarchy);
        check.checkAll();
        List<String> problems = new ArrayList<>(check.problems());
        Set<String> prebuilt = new HashSet<>();
        for (ClassNode node : nodes.values()) {
            if (ContinuableMarker.has(node.visibleAnnotations, ContinuableMarker.ENHANCED_MARK)) {
                prebuilt.add(node.name);
                problems.addAll(unguardedCalls(node, suspending));
            }
        }
        Map<String, Set<String>> toMark = methodsToMark(nodes, suspending, prebuilt);
        Map<String, byte[]> spilled = new HashMap<>();
        for (Map.Entry<String, Set<String>> e : toMark.entrySet()) {
            CallSiteSpill.Outcome o = CallSiteSpill.apply(classes.get(e.getKey()), e.getValue(), suspending);
            problems.addAll(o.problems());
            spilled.put(e.getKey(), o.bytes());
        }
        if (!problems.isEmpty()) {
            throw refusal(name, problems);
        }

        Map<String, List<LiveValue>> live = new LinkedHashMap<>();
        Map<String, List<String>> supertypes = BundleClasses.supertypes(classes);
        for (ClassNode node : nodes.values()) {
            if ((node.access & (net.tascalate.asmx.Opcodes.ACC_ABSTRACT | net.tascalate.asmx.Opcodes.ACC_INTERFACE)) == 0
                    && BundleClasses.implementsLoopProcess(node.name, supertypes)) {
                MethodKey run = runOf(node.name, nodes);
                live.put(node.name.replace('/', '.'), run == null ? List.of() : check.liveValuesFrom(run));
            }
        }

        Map<String, byte[]> marked = new HashMap<>();
        for (Map.Entry<String, Set<String>> e : toMark.entrySet()) {
            marked.put(e.getKey(), ContinuableMarker.mark(spilled.get(e.getKey()), e.getValue()));
        }
        marked.put(SuspendingMethods.LOOP_CONTEXT, ContinuableMarker.mark(
                hierarchy.classBytes(SuspendingMethods.LOOP_CONTEXT), SuspendingMethods.SUSPENSION_POINTS));
        marked.put(BundleClasses.LOOP_PROCESS, ContinuableMarker.mark(
                hierarchy.classBytes(BundleClasses.LOOP_PROCESS), Set.of("run" + RUN_DESC)));
        marked.put(LOOP_RUNNER, ContinuableMarker.mark(hierarchy.classBytes(LOOP_RUNNER), Set.of("run()V")));

        Map<String, byte[]> enhanced = new HashMap<>(classes);
        ResourceTransformer transformer = new ContinuableClassTransformationFactory()
                .createTransformer(new BundleResourceLoader(marked, hierarchy));
        try {
            for (Map.Entry<String, Set<String>> e : toMark.entrySet()) {
                String cls = e.getKey();
                byte[] out;
                try {
                    out = transformer.transform(marked.get(cls));
                } catch (RuntimeException ex) {
                    String method = JavaflowFailure.failingMethod(cls, spilled.get(cls), e.getValue(), marked, hierarchy);
                    throw JavaflowFailure.refusal(name, nodes.get(cls), method, ex);
                }
                if (out != null) {
                    enhanced.put(cls, out);
                }
            }
            byte[] runner = transform(name, transformer, LOOP_RUNNER, marked.get(LOOP_RUNNER));
            enhanced.put(LOOP_RUNNER, runner != null ? runner : marked.get(LOOP_RUNNER));
        } finally {
            transformer.release();
        }
        Set<String> suspendingNames = new TreeSet<>();
        suspending.all().forEach(m -> suspendingNames.add(m.toString()));
        return new EnhancedBundle(name, new BundleClassLoader(name, enhanced, resources, parent), live,
                suspendingNames, prebuilt, LoopCodeHash.of(classes, suspending));
    }

    private static byte[] transform(String bundle, ResourceTransformer transformer, String cls, byte[] bytes) {
        try {
            return transformer.transform(bytes);
        } catch (RuntimeException e) {
            throw new CaravanException(ErrorCode.CODE_REFUSED, "bundle " + bundle + ": JavaFlow could not enhance "
                    + cls.replace('/', '.') + ": " + JavaflowFailure.describe(e));
        }
    }

    /**
     * Per class to enhance at load, the methods JavaFlow must see as continuable: the suspending ones,
     * and the declarations (abstract ones too) that suspending calls go through, so their call sites
     * are guarded.
     */
    private static Map<String, Set<String>> methodsToMark(Map<String, ClassNode> nodes, SuspendingMethods suspending,
                                                          Set<String> prebuilt) {
        Map<String, Set<String>> toMark = new LinkedHashMap<>();
        for (MethodKey m : suspending.all()) {
            toMark.computeIfAbsent(m.owner(), k -> new HashSet<>()).add(m.name() + m.desc());
        }
        for (ClassNode node : nodes.values()) {
            for (MethodNode method : node.methods) {
                for (AbstractInsnNode insn : method.instructions) {
                    if (insn instanceof MethodInsnNode call && !suspending.isSuspensionPoint(call)
                            && !suspending.targets(call).isEmpty()) {
                        String declaring = declaringInBundle(call.owner, call.name, call.desc, nodes);
                        if (declaring != null) {
                            toMark.computeIfAbsent(declaring, k -> new HashSet<>()).add(call.name + call.desc);
                        }
                    }
                }
            }
        }
        toMark.keySet().removeAll(prebuilt);
        return toMark;
    }

    /** The bundle type among {@code owner} and its bundle supertypes that declares {@code name desc}. */
    private static String declaringInBundle(String owner, String name, String desc, Map<String, ClassNode> nodes) {
        ClassNode node = nodes.get(owner);
        if (node == null) {
            return null;
        }
        for (MethodNode method : node.methods) {
            if (method.name.equals(name) && method.desc.equals(desc)) {
                return owner;
            }
        }
        List<String> supers = new ArrayList<>(node.interfaces);
        if (node.superName != null) {
            supers.add(0, node.superName);
        }
        for (String s : supers) {
            String found = declaringInBundle(s, name, desc, nodes);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** The {@code run(LoopContext)} that {@code cls} runs: its own or inherited from a bundle superclass. */
    private static MethodKey runOf(String cls, Map<String, ClassNode> nodes) {
        for (ClassNode node = nodes.get(cls); node != null; node = nodes.get(node.superName)) {
            for (MethodNode method : node.methods) {
                if (method.name.equals("run") && method.desc.equals(RUN_DESC)) {
                    return new MethodKey(node.name, method.name, method.desc);
                }
            }
        }
        return null;
    }

    /**
     * Suspending calls in a class enhanced at build time that JavaFlow did not guard (no capture
     * check right after the call): that code was built without the {@code @continuable}/{@code @ccs}
     * marks it needed and would corrupt the continuation at run time.
     */
    private static List<String> unguardedCalls(ClassNode node, SuspendingMethods suspending) {
        List<String> problems = new ArrayList<>();
        for (MethodNode method : node.methods) {
            int line = -1;
            for (AbstractInsnNode insn : method.instructions) {
                if (insn instanceof net.tascalate.asmx.tree.LineNumberNode ln) {
                    line = ln.line;
                }
                if (insn instanceof MethodInsnNode call && suspending.isSuspendingCall(call) && !isGuarded(call)) {
                    String callee = suspending.isSuspensionPoint(call) ? "ctx." + call.name + "()"
                            : call.owner.substring(call.owner.lastIndexOf('/') + 1) + "." + call.name + "()";
                    problems.add(CaptureCheck.site(node, method, line) + ": " + callee
                            + " was not enhanced at build time: mark the method @continuable and call through a local "
                            + "\"@ccs LoopContext c = ctx;\" (docs/mobility.md, Enhancing at build time)");
                }
            }
        }
        return problems;
    }

    private static boolean isGuarded(MethodInsnNode call) {
        int seen = 0;
        for (AbstractInsnNode insn = call.getNext(); insn != null && seen < GUARD_WINDOW; insn = insn.getNext()) {
            if (insn.getOpcode() < 0) {
                continue;
            }
            seen++;
            if (insn instanceof FieldInsnNode field && field.owner.equals(STACK_RECORDER)
                    && field.name.equals("isCapturing")) {
                return true;
            }
        }
        return false;
    }

    private static CaravanException refusal(String bundle, List<String> problems) {
        StringBuilder message = new StringBuilder("bundle ").append(bundle)
                .append(": code that cannot be captured for strong mobility: ");
        for (int i = 0; i < Math.min(problems.size(), MAX_LISTED_PROBLEMS); i++) {
            message.append(i == 0 ? "" : "; ").append(problems.get(i));
        }
        if (problems.size() > MAX_LISTED_PROBLEMS) {
            message.append("; and ").append(problems.size() - MAX_LISTED_PROBLEMS).append(" more");
        }
        return new CaravanException(ErrorCode.CODE_REFUSED, message.toString());
    }
}
