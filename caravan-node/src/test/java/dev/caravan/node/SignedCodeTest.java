package dev.caravan.node;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.security.signing.BundleSignature;
import dev.caravan.wire.security.signing.CodePolicy;
import dev.caravan.wire.security.signing.PrivateKeyFile;
import dev.caravan.wire.security.signing.TrustStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Signed code on real nodes in this JVM (shared in-memory naming, real control ports and
 * migration links): every way a bundle reaches a node — push, pull, migration, evaluation —
 * refuses unsigned, tampered, wrong-hash, untrusted and revoked code before a class of it is
 * loaded, and accepts a good signature; a revocation takes effect without a restart.
 */
class SignedCodeTest {
    @TempDir
    Path tmp;
    private final LocalNamingService naming = new LocalNamingService();
    private final List<NodeDaemon> nodes = new ArrayList<>();
    private TrustStore trust;
    private PrivateKeyFile trusted;
    private PrivateKeyFile stranger;

    @BeforeEach
    void keys() throws Exception {
        trust = new TrustStore(tmp.resolve("trust"));
        trusted = PrivateKeyFile.generate("release");
        stranger = PrivateKeyFile.generate("stranger");
        trust.trust(trusted.publicKey());
    }

    @AfterEach
    void stopAll() {
        nodes.forEach(NodeDaemon::close);
        naming.close();
    }

    private NodeDaemon start(String id, CodePolicy policy) throws Exception {
        NodeConfig config = NodeConfig.loopback(id, 0, new InetSocketAddress("127.0.0.1", 1), tmp.resolve(id))
                .withProcessMemoryBytes(64L << 20);
        NodeDaemon n = NodeDaemon.start(config, naming, Clock.system(), policy);
        nodes.add(n);
        return n;
    }

    private NodeDaemon strict(String id) throws Exception {
        return start(id, CodePolicy.requireSigned(trust.dir()));
    }

