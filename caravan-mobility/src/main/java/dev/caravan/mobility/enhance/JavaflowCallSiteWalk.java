package dev.caravan.mobility.enhance;

import net.tascalate.asmx.Opcodes;
import net.tascalate.asmx.Type;
import net.tascalate.asmx.tree.AbstractInsnNode;
import net.tascalate.asmx.tree.FieldInsnNode;
import net.tascalate.asmx.tree.InvokeDynamicInsnNode;
import net.tascalate.asmx.tree.LdcInsnNode;
import net.tascalate.asmx.tree.MethodInsnNode;
import net.tascalate.asmx.tree.MultiANewArrayInsnNode;

import static net.tascalate.asmx.Opcodes.*;

/**
 * What Tascalate JavaFlow 2.7.8's {@code CallSiteFinder} does at each virtual or interface call of
 * a method it enhances, replayed so that Caravan can tell beforehand whether it will throw.
 *
 * <p>It walks back from the call, counting the operand-stack slots still to find, until it
 * reaches the instruction that pushed the receiver (it looks there for a {@code @ccs} local). Its
 * count of a method call's stack effect is wrong in 2.7.8: {@code -(s / 2) + (s % 2)} where
 * {@code s = Type.getArgumentsAndReturnSizes(desc)} packs the argument size in bits 2+ and the
 * return size in bits 0-1 (so {@code Long.parseLong(String)} counts -5, not +1). When the walk then
 * crosses a long or double push, the count goes below zero and it throws a
 * {@code RuntimeException} with no message: for example from {@code text(I)} in
 * {@code added += Long.parseLong(r.command().text(1))}, back across {@code command()} to
 * {@code lload added}. (Fixed upstream after 2.7.8: {@code getMethodStackDelta}.)
 *
 * <p>The table below is JavaFlow 2.7.8's {@code CallSiteFinder.getStackSizeChange} (Apache License
 * 2.0, Copyright 2013-2022 Valery Silaev), kept with its errors, since it predicts that code.
 */
final class JavaflowCallSiteWalk {
    private JavaflowCallSiteWalk() {
    }

    /** Whether JavaFlow 2.7.8 throws while walking back from {@code call} (any call; only virtual and interface ones are walked). */
    static boolean throwsAt(MethodInsnNode call) {
        int opcode = call.getOpcode();
        if (opcode != Opcodes.INVOKEVIRTUAL && opcode != Opcodes.INVOKEINTERFACE) {
            return false;
        }
        int size = Type.getArgumentsAndReturnSizes(call.desc) >> 2;
        for (AbstractInsnNode n = call.getPrevious(); n != null; n = n.getPrevious()) {
            int change;
            try {
                change = stackSizeChange(n);
            } catch (IllegalStateException e) {
                return true;
            }
            size -= change;
            if (size == 0) {
                return false;
            } else if (size < 0) {
                return true;
            }
        }
        return false;
    }

