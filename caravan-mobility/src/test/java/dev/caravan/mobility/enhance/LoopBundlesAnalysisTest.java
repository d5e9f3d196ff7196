package dev.caravan.mobility.enhance;

import dev.caravan.mobility.enhance.fixtures.ConcatLoop;
import dev.caravan.mobility.enhance.fixtures.ForEachLoop;
import dev.caravan.mobility.enhance.fixtures.SummingLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the analysis reports: loop classes in a jar, and the values live at each suspension point. */
class LoopBundlesAnalysisTest {
    @TempDir
    Path dir;

    @Test
    void shouldFindLoopProcessesInAJar() throws IOException {
        Path withLoop = jar("with-loop.jar", Fixtures.bundleOf(SummingLoop.class));
        Path without = jar("without.jar", Map.of("dev/caravan/mobility/enhance/Fixtures", Fixtures.bytesOf(Fixtures.class)));

        assertThat(LoopBundles.hasLoopProcesses(withLoop)).isTrue();
        assertThat(LoopBundles.hasLoopProcesses(without)).isFalse();
    }

    @Test
    void shouldEnhanceFromAJarAndServeItsResources() throws Exception {
        Map<String, byte[]> classes = Fixtures.bundleOf(SummingLoop.class);
        Path jar = jar("loop.jar", classes);

        EnhancedBundle bundle = LoopBundles.enhance("jar", jar, getClass().getClassLoader());

        assertThat(bundle.loopProcessClasses()).containsExactly(SummingLoop.class.getName());
        try (var in = bundle.loader().getResourceAsStream("notes/readme.txt")) {
            assertThat(new String(in.readAllBytes())).isEqualTo("hello");
        }
    }

    @Test
    void shouldReportEveryReferenceLiveAtEachSuspensionPointWithItsSite() {
        EnhancedBundle bundle = LoopBundles.enhance("sum", Fixtures.bundleOf(SummingLoop.class), getClass().getClassLoader());
        List<LiveValue> live = bundle.liveValues(SummingLoop.class.getName());

        String runSite = SummingLoop.class.getName() + ".run(SummingLoop.java:" + Fixtures.lineOf(SummingLoop.class, "// SUSPEND-RUN") + ")";
        String nestedSite = SummingLoop.class.getName() + ".nested(SummingLoop.java:"
                + Fixtures.lineOf(SummingLoop.class, "// SUSPEND-NESTED") + ")";
        assertThat(live).filteredOn(v -> v.site().equals(runSite)).extracting(LiveValue::type)
                .contains("java.lang.String", SummingLoop.Pair.class.getName(), "dev.caravan.core.mobility.LoopContext")
                .doesNotContain("dev.caravan.core.mobility.Request");   // r is not yet assigned on the first pass
        assertThat(live).filteredOn(v -> v.site().equals(nestedSite)).extracting(LiveValue::type)
                .containsExactlyInAnyOrder(SummingLoop.class.getName(), "dev.caravan.core.mobility.LoopContext");
        assertThat(live).allSatisfy(v -> {
            assertThat(v.className()).isEqualTo(SummingLoop.class.getName());
            assertThat(v.line()).isPositive();
        });
    }

    @Test
    void shouldReportTheLeftOperandOfAConcatenationAroundASuspensionPoint() {
        EnhancedBundle bundle = LoopBundles.enhance("concat", Fixtures.bundleOf(ConcatLoop.class), getClass().getClassLoader());
        String site = ConcatLoop.class.getName() + ".run(ConcatLoop.java:" + Fixtures.lineOf(ConcatLoop.class, "// CONCAT") + ")";

        // javac 25 compiles "label() + ctx.receive().id()" to invokedynamic makeConcatWithConstants: label()'s
        // String waits on the operand stack while the loop is suspended (no local holds a String there).
        assertThat(bundle.liveValues(ConcatLoop.class.getName())).filteredOn(v -> v.site().equals(site))
                .extracting(LiveValue::type)
                .containsExactlyInAnyOrder(ConcatLoop.class.getName(), "dev.caravan.core.mobility.LoopContext",
                        "java.lang.StringBuilder", "java.lang.String");
    }

    @Test
    void shouldRefuseToAnswerForAClassThatIsNotALoopProcess() {
        EnhancedBundle bundle = LoopBundles.enhance("sum", Fixtures.bundleOf(SummingLoop.class), getClass().getClassLoader());

        assertThatThrownBy(() -> bundle.liveValues(ForEachLoop.class.getName()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private Path jar(String name, Map<String, byte[]> classes) throws IOException {
        Path jar = dir.resolve(name);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            for (Map.Entry<String, byte[]> e : classes.entrySet()) {
                out.putNextEntry(new JarEntry(e.getKey() + ".class"));
                out.write(e.getValue());
            }
            out.putNextEntry(new JarEntry("notes/readme.txt"));
            out.write("hello".getBytes());
        }
        return jar;
    }
}
