package dev.caravan.mobility.enhance;

import net.tascalate.asmx.Handle;
import net.tascalate.asmx.Opcodes;
import net.tascalate.asmx.Type;
import net.tascalate.asmx.tree.AbstractInsnNode;
import net.tascalate.asmx.tree.ClassNode;
import net.tascalate.asmx.tree.InvokeDynamicInsnNode;
import net.tascalate.asmx.tree.LineNumberNode;
import net.tascalate.asmx.tree.MethodInsnNode;
import net.tascalate.asmx.tree.MethodNode;
import net.tascalate.asmx.tree.analysis.Analyzer;
import net.tascalate.asmx.tree.analysis.AnalyzerException;
import net.tascalate.asmx.tree.analysis.BasicValue;
import net.tascalate.asmx.tree.analysis.Frame;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks the suspending methods of a bundle (on their original bytes) and finds what JavaFlow would
 * capture at each suspending call — every reference value in the verifier's frame except the
 * callee's receiver and arguments — and what can never be captured: a lambda or method reference
 * on a suspending path, a suspension inside {@code synchronized}, an {@code Iterator} held across a
 * suspension point. Problems are collected, not thrown, so one refusal lists them all.
 */
final class CaptureCheck {
    private static final String LAMBDA_METAFACTORY = "java/lang/invoke/LambdaMetafactory";
    private static final String ITERATOR = "java/util/Iterator";
    /** Types JavaFlow's own enhanced code keeps in locals: never part of the author's state. */
    private static final Set<String> JAVAFLOW_INTERNAL = Set.of("org/apache/commons/javaflow/core/StackRecorder");
    private static final int MAX_MONITOR_DEPTH = 16;

    private final Map<String, ClassNode> classes;
    private final SuspendingMethods suspending;
    private final TypeHierarchy hierarchy;
    private final List<String> problems = new ArrayList<>();
    private final Map<MethodKey, List<LiveValue>> liveByMethod = new HashMap<>();

    CaptureCheck(Map<String, ClassNode> classes, SuspendingMethods suspending, TypeHierarchy hierarchy) {
        this.classes = classes;
        this.suspending = suspending;
        this.hierarchy = hierarchy;
    }

    /** Checks every class of the bundle; afterwards {@link #problems} and {@link #liveValuesFrom} answer. */
    void checkAll() {
        for (ClassNode cls : classes.values()) {
            for (MethodNode method : cls.methods) {
                checkMethod(cls, method);
            }
        }
    }

    /** One line per problem, in the order found. */
    List<String> problems() {
        return problems;
    }

    /**
     * Live values at every suspending call reachable from {@code entry} through suspending calls,
     * each (type, site) once.
     */
    List<LiveValue> liveValuesFrom(MethodKey entry) {
        Set<LiveValue> values = new LinkedHashSet<>();
        Deque<MethodKey> todo = new ArrayDeque<>(List.of(entry));
        Set<MethodKey> seen = new LinkedHashSet<>();
        while (!todo.isEmpty()) {
            MethodKey key = todo.pop();
            if (!seen.add(key)) {
                continue;
            }
            values.addAll(liveByMethod.getOrDefault(key, List.of()));
            MethodNode method = method(key);
            if (method == null) {
                continue;
            }
            for (AbstractInsnNode insn : method.instructions) {
                if (insn instanceof MethodInsnNode call) {
                    todo.addAll(suspending.targets(call));
                }
            }
        }
        return List.copyOf(values);
    }

    private MethodNode method(MethodKey key) {
        ClassNode cls = classes.get(key.owner());
        if (cls != null) {
            for (MethodNode method : cls.methods) {
                if (method.name.equals(key.name()) && method.desc.equals(key.desc())) {
                    return method;
                }
            }
        }
        return null;
    }