    private static int stackSizeChange(AbstractInsnNode ins) {
        int s;
        int o = ins.getOpcode();
        if (o < 0) {
            return 0;
        }
        switch (o) {
            case NOP: return 0;

            case ACONST_NULL: return 1;

            case ICONST_M1:
            case ICONST_0:
            case ICONST_1:
            case ICONST_2:
            case ICONST_3:
            case ICONST_4:
            case ICONST_5: return 1;

            case LCONST_0:
            case LCONST_1: return 2;

            case FCONST_0:
            case FCONST_1:
            case FCONST_2: return 1;

            case DCONST_0:
            case DCONST_1: return 2;

            case BIPUSH:
            case SIPUSH: return 1;

            case LDC:
                LdcInsnNode l = (LdcInsnNode)ins;
                if (l.cst instanceof Long || l.cst instanceof Double)
                    return 2;
                else
                    return 1;

            case ILOAD: return 1;
            case LLOAD: return 2;
            case FLOAD: return 1;
            case DLOAD: return 2;
            case ALOAD: return 1;

            // POP index + array, PUSH element (1-2 bytes depending on type)
            case IALOAD: return -1;
            case LALOAD: return 0;
            case FALOAD: return -1;
            case DALOAD: return 0;
            case AALOAD:
            case BALOAD:
            case CALOAD:
            case SALOAD: return -1;

            case ISTORE: return -1;
            case LSTORE: return -2;
            case FSTORE: return -1;
            case DSTORE: return -2;
            case ASTORE: return -1;

            // POP index + array + element (1 + 1 + 1or2 bytes depending on type)
            case IASTORE: return -3;
            case LASTORE: return -4;
            case FASTORE: return -3;
            case DASTORE: return -4;
            case AASTORE:
            case BASTORE:
            case CASTORE:
            case SASTORE: return -3;

            case POP: return -1;
            case POP2: return -2;
            case DUP:
            case DUP_X1:
            case DUP_X2: return 1;
            case DUP2:
            case DUP2_X1: return 2;
            case DUP2_X2: return 2;
            case SWAP: return 0;

            case IADD: return -1;
            case LADD: return -2;
            case FADD: return -1;
            case DADD: return -2;
            case ISUB: return -1;

            case LSUB: return -2;
            case FSUB: return -1;
            case DSUB: return -2;
            case IMUL: return -1;
            case LMUL: return -2;
            case FMUL: return -1;
            case DMUL: return -2;
            case IDIV: return -1;
            case LDIV: return -2;
            case FDIV: return -1;
            case DDIV: return -2;
            case IREM: return -1;
            case LREM: return -2;
            case FREM: return -1;
            case DREM: return -2;
            case INEG:
            case LNEG:
            case FNEG:
            case DNEG: return 0;
            case ISHL: return -1;
            case LSHL: return -2;
            case ISHR: return -1;
            case LSHR: return -2;
            case IUSHR: return -1;
            case LUSHR: return -2;
            case IAND: return -1;
            case LAND: return -2;
            case IOR: return -1;
            case LOR: return -2;
            case IXOR: return -1;
            case LXOR: return -2;
            case IINC: return 0;

            case I2L: return 1;
            case I2F: return 0;
            case I2D: return 1;
            case L2I: return -1;
            case L2F: return -1;
            case L2D: return 0;
            case F2I: return 0;
            case F2L: return 1;
            case F2D: return 1;
            case D2I: return -1;
            case D2L: return 0;
            case D2F: return -1;
            case I2B: return 0;
            case I2C: return 0;
            case I2S: return 0;

            // POP 2 * size from frame for compared elements, PUSH int result
            case LCMP: return -2 * 2 +1;
            case FCMPL:
            case FCMPG: return -2 * 1 + 1;
            case DCMPL:
            case DCMPG: return -2 * 2 + 1;

            // POP int flag from stack
            case IFEQ:
            case IFNE:
            case IFLT:
            case IFGE:
            case IFGT:
            case IFLE: return -1;

            // POP 2 comparing args from stack (each is signle word)
            case IF_ICMPEQ:
            case IF_ICMPNE:
            case IF_ICMPLT:
            case IF_ICMPGE:
            case IF_ICMPGT:
            case IF_ICMPLE:
            case IF_ACMPEQ:
            case IF_ACMPNE: return -2;

            case GOTO: return 0;
            case JSR: return 1; // PUSH return address on stack
            case RET: return 0;
            case TABLESWITCH:
            case LOOKUPSWITCH: return -1; // POP switch var from stack

            // Removes result from stack, actually stack is destroyed after this
            case IRETURN: return -1;
            case LRETURN: return -2;
            case FRETURN: return -1;
            case DRETURN: return -2;
            case ARETURN: return -1;
            case RETURN: return 0;

            case GETSTATIC:
            case PUTSTATIC:
                FieldInsnNode fs = (FieldInsnNode)ins;
                return Type.getType(fs.desc).getSize() * (o == PUTSTATIC ? -1 : +1);

            case GETFIELD:
                FieldInsnNode fg = (FieldInsnNode)ins;
                return -1 + Type.getType(fg.desc).getSize(); // POP this PUSH current field value

            case PUTFIELD:
                FieldInsnNode fp = (FieldInsnNode)ins;
                return -1 - Type.getType(fp.desc).getSize(); // POP this and POP field value to assign

            case INVOKEVIRTUAL:
            case INVOKESPECIAL:
            case INVOKESTATIC:
            case INVOKEINTERFACE:
                MethodInsnNode m = (MethodInsnNode)ins;
                s = Type.getArgumentsAndReturnSizes(m.desc);
                return - (s / 2) + (s % 2);
            case INVOKEDYNAMIC:
                InvokeDynamicInsnNode d = (InvokeDynamicInsnNode)ins;
                s = Type.getArgumentsAndReturnSizes(d.desc);
                return - (s / 2) + (s % 2);

            case NEW:
                return 1;
            case NEWARRAY:
            case ANEWARRAY:
                return 0; // POP length and PUSH Array
            case ARRAYLENGTH:
                return 0; // POP array and PUSH length

            case ATHROW:
                return -1; // Technically, no stack available after this, but we POP exception object
            case CHECKCAST:
                return 0;
            case INSTANCEOF:
                return 0; // POP object ref PUSH int
            case MONITORENTER:
            case MONITOREXIT:
                return -1; // POP synchronized object from stack

            case MULTIANEWARRAY:
                MultiANewArrayInsnNode ma = (MultiANewArrayInsnNode)ins;
                return -ma.dims + 1;
            case IFNULL:
            case IFNONNULL:
                return -1; // POP-s object to compare

            default:
                throw new IllegalStateException("opcode " + ins.getOpcode());
        }
    }
}
