package dev.caravan.mobility.enhance;

import net.tascalate.asmx.ClassReader;
import net.tascalate.asmx.ClassWriter;
import net.tascalate.asmx.Opcodes;
import net.tascalate.asmx.Type;
import net.tascalate.asmx.tree.AbstractInsnNode;
import net.tascalate.asmx.tree.ClassNode;
import net.tascalate.asmx.tree.InsnList;
import net.tascalate.asmx.tree.InsnNode;
import net.tascalate.asmx.tree.LineNumberNode;
import net.tascalate.asmx.tree.MethodInsnNode;
import net.tascalate.asmx.tree.MethodNode;
import net.tascalate.asmx.tree.VarInsnNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A pre-pass before JavaFlow that keeps JavaFlow 2.7.8's call-site walk from throwing
 * ({@link JavaflowCallSiteWalk}), so that code such as {@code added += Long.parseLong(r.command().text(1))}
 * in a suspending method is enhanced and runs as written.
 *
 * <p>At each virtual or interface call of a method to enhance where the walk would throw, the
 * receiver and arguments, already on the operand stack, are stored into fresh locals (past the
 * method's own) and loaded back right before the call:
 * <pre>
 *   … compute receiver, args …  xSTORE tN … ASTORE t0  ALOAD t0 xLOAD t1 … xLOAD tN  INVOKE  [ICONST_0 ISTORE t]
 * </pre>
 * JavaFlow's walk then ends at {@code ALOAD t0}. Nothing runs between the stores and the call, so
 * behaviour is unchanged. After the call each reference temporary is overwritten with an int, so
 * no reference the author never wrote lingers into a later suspension point (JavaFlow saves every
 * value in the frame there; an int travels as any primitive does).
 *
 * <p>A suspending call is never spilled (its receiver and arguments would then be locals saved in
 * the continuation): where the walk would throw at one, the bundle is refused with a line that
 * names the class, method and line and says how to rewrite it.
 */
final class CallSiteSpill {
    /** The class after the pass (the same bytes when nothing was spilled) and what it refuses. */
    record Outcome(byte[] bytes, List<String> problems, int spilled) {
    }

    private CallSiteSpill() {
    }

    /**
     * @param bytes   the class as loaded
     * @param methods {@code name + desc} of the methods JavaFlow will enhance in it
     */
    static Outcome apply(byte[] bytes, Set<String> methods, SuspendingMethods suspending) {
        ClassNode cls = new ClassNode();
        new ClassReader(bytes).accept(cls, 0);
        List<String> problems = new ArrayList<>();
        int spilled = 0;
        for (MethodNode method : cls.methods) {
            if (!methods.contains(method.name + method.desc) || method.instructions.size() == 0) {
                continue;
            }
            int line = -1;
            int firstTemp = method.maxLocals;
            for (AbstractInsnNode insn : method.instructions.toArray()) {
                if (insn instanceof LineNumberNode ln) {
                    line = ln.line;
                }
                if (!(insn instanceof MethodInsnNode call) || !JavaflowCallSiteWalk.throwsAt(call)) {
                    continue;
                }
                if (suspending.isSuspensionPoint(call) || !suspending.targets(call).isEmpty()) {
                    problems.add(CaptureCheck.site(cls, method, line) + ": JavaFlow 2.7.8 cannot enhance the suspending call "
                            + call.owner.replace('/', '.') + "." + call.name + " here (its call-site walk miscounts the"
                            + " calls that compute its receiver or arguments after a long or double): put the receiver and"
                            + " each argument in a local first, e.g. `LoopContext c = context(); Request q = c.receive(); total += q.id();`");
                    continue;
                }
                spill(method.instructions, call, firstTemp);
                spilled++;
            }
        }
        if (spilled == 0) {
            return new Outcome(bytes, problems, 0);
        }
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cls.accept(writer);
        return new Outcome(writer.toByteArray(), problems, spilled);
    }

    private static void spill(InsnList code, MethodInsnNode call, int firstTemp) {
        Type[] args = Type.getArgumentTypes(call.desc);
        Type[] values = new Type[args.length + 1];
        values[0] = Type.getObjectType(call.owner);
        System.arraycopy(args, 0, values, 1, args.length);
        int[] slots = new int[values.length];
        int next = firstTemp;
        for (int i = 0; i < values.length; i++) {
            slots[i] = next;
            next += values[i].getSize();
        }
        InsnList before = new InsnList();
        for (int i = values.length - 1; i >= 0; i--) {
            before.add(new VarInsnNode(values[i].getOpcode(Opcodes.ISTORE), slots[i]));
        }
        for (int i = 0; i < values.length; i++) {
            before.add(new VarInsnNode(values[i].getOpcode(Opcodes.ILOAD), slots[i]));
        }
        code.insertBefore(call, before);
        InsnList after = new InsnList();
        for (int i = 0; i < values.length; i++) {
            int sort = values[i].getSort();
            if (sort == Type.OBJECT || sort == Type.ARRAY) {
                after.add(new InsnNode(Opcodes.ICONST_0));
                after.add(new VarInsnNode(Opcodes.ISTORE, slots[i]));
            }
        }
        code.insert(call, after);
    }
}