    private void checkMethod(ClassNode cls, MethodNode method) {
        MethodKey key = new MethodKey(cls.name, method.name, method.desc);
        boolean isSuspending = suspending.isSuspending(key);
        int[] lines = lines(method);
        if (isSuspending && (method.name.equals("<init>") || method.name.equals("<clinit>"))) {
            problems.add(site(cls, method, firstSuspendingLine(method, lines)) + ": a constructor or static initializer suspends ("
                    + firstSuspendingCall(method) + "); JavaFlow cannot capture such a frame: suspend before or after it");
        }
        if (isSuspending && (method.access & Opcodes.ACC_SYNCHRONIZED) != 0) {
            problems.add(site(cls, method, firstSuspendingLine(method, lines)) + ": a synchronized method suspends ("
                    + firstSuspendingCall(method) + "); a lock cannot move with the process: "
                    + "suspend outside synchronized code");
        }
        for (AbstractInsnNode insn : method.instructions) {
            if (insn instanceof InvokeDynamicInsnNode indy && isLambda(indy)
                    && indy.bsmArgs.length > 1 && indy.bsmArgs[1] instanceof Handle impl
                    && suspending.isSuspendingHandle(impl)) {
                problems.add(site(cls, method, lines[method.instructions.indexOf(insn)])
                        + ": a lambda or method reference on a suspending path (" + describe(impl)
                        + " suspends); a lambda cannot be captured: write it as a loop or a plain method call");
            }
        }
        if (isSuspending) {
            analyzeFrames(cls, method, key, lines);
        }
    }

