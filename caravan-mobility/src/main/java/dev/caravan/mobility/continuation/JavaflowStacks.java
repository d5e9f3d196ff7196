package dev.caravan.mobility.continuation;

import dev.caravan.wire.ErrorCode;
import org.apache.commons.javaflow.api.Continuation;
import org.apache.commons.javaflow.core.Stack;
import org.apache.commons.javaflow.core.StackRecorder;

import java.lang.reflect.Field;

/**
 * Reads and rebuilds the frames of a JavaFlow {@link Continuation} through its private fields:
 * JavaFlow 2.7.8 exposes no API to walk a captured stack other than Java serialization, which
 * Caravan does not use. The field names are those of {@code org.apache.commons.javaflow.core.Stack}
 * 2.7.8 (pinned in the parent POM); a JavaFlow without them fails at class initialisation, loudly.
 */
public final class JavaflowStacks {
    private static final Field RECORDER = field(Continuation.class, "stackRecorder");
    private static final Field PSTACK = field(Stack.class, "pstack");
    private static final Field OSTACK = field(Stack.class, "ostack");
    private static final Field RSTACK = field(Stack.class, "rstack");
    private static final Field D_TOP = field(Stack.class, "dTop");
    private static final Field F_TOP = field(Stack.class, "fTop");
    private static final Field L_TOP = field(Stack.class, "lTop");
    private static final Field I_TOP = field(Stack.class, "iTop");
    private static final Field O_TOP = field(Stack.class, "oTop");
    private static final Field R_TOP = field(Stack.class, "rTop");

    private JavaflowStacks() {
    }

    /** The frames of a suspended continuation. */
    public static StackImage image(Continuation continuation) {
        try {
            Stack s = (Stack) RECORDER.get(continuation);
            int d = D_TOP.getInt(s);
            int f = F_TOP.getInt(s);
            int l = L_TOP.getInt(s);
            int i = I_TOP.getInt(s);
            long[] p = java.util.Arrays.copyOf((long[]) PSTACK.get(s), d + f + l + i);
            Object[] o = java.util.Arrays.copyOf((Object[]) OSTACK.get(s), O_TOP.getInt(s));
            Object[] r = java.util.Arrays.copyOf((Object[]) RSTACK.get(s), R_TOP.getInt(s));
            return new StackImage(p, d, f, l, i, o, r);
        } catch (IllegalAccessException e) {
            throw ErrorCode.INTERNAL.exception("cannot read a JavaFlow stack: " + e);
        }
    }

    /**
     * A suspended continuation that, once resumed, restores {@code image}'s frames and runs on
     * from the suspension point; {@code entry} is what JavaFlow runs first (the loop's entry point).
     */
    public static Continuation rebuild(Runnable entry, StackImage image) {
        Continuation c = Continuation.startSuspendedWith(entry);
        try {
            StackRecorder s = (StackRecorder) RECORDER.get(c);
            // Arrays at least the default capacities: JavaFlow grows them by doubling their length.
            PSTACK.set(s, java.util.Arrays.copyOf(image.primitives(), Math.max(16, image.primitives().length)));
            OSTACK.set(s, java.util.Arrays.copyOf(image.objects(), Math.max(8, image.objects().length)));
            RSTACK.set(s, java.util.Arrays.copyOf(image.references(), Math.max(4, image.references().length)));
            D_TOP.setInt(s, image.doubles());
            F_TOP.setInt(s, image.floats());
            L_TOP.setInt(s, image.longs());
            I_TOP.setInt(s, image.ints());
            O_TOP.setInt(s, image.objects().length);
            R_TOP.setInt(s, image.references().length);
        } catch (IllegalAccessException e) {
            throw ErrorCode.INTERNAL.exception("cannot rebuild a JavaFlow stack: " + e);
        }
        return c;
    }

    private static Field field(Class<?> owner, String name) {
        try {
            Field f = owner.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError("JavaFlow " + owner.getName() + " has no field " + name
                    + ": not the pinned JavaFlow 2.7.8");
        }
    }
}
