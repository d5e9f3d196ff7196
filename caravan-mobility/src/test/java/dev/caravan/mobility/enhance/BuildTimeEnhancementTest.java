package dev.caravan.mobility.enhance;

import dev.caravan.core.mobility.LoopProcess;
import dev.caravan.core.mobility.Request;
import dev.caravan.core.process.ClientRef;
import dev.caravan.mobility.enhance.fixtures.PrebuiltLoop;
import dev.caravan.mobility.enhance.fixtures.UnmarkedPrebuiltLoop;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import org.apache.commons.javaflow.api.Continuation;
import org.apache.commons.javaflow.providers.core.ContinuableClassTransformationFactory;
import org.apache.commons.javaflow.spi.ResourceLoader;
import org.apache.commons.javaflow.spi.ResourceTransformer;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bundles enhanced at build time are verified, not enhanced again. The fixtures are enhanced here as
 * JavaFlow's Maven plugin ({@code javaflow-enhance}) does it: the same transformer, resolving
 * everything from the class path as compiled (so LoopContext is not known to be continuable and
 * only {@code @ccs} guards its calls).
 */
class BuildTimeEnhancementTest {
    private static final ClientRef CLIENT = new ClientRef(1, "a", "b");

    @Test
    void shouldRunAPluginEnhancedBundleAsItIs() throws Exception {
        Map<String, byte[]> prebuilt = enhanceLikeThePlugin(Fixtures.bundleOf(PrebuiltLoop.class));

        EnhancedBundle bundle = LoopBundles.enhance("prebuilt", prebuilt, getClass().getClassLoader());

        String name = "dev/caravan/mobility/enhance/fixtures/PrebuiltLoop";
        assertThat(bundle.enhancedAtBuildTime()).containsExactly(name);
        try (InputStream in = bundle.loader().getResourceAsStream(name + ".class")) {
            assertThat(in.readAllBytes()).isEqualTo(prebuilt.get(name));
        }
        FakeLoopContext ctx = new FakeLoopContext();
        LoopProcess process = (LoopProcess) bundle.loader().loadClass(PrebuiltLoop.class.getName()).getConstructor().newInstance();
        Continuation c = Continuation.startWith(bundle.runner(process, ctx));
        c = c.resume(new Request(1, CLIENT, Command.of("ADD", "4")));
        c = c.resume(new Request(2, CLIENT, Command.of("ADD", "5")));

        assertThat(c).isNotNull();
        assertThat(ctx.replies).containsExactly("4", "9");
    }

    @Test
    void shouldRefuseAPluginEnhancedBundleWhoseSuspensionWasLeftUnguarded() {
        Map<String, byte[]> prebuilt = enhanceLikeThePlugin(Fixtures.bundleOf(UnmarkedPrebuiltLoop.class));

        assertThatThrownBy(() -> LoopBundles.enhance("unmarked", prebuilt, getClass().getClassLoader()))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CODE_REFUSED))
                .hasMessageContaining(UnmarkedPrebuiltLoop.class.getName() + ".run(UnmarkedPrebuiltLoop.java:"
                        + Fixtures.lineOf(UnmarkedPrebuiltLoop.class, "// UNGUARDED") + "): ctx.receive() was not enhanced at build time");
    }

    private Map<String, byte[]> enhanceLikeThePlugin(Map<String, byte[]> classes) {
        ClassLoader classPath = getClass().getClassLoader();
        ResourceLoader loader = new ResourceLoader() {
            @Override
            public boolean hasResource(String name) {
                return classPath.getResource(name) != null;
            }

            @Override
            public InputStream getResourceAsStream(String name) {
                return classPath.getResourceAsStream(name);
            }
        };
        ResourceTransformer transformer = new ContinuableClassTransformationFactory().createTransformer(loader);
        Map<String, byte[]> out = new LinkedHashMap<>();
        try {
            classes.forEach((name, bytes) -> {
                byte[] enhanced = transformer.transform(bytes);
                out.put(name, enhanced != null ? enhanced : bytes);
            });
        } finally {
            transformer.release();
        }
        return out;
    }
}
