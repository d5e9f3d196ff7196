package dev.caravan.mobility.enhance;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import net.tascalate.asmx.tree.AbstractInsnNode;
import net.tascalate.asmx.tree.ClassNode;
import net.tascalate.asmx.tree.LineNumberNode;
import net.tascalate.asmx.tree.MethodNode;
import org.apache.commons.javaflow.providers.core.ContinuableClassTransformationFactory;
import org.apache.commons.javaflow.spi.ResourceTransformer;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The refusal when JavaFlow's transformer itself throws on a class: it names the class, the method
 * (found by enhancing the class again with one method marked at a time, only on failure) and the
 * exception's type, message and the JavaFlow frame it came from. Never "(null)".
 */
final class JavaflowFailure {
    private JavaflowFailure() {
    }

    /**
     * The marked method ({@code name + desc}) whose enhancement alone makes JavaFlow throw; null when
     * none does alone (then the class is named without a method).
     */
    static String failingMethod(String cls, byte[] bytes, Set<String> methods, Map<String, byte[]> marked,
                                TypeHierarchy hierarchy) {
        for (String method : new TreeSet<>(methods)) {
            byte[] one = ContinuableMarker.mark(bytes, Set.of(method));
            Map<String, byte[]> only = new HashMap<>(marked);
            only.put(cls, one);
            ResourceTransformer t = new ContinuableClassTransformationFactory()
                    .createTransformer(new BundleResourceLoader(only, hierarchy));
            try {
                t.transform(one);
            } catch (RuntimeException e) {
                return method;
            } finally {
                t.release();
            }
        }
        return null;
    }

    /** CODE_REFUSED: "bundle B: JavaFlow could not enhance C.m(File.java:line) [desc]: type: message (at frame)". */
    static CaravanException refusal(String bundle, ClassNode cls, String method, RuntimeException e) {
        String where = cls.name.replace('/', '.');
        if (method != null) {
            MethodNode m = cls.methods.stream().filter(x -> (x.name + x.desc).equals(method)).findFirst().orElse(null);
            where = m == null ? where + "." + method : CaptureCheck.site(cls, m, firstLine(m)) + " " + m.desc;
        }
        return new CaravanException(ErrorCode.CODE_REFUSED, "bundle " + bundle + ": JavaFlow could not enhance " + where
                + ": " + describe(e) + "; simplify the expressions around its suspending calls (one call per statement)"
                + " or enhance the bundle at build time");
    }

    /** The exception's type, its message or "no message", and the first frame it was thrown from. */
    static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && (t.getMessage() == null || t.getMessage().isEmpty())) {
            t = t.getCause();
        }
        String message = t.getMessage() == null || t.getMessage().isEmpty() ? " (no message)"
                : ": " + t.getMessage().lines().findFirst().orElse("");
        StackTraceElement[] st = t.getStackTrace();
        String at = st.length == 0 ? "" : " at " + st[0].getClassName() + "." + st[0].getMethodName()
                + (st[0].getLineNumber() > 0 ? ":" + st[0].getLineNumber() : "");
        return t.getClass().getName() + message + at;
    }

    private static int firstLine(MethodNode m) {
        for (AbstractInsnNode insn : m.instructions) {
            if (insn instanceof LineNumberNode ln) {
                return ln.line;
            }
        }
        return -1;
    }
}