    /** A jar of its own hash; its process's class comes from the bundle loader's parent (this test's class path). */
    private static byte[] jar(String marker) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes)) {
            out.putNextEntry(new JarEntry("marker.txt"));
            out.write(marker.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return bytes.toByteArray();
    }

    private static byte[] sign(PrivateKeyFile key, byte[] jar) {
        return BundleSignature.sign(key, BundleSignature.bundleHash(jar)).toBytes();
    }

    private static ProcessSpec spec(String name, String hash) {
        return new ProcessSpec(name, "", hash, Spinner.class.getName(), 1 << 20, Map.of("interrupts", "obey"));
    }

    private static void assertUntrusted(ThrowingRunnable r, String reason) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(CaravanException.class,
                e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.UNTRUSTED_CODE)).hasMessageContaining(reason);
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void pushRefusesEveryBadSignatureAndStoresNothing() throws Exception {
        NodeDaemon n1 = strict("n1");
        byte[] a = jar("a");
        byte[] b = jar("b");
        byte[] tampered = a.clone();
        tampered[tampered.length - 30] ^= 1;
        byte[] badSignature = sign(trusted, a);
        badSignature[BundleSignature.BYTES - 1] ^= 1;

        assertUntrusted(() -> n1.putBundle(a, ""), "is unsigned");
        assertUntrusted(() -> n1.putBundle(tampered, "", sign(trusted, a)), "tampered: hash mismatch");
        assertUntrusted(() -> n1.putBundle(a, "", sign(trusted, b)), "tampered: hash mismatch");
        assertUntrusted(() -> n1.putBundle(a, "", sign(stranger, a)), "is not trusted");
        assertUntrusted(() -> n1.putBundle(a, "", badSignature), "does not verify");
        assertThatThrownBy(() -> n1.getBundle(BundleSignature.bundleHash(a))).hasMessageContaining("no bundle");

        String hash = n1.putBundle(a, "", sign(trusted, a));
        assertThat(n1.startProcess(spec("good", hash)).name()).isEqualTo("good");
        assertThat(n1.getBundleSignature(hash)).isEqualTo(sign(trusted, a));
    }

    @Test
    void aRevocationStopsTheNextStartWithoutARestart() throws Exception {
        NodeDaemon n1 = strict("n1");
        byte[] a = jar("revocable");
        String hash = n1.putBundle(a, "", sign(trusted, a));
        n1.startProcess(spec("before", hash));

        trust.revoke(trusted.keyId());

        assertUntrusted(() -> n1.startProcess(spec("after", hash)), "key " + trusted.keyId().substring(0, 16) + " is revoked");
        assertUntrusted(() -> n1.putBundle(a, "", sign(trusted, a)), "is revoked");
        assertThat(n1.list()).extracting(i -> i.name()).containsExactly("before");
    }

    @Test
    void pullChecksTheHoldersSignature() throws Exception {
        NodeDaemon holder = start("holder", CodePolicy.allowUnsigned());
        NodeDaemon n2 = strict("n2");
        byte[] unsigned = jar("unsigned");
        byte[] foreign = jar("foreign");
        byte[] wrongHash = jar("wrong-hash");
        byte[] good = jar("good");
        String unsignedHash = holder.putBundle(unsigned, "");
        String foreignHash = holder.putBundle(foreign, "", sign(stranger, foreign));
        String wrongHashHash = holder.putBundle(wrongHash, "");
        // A hostile holder serves a valid signature of another bundle.
        Files.write(tmp.resolve("holder/bundles/" + wrongHashHash + ".sig"), sign(trusted, good));
        String goodHash = holder.putBundle(good, "", sign(trusted, good));

        assertUntrusted(() -> n2.startProcess(spec("p1", unsignedHash)), "is unsigned");
        assertUntrusted(() -> n2.startProcess(spec("p2", foreignHash)), "is not trusted");
        assertUntrusted(() -> n2.startProcess(spec("p3", wrongHashHash)), "tampered: hash mismatch");
        assertThat(n2.startProcess(spec("p4", goodHash)).name()).isEqualTo("p4");
        assertThat(n2.getBundleSignature(goodHash)).isEqualTo(sign(trusted, good));
    }

    @Test
    void migrationChecksTheSignatureAtTheTargetAndTheProcessStaysAtHome() throws Exception {
        NodeDaemon n1 = start("n1", CodePolicy.allowUnsigned());
        NodeDaemon n2 = strict("n2");
        byte[] unsigned = jar("mig-unsigned");
        byte[] good = jar("mig-good");
        n1.startProcess(spec("stray", n1.putBundle(unsigned, "")));
        n1.startProcess(spec("mover", n1.putBundle(good, "", sign(trusted, good))));

        MigrationReport refused = n1.migration().migrate(request("stray", "n2"), p -> { });
        assertThat(refused.outcome()).isNotEqualTo(MigrationOutcome.COMMITTED);
        assertThat(refused.detail()).contains("refused bundle").contains("is unsigned");
        assertThat(n1.list()).extracting(i -> i.name()).contains("stray");
        assertThat(n2.list()).isEmpty();

        assertThat(n1.migration().migrate(request("mover", "n2"), p -> { }).outcome()).isEqualTo(MigrationOutcome.COMMITTED);
        assertThat(n2.list()).extracting(i -> i.name()).containsExactly("mover");
    }

    @Test
    void evaluationLoadsNoClassOfAnUnsignedBundle() throws Exception {
        NodeDaemon holder = start("holder", CodePolicy.allowUnsigned());
        NodeDaemon n2 = strict("n2");
        String hash = holder.putBundle(jar("function"), "");
        assertUntrusted(() -> n2.bundleLoader(hash, "some.Function"), "it is unsigned");
    }

    private static MigrationRequest request(String name, String to) {
        return new MigrationRequest(name, to, MigrationMode.STOP_AND_COPY, 5000, 10, 1, false, "", "");
    }
}
