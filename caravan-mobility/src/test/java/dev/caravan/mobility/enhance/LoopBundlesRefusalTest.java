package dev.caravan.mobility.enhance;

import dev.caravan.mobility.enhance.fixtures.ConstructorLoop;
import dev.caravan.mobility.enhance.fixtures.ForEachLoop;
import dev.caravan.mobility.enhance.fixtures.LambdaLoop;
import dev.caravan.mobility.enhance.fixtures.MethodRefLoop;
import dev.caravan.mobility.enhance.fixtures.RunnableLoop;
import dev.caravan.mobility.enhance.fixtures.SummingLoop;
import dev.caravan.mobility.enhance.fixtures.SynchronizedBlockLoop;
import dev.caravan.mobility.enhance.fixtures.SynchronizedMethodLoop;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import net.tascalate.asmx.ClassReader;
import net.tascalate.asmx.ClassVisitor;
import net.tascalate.asmx.ClassWriter;
import net.tascalate.asmx.Opcodes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each construct that cannot be captured is refused when the bundle is loaded, naming class, method and line. */
class LoopBundlesRefusalTest {
    static Stream<Arguments> refusedConstructs() {
        return Stream.of(
                Arguments.of(LambdaLoop.class, "run", "a lambda or method reference on a suspending path"),
                Arguments.of(MethodRefLoop.class, "run", "a lambda or method reference on a suspending path (ctx::receive"),
                Arguments.of(SynchronizedBlockLoop.class, "run", "ctx.receive() inside a synchronized block"),
                Arguments.of(SynchronizedMethodLoop.class, "step", "a synchronized method suspends (ctx.receive())"),
                Arguments.of(ForEachLoop.class, "run",
                        "for-each over a collection holds an Iterator (java.util.Iterator) across ctx.sleep(): use an indexed loop"),
                Arguments.of(RunnableLoop.class, "run", "a suspending call through java.lang.Runnable.run(), a JDK type"),
                Arguments.of(ConstructorLoop.class, "$Greeting.<init>", "a constructor or static initializer suspends (ctx.receive())"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedConstructs")
    void shouldRefuseAtLoadNamingClassMethodAndLine(Class<?> fixture, String method, String why) {
        // method: "run", or "$Nested.method" for a class nested in the fixture
        String site = fixture.getName() + (method.startsWith("$") ? "" : ".") + method + "(" + fixture.getSimpleName() + ".java:"
                + Fixtures.lineOf(fixture, "// REFUSED") + ")";

        assertThatThrownBy(() -> LoopBundles.enhance("b", Fixtures.bundleOf(fixture), getClass().getClassLoader()))
                .isInstanceOfSatisfying(CaravanException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CODE_REFUSED);
                    assertThat(e.getMessage()).startsWith("bundle b: code that cannot be captured for strong mobility: ")
                            .contains(site + ": " + why)
                            .doesNotContain("\n");
                });
    }

    @Test
    void shouldListEveryProblemOfABundleInOneRefusal() {
        Map<String, byte[]> classes = new HashMap<>(Fixtures.bundleOf(LambdaLoop.class, ForEachLoop.class));

        assertThatThrownBy(() -> LoopBundles.enhance("two", classes, getClass().getClassLoader()))
                .hasMessageContaining("LambdaLoop.run(LambdaLoop.java:")
                .hasMessageContaining("; ")
                .hasMessageContaining("ForEachLoop.run(ForEachLoop.java:");
    }

    @Test
    void shouldRefuseAClassMarkedEnhancedWhoseSuspensionsAreNotGuarded() {
        String name = "dev/caravan/mobility/enhance/fixtures/SummingLoop";
        Map<String, byte[]> classes = new HashMap<>(Fixtures.bundleOf(SummingLoop.class));
        classes.put(name, withEnhancedMark(classes.get(name)));

        assertThatThrownBy(() -> LoopBundles.enhance("fake", classes, getClass().getClassLoader()))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CODE_REFUSED))
                .hasMessageContaining(SummingLoop.class.getName() + ".run(SummingLoop.java:"
                        + Fixtures.lineOf(SummingLoop.class, "// SUSPEND-RUN")
                        + "): ctx.receive() was not enhanced at build time: mark the method @continuable");
    }

    /** The class with JavaFlow's "already enhanced" mark but its code untouched. */
    private static byte[] withEnhancedMark(byte[] bytes) {
        ClassReader reader = new ClassReader(bytes);
        ClassWriter writer = new ClassWriter(0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visitEnd() {
                super.visitAnnotation(ContinuableMarker.ENHANCED_MARK, true).visitEnd();
                super.visitEnd();
            }
        }, 0);
        return writer.toByteArray();
    }
}
