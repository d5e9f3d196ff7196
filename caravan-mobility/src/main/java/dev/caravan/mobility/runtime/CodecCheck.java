package dev.caravan.mobility.runtime;

import dev.caravan.core.mobility.LoopContext;
import dev.caravan.core.mobility.LoopProcess;
import dev.caravan.mobility.continuation.DeclaredCodecs;
import dev.caravan.mobility.continuation.ProcessFields;
import dev.caravan.mobility.continuation.ValueCodec;
import dev.caravan.mobility.enhance.LiveValue;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The check at deploy that every value a loop keeps across a suspension point can be written into
 * its continuation: each live value the bundle's analysis found ({@link LiveValue}) and each field
 * of the process that travels ({@link ProcessFields}) must be of a type the continuation format
 * carries — built in, an enum, a record of such, a type the process declares a codec for — or one
 * of the loop's runtime objects (the process itself, its {@link LoopContext}). So a process that
 * could not be captured is refused when it is deployed, never in the middle of a migration.
 */
public final class CodecCheck {
    /** At most this many problems are named in one refusal. */
    static final int MAX_NAMED = 5;

    private CodecCheck() {
    }

    /**
     * @param loopClass the process's (enhanced) class
     * @param codecs    the codecs its instance declared
     * @param live      what the bundle's analysis found live at its suspension points
     * @throws CaravanException CODE_REFUSED naming each type, where it is live and what to do
     */
    public static void check(Class<?> loopClass, DeclaredCodecs codecs, List<LiveValue> live) {
        ValueCodec values = new ValueCodec(codecs, loopClass.getClassLoader());
        List<String> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (LiveValue v : live) {
            if (!carried(v.type(), loopClass, values) && seen.add(v.type() + "@" + v.site())) {
                problems.add(loopClass.getName() + " holds a " + readable(v.type()) + " live at a suspension point in "
                        + v.site() + ": give it a codec in codecs() or keep it out of locals across suspension points");
            }
        }
        Set<String> names = new HashSet<>();
        for (Field f : ProcessFields.of(loopClass)) {
            if (!names.add(f.getName())) {
                problems.add(loopClass.getName() + " has two fields named " + f.getName()
                        + " (one in a superclass): rename one, the continuation carries fields by name");
            } else if (!values.carries(f.getType())) {
                problems.add(loopClass.getName() + "." + f.getName() + " is a " + f.getType().getName()
                        + ", which its continuation cannot carry: give it a codec in codecs() or mark it transient");
            }
        }
        if (!problems.isEmpty()) {
            int more = problems.size() - MAX_NAMED;
            throw ErrorCode.CODE_REFUSED.exception(String.join("; ", problems.subList(0, Math.min(MAX_NAMED, problems.size())))
                    + (more > 0 ? "; and " + more + " more" : ""));
        }
    }

    private static boolean carried(String type, Class<?> loopClass, ValueCodec values) {
        if (type.equals("[B")) {
            return true;
        }
        if (type.startsWith("[")) {
            return false;
        }
        Class<?> cls;
        try {
            cls = Class.forName(type, false, loopClass.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
        return cls == LoopContext.class || (LoopProcess.class.isAssignableFrom(cls) && cls.isAssignableFrom(loopClass))
                || values.carries(cls);
    }

    private static String readable(String type) {
        return switch (type) {
            case "[J" -> "long[]";
            case "[I" -> "int[]";
            case "[D" -> "double[]";
            case "[Ljava/lang/Object;", "[Ljava.lang.Object;" -> "java.lang.Object[]";
            default -> type;
        };
    }
}
