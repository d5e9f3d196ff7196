package dev.caravan.mobility.enhance;

import dev.caravan.core.mobility.LoopProcess;
import dev.caravan.core.mobility.Request;
import dev.caravan.core.process.ClientRef;
import dev.caravan.mobility.enhance.fixtures.CompoundSuspendingLoop;
import dev.caravan.mobility.fixtures.CompoundAssignLoop;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import net.tascalate.asmx.ClassReader;
import net.tascalate.asmx.tree.ClassNode;
import net.tascalate.asmx.tree.MethodInsnNode;
import org.apache.commons.javaflow.api.Continuation;
import org.apache.commons.javaflow.providers.core.ContinuableClassTransformationFactory;
import org.apache.commons.javaflow.spi.ResourceTransformer;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * JavaFlow 2.7.8's call-site walk throws (a RuntimeException with no message) on
 * {@code added += Long.parseLong(r.command().text(1))} in a suspending method; the spill pre-pass
 * makes such code enhance and run, and a suspending call it cannot spill is refused by name and line.
 */
class CallSiteSpillTest {
    private static final String COMPOUND = "dev/caravan/mobility/fixtures/CompoundAssignLoop";
    private static final Set<String> COMPOUND_METHODS = Set.of("run(Ldev/caravan/core/mobility/LoopContext;)V",
            "inner(Ldev/caravan/core/mobility/LoopContext;IJ)J");

    private static int predictedThrows(byte[] bytes) {
        ClassNode node = new ClassNode();
        new ClassReader(bytes).accept(node, 0);
        int n = 0;
        for (var m : node.methods) {
            for (var insn : m.instructions) {
                if (insn instanceof MethodInsnNode call && JavaflowCallSiteWalk.throwsAt(call)) {
                    n++;
                }
            }
        }
        return n;
    }

    /** JavaFlow's own transformer over {@code cls} with {@code methods} marked, as BundleEnhancer runs it. */
    private static byte[] javaflow(Map<String, byte[]> classes, byte[] cls) {
        TypeHierarchy h = new TypeHierarchy(classes, CallSiteSpillTest.class.getClassLoader());
        Map<String, byte[]> marked = new HashMap<>();
        marked.put(SuspendingMethods.LOOP_CONTEXT, ContinuableMarker.mark(h.classBytes(SuspendingMethods.LOOP_CONTEXT),
                SuspendingMethods.SUSPENSION_POINTS));
        byte[] mine = ContinuableMarker.mark(cls, COMPOUND_METHODS);
        marked.put(COMPOUND, mine);
        ResourceTransformer t = new ContinuableClassTransformationFactory().createTransformer(new BundleResourceLoader(marked, h));
        try {
            return t.transform(mine);
        } finally {
            t.release();
        }
    }

    private static SuspendingMethods suspending(Map<String, byte[]> classes) {
        Map<String, ClassNode> nodes = new HashMap<>();
        classes.forEach((k, v) -> {
            ClassNode n = new ClassNode();
            new ClassReader(v).accept(n, 0);
            nodes.put(k, n);
        });
        return SuspendingMethods.of(nodes, new TypeHierarchy(classes, CallSiteSpillTest.class.getClassLoader()));
    }

    @Test
    void shouldPredictJavaflowsCrashAndSpillItAway() {
        Map<String, byte[]> classes = Fixtures.bundleOf(CompoundAssignLoop.class);
        byte[] original = classes.get(COMPOUND);
        assertThat(predictedThrows(original)).as("text(1) after command(), after lload, in run (x2) and inner").isEqualTo(3);
        assertThatThrownBy(() -> javaflow(classes, original))
                .as("JavaFlow 2.7.8 as is: the crash users saw as \"(null)\"")
                .isInstanceOf(RuntimeException.class)
                .satisfies(e -> assertThat(e.getStackTrace()[0].getClassName()).endsWith(".CallSiteFinder"));

        CallSiteSpill.Outcome spilled = CallSiteSpill.apply(original, COMPOUND_METHODS, suspending(classes));

        assertThat(spilled.problems()).isEmpty();
        assertThat(spilled.spilled()).isEqualTo(3);
        assertThat(predictedThrows(spilled.bytes())).isZero();
        assertThat(javaflow(classes, spilled.bytes())).isNotNull();
    }

    @Test
    void shouldRunTheSpilledLoopAcrossSuspensionsInTwoFrames() throws Exception {
        EnhancedBundle bundle = LoopBundles.enhance("compound", Fixtures.bundleOf(CompoundAssignLoop.class), getClass().getClassLoader());
        FakeLoopContext ctx = new FakeLoopContext();
        LoopProcess p = (LoopProcess) bundle.loader().loadClass(CompoundAssignLoop.class.getName()).getConstructor().newInstance();
        Continuation c = Continuation.startWith(bundle.runner(p, ctx));
        c = c.resume(request(1, "ADD", "12"));
        c = c.resume(request(2, "ADD", "30"));
        c = c.resume(request(3, "BATCH", "2"));
        c = c.resume(request(4, "X", "5"));
        c = c.resume(request(5, "X", "7"));
        c = c.resume(request(6, "ADD", "1"));

        assertThat(ctx.replies).containsExactly("12:6.0:2", "42:21.0:4", "batch", "in 1/2 47", "in 2/2 54", "55:21.5:5");
        assertThat(c.value()).isEqualTo("receive");
    }

    @Test
    void shouldRefuseASuspendingCallJavaflowCannotEnhanceNamingClassMethodAndLine() {
        int line = Fixtures.lineOf(CompoundSuspendingLoop.class, "SUSPENDING-COMPOUND");
        assertThatThrownBy(() -> LoopBundles.enhance("s", Fixtures.bundleOf(CompoundSuspendingLoop.class), getClass().getClassLoader()))
                .isInstanceOfSatisfying(CaravanException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CODE_REFUSED);
                    assertThat(e.getMessage()).contains("CompoundSuspendingLoop.run(CompoundSuspendingLoop.java:" + line + ")")
                            .contains("cannot enhance the suspending call dev.caravan.core.mobility.LoopContext.receive")
                            .contains("each argument in a local first")
                            .doesNotContain("(null)");
                });
    }

    @Test
    void shouldNameClassMethodAndExceptionWhenJavaflowThrows() {
        ClassNode node = new ClassNode();
        new ClassReader(Fixtures.bytesOf(CompoundAssignLoop.class)).accept(node, 0);
        RuntimeException bare = new RuntimeException();

        CaravanException e = JavaflowFailure.refusal("b", node, "inner(Ldev/caravan/core/mobility/LoopContext;IJ)J", bare);

        assertThat(e.code()).isEqualTo(ErrorCode.CODE_REFUSED);
        assertThat(e.getMessage()).contains("JavaFlow could not enhance dev.caravan.mobility.fixtures.CompoundAssignLoop.inner(CompoundAssignLoop.java:")
                .contains("java.lang.RuntimeException (no message) at " + getClass().getName())
                .doesNotContain("null");
        assertThat(JavaflowFailure.describe(new IllegalStateException("bad frame\nmore"))).startsWith("java.lang.IllegalStateException: bad frame at ");
    }

    private static Request request(long id, String... parts) {
        return new Request(id, new ClientRef(7, "127.0.0.1:1", "127.0.0.1:2"), Command.of(parts));
    }
}
