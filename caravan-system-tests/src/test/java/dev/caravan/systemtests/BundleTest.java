package dev.caravan.systemtests;

import dev.caravan.client.NodeControl;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Frame;
import dev.caravan.wire.Op;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static dev.caravan.systemtests.BundleBuilder.bundle;
import static dev.caravan.systemtests.BundleBuilder.greeterSource;
import static dev.caravan.testsupport.CaravanCluster.PROCESS_MEMORY_BYTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Code bundles: pushing, pulling between nodes, hash checks, class loading and isolation. */
class BundleTest {
    private static CaravanCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = CaravanCluster.aCluster().withNodes(2).start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static ProcessSpec spec(String name, String hash, String className) {
        return new ProcessSpec(name, "", hash, className, PROCESS_MEMORY_BYTES, Map.of());
    }

    private static String text(Reply r) {
        assertThat(r).isInstanceOf(Reply.Bulk.class);
        return ((Reply.Bulk) r).text();
    }

    @Test
    void shouldRunCompiledBundleOnTheNodeItWasPushedTo() {
        byte[] jar = bundle().source("pushed.Greeter", greeterSource("pushed.Greeter", "hello")).build();
        assertThatThrownBy(() -> Class.forName("pushed.Greeter"))
                .as("bundle classes must not be on any class path").isInstanceOf(ClassNotFoundException.class);

        String hash = cluster.control("n1").putBundle(jar);
        ProcessInfo info = cluster.control("n1").start(spec("greeter-pushed", hash, "pushed.Greeter"));

        assertThat(hash).isEqualTo(BundleBuilder.sha256(jar));
        assertThat(info.node()).isEqualTo("n1");
        assertThat(info.bundle()).isEqualTo(hash);
        assertThat(text(cluster.client().call("greeter-pushed", "PING"))).startsWith("hello:PING:bundle-");
    }

    @Test
    void shouldPullBundleFromOtherNodeWhenStartedWhereMissing() {
        byte[] jar = bundle().source("pulled.Greeter", greeterSource("pulled.Greeter", "pulled")).build();
        String hash = cluster.control("n1").putBundle(jar);

        ProcessInfo info = cluster.control("n2").start(spec("greeter-pulled", hash, "pulled.Greeter"));

        assertThat(info.node()).isEqualTo("n2");
        assertThat(text(cluster.client().call("greeter-pulled", "HI"))).startsWith("pulled:HI:");
        assertThat(cluster.control("n2").getBundle(hash)).as("n2 now holds the same bytes").isEqualTo(jar);
    }

    @Test
    void shouldRefuseBundleWhoseBytesDoNotMatchExpectedHash() {
        byte[] jar = bundle().source("forged.Greeter", greeterSource("forged.Greeter", "forged")).build();
        String wrongHash = "0".repeat(64);
        Frame reply;
        try (FrameClient raw = FrameClient.connect(cluster.controlAddress("n1"), new Hello("system-test", ""),
                Duration.ofSeconds(10))) {
            reply = raw.call(Op.NODE_PUT_BUNDLE, new BodyWriter().string(wrongHash).bytes(jar).toBytes(),
                    Duration.ofSeconds(10));
        }

        assertThat(reply.type()).isEqualTo(Op.ERROR);
        CaravanException e = catchThrowableOfType(CaravanException.class, reply::expectOk);
        assertThat(e.code()).isEqualTo(ErrorCode.BUNDLE_HASH_MISMATCH);
        assertThat(e.getMessage()).contains(BundleBuilder.sha256(jar));
        CaravanException notStored = catchThrowableOfType(CaravanException.class,
                () -> cluster.control("n1").getBundle(BundleBuilder.sha256(jar)));
        assertThat(notStored.code()).as("the refused bundle must not be stored").isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void shouldRunSameClassNameFromDifferentBundlesSideBySideInSeparateLoaders() {
        byte[] v1 = bundle().source("twin.Greeter", greeterSource("twin.Greeter", "v1")).build();
        byte[] v2 = bundle().source("twin.Greeter", greeterSource("twin.Greeter", "v2")).build();
        NodeControl n1 = cluster.control("n1");
        n1.start(spec("twin-v1", n1.putBundle(v1), "twin.Greeter"));
        n1.start(spec("twin-v2", n1.putBundle(v2), "twin.Greeter"));

        String a = text(cluster.client().call("twin-v1", "WHO"));
        String b = text(cluster.client().call("twin-v2", "WHO"));

        assertThat(a).startsWith("v1:WHO:");
        assertThat(b).startsWith("v2:WHO:");
        String loaderA = a.substring(a.lastIndexOf(':') + 1);
        String loaderB = b.substring(b.lastIndexOf(':') + 1);
        assertThat(loaderA).as("each bundle has its own class loader").isNotEqualTo(loaderB);
    }

    @Test
    void shouldFailWithClassLoadFailedWhenClassDoesNotImplementCaravanProcess() {
        byte[] jar = bundle().source("plain.NotAProcess", "package plain; public class NotAProcess { }").build();
        NodeControl n1 = cluster.control("n1");
        String hash = n1.putBundle(jar);

        CaravanException e = catchThrowableOfType(CaravanException.class,
                () -> n1.start(spec("not-a-process", hash, "plain.NotAProcess")));

        assertThat(e.code()).isEqualTo(ErrorCode.CLASS_LOAD_FAILED);
        assertThat(e.getMessage()).contains("plain.NotAProcess").contains("does not implement")
                .contains("dev.caravan.core.process.CaravanProcess");
        assertThat(cluster.client().resolve("not-a-process")).as("nothing was registered").isEmpty();
    }

    @Test
    void shouldFailWithClassLoadFailedWhenClassIsMissingFromBundle() {
        byte[] jar = bundle().source("plain.Other", "package plain; public class Other { }").build();
        NodeControl n1 = cluster.control("n1");
        String hash = n1.putBundle(jar);

        CaravanException e = catchThrowableOfType(CaravanException.class,
                () -> n1.start(spec("missing-class", hash, "plain.Missing")));

        assertThat(e.code()).isEqualTo(ErrorCode.CLASS_LOAD_FAILED);
        assertThat(e.getMessage()).contains("plain.Missing");
    }

    @Test
    void shouldRefuseStartingProcessWhoseNameAlreadyRunsOnAnotherNode() {
        byte[] jar = bundle().source("dup.Greeter", greeterSource("dup.Greeter", "first")).build();
        String hash = cluster.control("n1").putBundle(jar);
        cluster.control("n1").start(spec("dup", hash, "dup.Greeter"));

        CaravanException e = catchThrowableOfType(CaravanException.class,
                () -> cluster.control("n2").start(spec("dup", hash, "dup.Greeter")));

        assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
        assertThat(e.getMessage()).contains("n1");
        assertThat(text(cluster.client().call("dup", "X"))).as("the first one keeps serving").startsWith("first:X:");
    }
}
