package dev.caravan.mobility.enhance;

import net.tascalate.asmx.Handle;
import net.tascalate.asmx.Opcodes;
import net.tascalate.asmx.tree.AbstractInsnNode;
import net.tascalate.asmx.tree.ClassNode;
import net.tascalate.asmx.tree.MethodInsnNode;
import net.tascalate.asmx.tree.MethodNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The set of suspending methods of a bundle: a method is suspending if it calls a suspension point
 * of {@code LoopContext} ({@code receive}, {@code sleep}, {@code moveTo}, {@code cloneTo}) or another
 * suspending method. Virtual and interface calls are resolved conservatively within the bundle: a
 * call to {@code owner.m(desc)} is suspending if the bundle class that would run it — {@code owner}
 * itself, a bundle superclass it inherits {@code m} from, or any bundle subtype of {@code owner} —
 * declares a suspending {@code m(desc)}. Lambda bodies are not followed through their
 * {@code invokedynamic}: a suspending one is refused by {@link CaptureCheck}.
 */
final class SuspendingMethods {
    static final String LOOP_CONTEXT = "dev/caravan/core/mobility/LoopContext";
    /** Name + descriptor of LoopContext's suspension points. */
    static final Set<String> SUSPENSION_POINTS = Set.of(
            "receive()Ldev/caravan/core/mobility/Request;",
            "sleep(J)V",
            "moveTo(Ljava/lang/String;)Ldev/caravan/core/mobility/MoveResult;",
            "cloneTo(Ljava/lang/String;Ljava/lang/String;)Ldev/caravan/core/mobility/CloneResult;");

    private final Map<String, ClassNode> classes;
    private final TypeHierarchy hierarchy;
    private final Set<MethodKey> suspending = new HashSet<>();
    /** The suspending methods by name + descriptor, so a call looks only at its candidates. */
    private final Map<String, List<MethodKey>> suspendingBySignature = new HashMap<>();

    private SuspendingMethods(Map<String, ClassNode> classes, TypeHierarchy hierarchy) {
        this.classes = classes;
        this.hierarchy = hierarchy;
    }

    /** Computes the suspending methods of {@code classes} (internal name to parsed class). */
    static SuspendingMethods of(Map<String, ClassNode> classes, TypeHierarchy hierarchy) {
        SuspendingMethods result = new SuspendingMethods(classes, hierarchy);
        result.fixpoint();
        return result;
    }

    Set<MethodKey> all() {
        return Set.copyOf(suspending);
    }

    boolean isSuspending(MethodKey method) {
        return suspending.contains(method);
    }

    /** Whether {@code insn} calls a LoopContext suspension point. */
    boolean isSuspensionPoint(MethodInsnNode insn) {
        return SUSPENSION_POINTS.contains(insn.name + insn.desc)
                && (insn.owner.equals(LOOP_CONTEXT) || hierarchy.isAssignable(LOOP_CONTEXT, insn.owner));
    }

    /** Whether the call {@code insn} may suspend: a suspension point or a call to a suspending method. */
    boolean isSuspendingCall(AbstractInsnNode insn) {
        return insn instanceof MethodInsnNode call && (isSuspensionPoint(call) || !targets(call).isEmpty());
    }

    /** Whether a method handle (a lambda's implementation method) points at suspending code. */
    boolean isSuspendingHandle(Handle handle) {
        MethodInsnNode asCall = new MethodInsnNode(switch (handle.getTag()) {
            case Opcodes.H_INVOKESTATIC -> Opcodes.INVOKESTATIC;
            case Opcodes.H_INVOKESPECIAL, Opcodes.H_NEWINVOKESPECIAL -> Opcodes.INVOKESPECIAL;
            case Opcodes.H_INVOKEINTERFACE -> Opcodes.INVOKEINTERFACE;
            default -> Opcodes.INVOKEVIRTUAL;
        }, handle.getOwner(), handle.getName(), handle.getDesc(), handle.isInterface());
        return isSuspendingCall(asCall);
    }

    /** The suspending bundle methods {@code call} may run. */
    List<MethodKey> targets(MethodInsnNode call) {
        List<MethodKey> found = new ArrayList<>();
        MethodKey inherited = declaredInBundleChain(call.owner, call.name, call.desc);
        if (inherited != null && suspending.contains(inherited)) {
            found.add(inherited);
        }
        if (call.getOpcode() == Opcodes.INVOKEVIRTUAL || call.getOpcode() == Opcodes.INVOKEINTERFACE) {
            for (MethodKey key : suspendingBySignature.getOrDefault(call.name + call.desc, List.of())) {
                if (!key.owner().equals(call.owner) && hierarchy.isAssignable(call.owner, key.owner())) {
                    found.add(key);
                }
            }
        }
        return found;
    }

    private void fixpoint() {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (ClassNode cls : classes.values()) {
                for (MethodNode method : cls.methods) {
                    MethodKey key = new MethodKey(cls.name, method.name, method.desc);
                    if (!suspending.contains(key) && callsSuspending(method)) {
                        suspending.add(key);
                        suspendingBySignature.computeIfAbsent(method.name + method.desc, k -> new ArrayList<>()).add(key);
                        changed = true;
                    }
                }
            }
        }
    }

    private boolean callsSuspending(MethodNode method) {
        for (AbstractInsnNode insn = method.instructions.getFirst(); insn != null; insn = insn.getNext()) {
            if (isSuspendingCall(insn)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The bundle method {@code owner} declares or inherits — from a bundle superclass first, then
     * (a default method) from a bundle interface — or null.
     */
    private MethodKey declaredInBundleChain(String owner, String name, String desc) {
        List<String> interfaces = new ArrayList<>();
        for (String current = owner; current != null; ) {
            ClassNode cls = classes.get(current);
            if (cls == null) {
                break;
            }
            if (declares(cls, name, desc)) {
                return new MethodKey(cls.name, name, desc);
            }
            interfaces.addAll(cls.interfaces);
            current = cls.superName;
        }
        Set<String> seen = new HashSet<>();
        while (!interfaces.isEmpty()) {
            ClassNode cls = classes.get(interfaces.removeFirst());
            if (cls != null && seen.add(cls.name)) {
                if (declares(cls, name, desc)) {
                    return new MethodKey(cls.name, name, desc);
                }
                interfaces.addAll(cls.interfaces);
            }
        }
        return null;
    }

    private static boolean declares(ClassNode cls, String name, String desc) {
        for (MethodNode method : cls.methods) {
            if (method.name.equals(name) && method.desc.equals(desc)) {
                return true;
            }
        }
        return false;
    }
}