    private void analyzeFrames(ClassNode cls, MethodNode method, MethodKey key, int[] lines) {
        int size = method.instructions.size();
        List<List<Integer>> successors = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            successors.add(new ArrayList<>(2));
        }
        Analyzer<BasicValue> analyzer = new Analyzer<>(new HierarchyVerifier(hierarchy)) {
            @Override
            protected void newControlFlowEdge(int insnIndex, int successorIndex) {
                successors.get(insnIndex).add(successorIndex);
            }

            @Override
            protected boolean newControlFlowExceptionEdge(int insnIndex, int successorIndex) {
                successors.get(insnIndex).add(successorIndex);
                return true;
            }
        };
        Frame<BasicValue>[] frames;
        try {
            frames = analyzer.analyze(cls.name, method);
        } catch (AnalyzerException e) {
            problems.add(site(cls, method, firstLine(lines)) + ": cannot analyse the bytecode (" + e.getMessage() + ")");
            return;
        }
        int[] monitorDepth = monitorDepths(method, successors);
        List<LiveValue> live = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            AbstractInsnNode insn = method.instructions.get(i);
            Frame<BasicValue> frame = frames[i];
            if (frame == null || !suspending.isSuspendingCall(insn)) {
                continue;
            }
            MethodInsnNode call = (MethodInsnNode) insn;
            String where = site(cls, method, lines[i]);
            String callee = describe(call);
            if (!suspending.isSuspensionPoint(call) && isJdkOwner(call.owner)) {
                problems.add(where + ": a suspending call through " + call.owner.replace('/', '.') + "." + call.name
                        + "(), a JDK type: JavaFlow never enhances calls to JDK types; call your own class or interface");
            } else if (!suspending.isSuspensionPoint(call) && !classes.containsKey(call.owner)
                    && !call.owner.equals(BundleClasses.LOOP_PROCESS)) {
                problems.add(where + ": a suspending call through " + call.owner.replace('/', '.') + "." + call.name
                        + "(), a type outside the bundle: JavaFlow only guards calls to the bundle's own types; "
                        + "call your own class or interface");
            }
            if (monitorDepth[i] > 0) {
                problems.add(where + ": " + callee + " inside a synchronized block; a lock cannot move with the "
                        + "process: suspend outside synchronized code");
            }
            int consumed = Type.getArgumentTypes(call.desc).length + (call.getOpcode() == Opcodes.INVOKESTATIC ? 0 : 1);
            List<BasicValue> values = new ArrayList<>();
            for (int l = 0; l < frame.getLocals(); l++) {
                values.add(frame.getLocal(l));
            }
            for (int s = 0; s < frame.getStackSize() - consumed; s++) {
                values.add(frame.getStack(s));
            }
            boolean iteratorReported = false;
            for (BasicValue value : values) {
                Type type = value == null ? null : value.getType();
                if (type == null || (type.getSort() != Type.OBJECT && type.getSort() != Type.ARRAY)
                        || type.getDescriptor().equals("Lnull;") || JAVAFLOW_INTERNAL.contains(type.getInternalName())) {
                    continue;
                }
                if (type.getSort() == Type.OBJECT && !iteratorReported
                        && hierarchy.isAssignable(ITERATOR, type.getInternalName())) {
                    iteratorReported = true;
                    problems.add(where + ": for-each over a collection holds an Iterator (" + binaryName(type)
                            + ") across " + callee + ": use an indexed loop");
                }
                live.add(new LiveValue(binaryName(type), where, cls.name.replace('/', '.'), method.name, lines[i]));
            }
        }
        liveByMethod.put(key, live);
    }

    /** Monitors held before each instruction (max over paths, bounded), from the analyzer's edges. */
    private static int[] monitorDepths(MethodNode method, List<List<Integer>> successors) {
        int size = method.instructions.size();
        int[] depth = new int[size];
        Arrays.fill(depth, -1);
        if (size == 0) {
            return depth;
        }
        Deque<Integer> todo = new ArrayDeque<>();
        depth[0] = 0;
        todo.add(0);
        while (!todo.isEmpty()) {
            int i = todo.pop();
            int opcode = method.instructions.get(i).getOpcode();
            int after = depth[i] + (opcode == Opcodes.MONITORENTER ? 1 : opcode == Opcodes.MONITOREXIT ? -1 : 0);
            after = Math.clamp(after, 0, MAX_MONITOR_DEPTH);
            for (int next : successors.get(i)) {
                boolean handler = method.instructions.get(next).getOpcode() < 0 && isHandlerStart(method, next);
                int value = handler ? depth[i] : after;
                if (value > depth[next]) {
                    depth[next] = value;
                    todo.add(next);
                }
            }
        }
        return depth;
    }

    private static boolean isHandlerStart(MethodNode method, int index) {
        return method.tryCatchBlocks.stream().anyMatch(t -> method.instructions.indexOf(t.handler) == index);
    }

    /** The source line of each instruction (-1 before the first line entry). */
    private static int[] lines(MethodNode method) {
        int[] lines = new int[method.instructions.size()];
        int current = -1;
        int i = 0;
        for (AbstractInsnNode insn : method.instructions) {
            if (insn instanceof LineNumberNode line) {
                current = line.line;
            }
            lines[i++] = current;
        }
        return lines;
    }

    private static int firstLine(int[] lines) {
        for (int line : lines) {
            if (line >= 0) {
                return line;
            }
        }
        return -1;
    }

    private int firstSuspendingLine(MethodNode method, int[] lines) {
        int i = 0;
        for (AbstractInsnNode insn : method.instructions) {
            if (suspending.isSuspendingCall(insn)) {
                return lines[i];
            }
            i++;
        }
        return firstLine(lines);
    }

    private String firstSuspendingCall(MethodNode method) {
        for (AbstractInsnNode insn : method.instructions) {
            if (suspending.isSuspendingCall(insn)) {
                return describe((MethodInsnNode) insn);
            }
        }
        return "?";
    }

    private String describe(MethodInsnNode call) {
        if (suspending.isSuspensionPoint(call)) {
            return "ctx." + call.name + "()";
        }
        return simpleName(call.owner) + "." + call.name + "()";
    }

    private String describe(Handle handle) {
        if (SuspendingMethods.SUSPENSION_POINTS.contains(handle.getName() + handle.getDesc())
                && hierarchy.isAssignable(SuspendingMethods.LOOP_CONTEXT, handle.getOwner())) {
            return "ctx::" + handle.getName();
        }
        return simpleName(handle.getOwner()) + "." + handle.getName() + "()";
    }

    static String site(ClassNode cls, MethodNode method, int line) {
        String file = cls.sourceFile == null ? "Unknown Source" : cls.sourceFile;
        return cls.name.replace('/', '.') + "." + method.name + "(" + file + (line >= 0 ? ":" + line : "") + ")";
    }

    static boolean isJdkOwner(String internalName) {
        return internalName.startsWith("java/") || internalName.startsWith("javax/");
    }

    private static boolean isLambda(InvokeDynamicInsnNode indy) {
        return indy.bsm.getOwner().equals(LAMBDA_METAFACTORY);
    }

    private static String simpleName(String internalName) {
        return internalName.substring(internalName.lastIndexOf('/') + 1);
    }

    private static String binaryName(Type type) {
        return type.getSort() == Type.ARRAY ? type.getDescriptor() : type.getClassName();
    }
}
