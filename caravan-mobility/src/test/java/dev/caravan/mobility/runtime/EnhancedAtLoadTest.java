package dev.caravan.mobility.runtime;

import dev.caravan.core.mobility.LoopProcess;
import dev.caravan.mobility.enhance.EnhancedBundle;
import dev.caravan.mobility.enhance.LoopBundles;
import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The host with a loop enhanced by the ENHANCE part at load (LoopBundles), as a node runs it. */
class EnhancedAtLoadTest {
    private static byte[] classBytes(String internalName) {
        try (InputStream in = EnhancedAtLoadTest.class.getClassLoader().getResourceAsStream(internalName + ".class")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static EnhancedBundle bundle() {
        Map<String, byte[]> classes = new HashMap<>();
        for (String c : new String[] {"SumLoop", "Point", "CompoundAssignLoop"}) {
            classes.put("dev/caravan/mobility/fixtures/" + c, classBytes("dev/caravan/mobility/fixtures/" + c));
        }
        return LoopBundles.enhance("fixtures", classes, EnhancedAtLoadTest.class.getClassLoader());
    }

    private static LoopProcessHost host(EnhancedBundle b) {
        return host(b, "SumLoop");
    }

    private static LoopProcessHost host(EnhancedBundle b, String simpleName) {
        try {
            return new LoopProcessHost((LoopProcess) b.loader().loadClass("dev.caravan.mobility.fixtures." + simpleName)
                    .getConstructor().newInstance(), "h");
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldPassTheCodecCheckAndMoveMidLoopWithItsLocals() {
        EnhancedBundle b = bundle();
        LoopProcessHost host = host(b);
        assertThatCode(() -> CodecCheck.check(host.loop().getClass(), host.codecs(),
                b.liveValues("dev.caravan.mobility.fixtures.SumLoop"))).doesNotThrowAnyException();
        host.onStart(new FakeContext("p", "n1"), false);
        assertThat(LoopProcessHostTest.send(host, "ADD", "5")).isEqualTo("5:1:5:1:f");
        assertThat(LoopProcessHostTest.send(host, "INNER", "2")).isEqualTo("inner 2");
        assertThat(LoopProcessHostTest.send(host, "X")).isEqualTo("inner 1/2+5");
        BodyWriter out = new BodyWriter();
        host.writeState(out);
        LoopProcessHost copy = host(bundle());
        copy.readState(1, new BodyReader(out.toBytes()));
        copy.onArrive(new FakeContext("p", "n2"));
        assertThat(LoopProcessHostTest.send(copy, "X")).isEqualTo("inner 2/2+5");
        assertThat(LoopProcessHostTest.send(copy, "ADD", "1")).isEqualTo("9:3:51:2:f");
    }

    @Test
    void shouldMoveALoopWithCompoundAssignmentsOfCallChainsMidBatchWithItsLocals() {
        EnhancedBundle b = bundle();
        LoopProcessHost host = host(b, "CompoundAssignLoop");
        assertThatCode(() -> CodecCheck.check(host.loop().getClass(), host.codecs(),
                b.liveValues("dev.caravan.mobility.fixtures.CompoundAssignLoop"))).doesNotThrowAnyException();
        host.onStart(new FakeContext("p", "n1"), false);
        assertThat(LoopProcessHostTest.send(host, "ADD", "12")).isEqualTo("12:6.0:2");
        assertThat(LoopProcessHostTest.send(host, "BATCH", "2")).isEqualTo("batch");
        assertThat(LoopProcessHostTest.send(host, "X", "5")).isEqualTo("in 1/2 17");
        BodyWriter out = new BodyWriter();
        host.writeState(out);
        LoopProcessHost copy = host(bundle(), "CompoundAssignLoop");
        copy.readState(1, new BodyReader(out.toBytes()));
        copy.onArrive(new FakeContext("p", "n2"));
        assertThat(LoopProcessHostTest.send(copy, "X", "7")).isEqualTo("in 2/2 24");
        assertThat(LoopProcessHostTest.send(copy, "ADD", "30")).isEqualTo("54:21.0:4");
    }

    @Test
    void shouldResumeAnotherBundlesContinuationOnlyWhenItsSuspendingCodeIsTheSame() {
        EnhancedBundle b = bundle();
        Map<String, byte[]> sumOnly = new HashMap<>();
        sumOnly.put("dev/caravan/mobility/fixtures/SumLoop", classBytes("dev/caravan/mobility/fixtures/SumLoop"));
        sumOnly.put("dev/caravan/mobility/fixtures/Point", classBytes("dev/caravan/mobility/fixtures/Point"));
        String sumCode = LoopBundles.enhance("sum", sumOnly, getClass().getClassLoader()).loopCodeHash();
        assertThat(sumCode).as("hex SHA-256").hasSize(64).isNotEqualTo(b.loopCodeHash());
        assertThat(LoopBundles.enhance("again", sumOnly, getClass().getClassLoader()).loopCodeHash()).isEqualTo(sumCode);

        LoopProcessHost v1 = new LoopProcessHost(host(b).loop(), "bundle-v1", sumCode);
        v1.onStart(new FakeContext("p", "n1"), false);
        assertThat(LoopProcessHostTest.send(v1, "ADD", "5")).isEqualTo("5:1:5:1:f");
        BodyWriter out = new BodyWriter();
        v1.writeState(out);
        byte[] state = out.toBytes();

        LoopProcessHost sameCode = new LoopProcessHost(host(bundle()).loop(), "bundle-v2", sumCode);
        sameCode.readState(1, new BodyReader(state));
        sameCode.onArrive(new FakeContext("p", "n2"));
        assertThat(LoopProcessHostTest.send(sameCode, "ADD", "1")).as("resumed with its locals").isEqualTo("6:2:51:2:f");

        for (String other : new String[] {"0".repeat(64), ""}) {
            LoopProcessHost otherCode = new LoopProcessHost(host(bundle()).loop(), "bundle-v3", other);
            assertThatThrownBy(() -> otherCode.readState(1, new BodyReader(state)))
                    .isInstanceOfSatisfying(CaravanException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
                        assertThat(e.getMessage()).contains("suspended in the code of bundle bundle-v1")
                                .contains("suspending methods differ").contains("stop the process and deploy");
                    });
        }
    }
}
