package dev.caravan.systemtests;

import dev.caravan.cli.Console;
import dev.caravan.client.NodeControl;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.ProcessSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static dev.caravan.systemtests.BundleBuilder.bundle;
import static dev.caravan.systemtests.BundleBuilder.greeterSource;
import static dev.caravan.testsupport.CaravanCluster.PROCESS_MEMORY_BYTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Signed code on real node JVMs that require signatures ({@code caravan node --trust-dir}), with
 * the keys made, trusted, revoked and used by the CLI as a user would: push ({@code caravan
 * deploy}), pull (a node starting a bundle it lacks) and migration each refuse what is not signed
 * by a trusted, unrevoked key for exactly these bytes, and run what is.
 */
class SignedCodeSystemTest {
    @TempDir
    static Path files;
    private static CaravanCluster cluster;
    private static Path keys;
    private static Path trust;

    @BeforeAll
    static void startCluster() throws Exception {
        keys = files.resolve("keys");
        trust = files.resolve("trust");
        for (String key : new String[] {"release", "stranger", "doomed", "doomed-pull", "doomed-mig"}) {
            ok(Console.run("keys", "new", key, "--dir", keys.toString()));
        }
        for (String key : new String[] {"release", "doomed", "doomed-pull", "doomed-mig"}) {
            ok(Console.run("keys", "trust", keys.resolve(key + ".pub").toString(), "--trust-dir", trust.toString()));
        }
        cluster = CaravanCluster.aCluster().withNodes(2).withTrustDir(trust).start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Console.Result ok(Console.Result r) {
        assertThat(r.exitCode()).as(r.err()).isZero();
        return r;
    }

    private static Path jar(String name, String greeting) throws Exception {
        String cls = "signed." + name.replace('-', '_') + ".Greeter";
        return Files.write(files.resolve(name + ".jar"), bundle().source(cls, greeterSource(cls, greeting)).build());
    }

    private static String cls(String name) {
        return "signed." + name.replace('-', '_') + ".Greeter";
    }

    private static void sign(Path jar, String key) {
        ok(Console.run("sign", jar.toString(), "--key", keys.resolve(key + ".key").toString()));
    }

    private static Console.Result deploy(Path jar, String name, String... more) {
        String[] args = new String[8 + more.length];
        System.arraycopy(new String[] {"deploy", jar.toString(), "--name", name, "--class", cls(jarName(jar)), "--node", "n1"},
                0, args, 0, 8);
        System.arraycopy(more, 0, args, 8, more.length);
        String[] all = new String[args.length + 1];
        all[0] = args[0];
        all[1] = "--naming=" + cluster.namingHostPort();
        System.arraycopy(args, 1, all, 2, args.length - 1);
        return Console.run(all);
    }

    private static String jarName(Path jar) {
        String f = jar.getFileName().toString();
        return f.substring(0, f.indexOf('.'));
    }

    private static void assertRefused(Console.Result r, String jarFile, String reason) {
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.errLines().getFirst()).contains(jarFile).contains(reason).endsWith("[UNTRUSTED_CODE]");
    }

    @Test
    void deployRefusesUnsignedTamperedWrongHashAndUntrustedCodeAndRunsSignedCode() throws Exception {
        Path unsigned = jar("unsigned", "u");
        assertRefused(deploy(unsigned, "unsigned"), "unsigned.jar", "is unsigned");

        Path tampered = jar("tampered", "t");
        sign(tampered, "release");
        jar("tampered", "t-changed-after-signing");
        assertRefused(deploy(tampered, "tampered"), "tampered.jar", "tampered: hash mismatch");

        Path other = jar("other", "o");
        sign(other, "release");
        Path wrong = jar("wrong", "w");
        assertRefused(deploy(wrong, "wrong", "--signature", other + ".sig"), "wrong.jar", "tampered: hash mismatch");

        Path foreign = jar("foreign", "f");
        sign(foreign, "stranger");
        assertRefused(deploy(foreign, "foreign"), "foreign.jar", "is not trusted");

        Path good = jar("good", "good");
        sign(good, "release");
        ok(deploy(good, "good"));
        assertThat(((Reply.Bulk) cluster.client().call("good", "PING")).text()).startsWith("good:PING:");
    }

    @Test
    void aRevocationRefusesTheNextDeployWithoutARestart() throws Exception {
        Path jar = jar("revocable", "r");
        sign(jar, "doomed");
        ok(deploy(jar, "before-revocation"));

        ok(Console.run("keys", "revoke", keys.resolve("doomed.pub").toString(), "--trust-dir", trust.toString()));

        assertRefused(deploy(jar, "after-revocation"), "revocable.jar", "is revoked");
        assertThat(Console.run("keys", "ls", "--dir", keys.toString(), "--trust-dir", trust.toString()).out())
                .containsPattern("doomed +revoked");
    }

    @Test
    void aNodePullingABundleChecksItsSignature() throws Exception {
        byte[] good = Files.readAllBytes(jar("pulled", "pulled"));
        sign(files.resolve("pulled.jar"), "release");
        String hash = cluster.control("n1").putBundle(good, Files.readAllBytes(files.resolve("pulled.jar.sig")));
        assertThat(cluster.control("n2").start(spec("pulled", hash, cls("pulled"))).node()).isEqualTo("n2");
        assertThat(cluster.control("n2").getBundleSignature(hash)).isEqualTo(Files.readAllBytes(files.resolve("pulled.jar.sig")));

        byte[] doomed = Files.readAllBytes(jar("pull-revoked", "p"));
        sign(files.resolve("pull-revoked.jar"), "doomed-pull");
        String doomedHash = cluster.control("n1").putBundle(doomed, Files.readAllBytes(files.resolve("pull-revoked.jar.sig")));
        ok(Console.run("keys", "revoke", keys.resolve("doomed-pull.pub").toString(), "--trust-dir", trust.toString()));
        CaravanException e = catchThrowableOfType(CaravanException.class,
                () -> cluster.control("n2").start(spec("pull-revoked", doomedHash, cls("pull-revoked"))));
        assertThat(e.code()).isEqualTo(ErrorCode.UNTRUSTED_CODE);
        assertThat(e.getMessage()).contains("is revoked").contains("pulled from node n1");
    }

    @Test
    void migrationChecksTheSignatureAtTheDestination() throws Exception {
        Path mover = jar("mover", "m");
        sign(mover, "release");
        ok(deploy(mover, "mover"));
        assertThat(migrate("mover").outcome()).isEqualTo(MigrationOutcome.COMMITTED);

        Path stay = jar("stayer", "s");
        sign(stay, "doomed-mig");
        ok(deploy(stay, "stayer"));
        ok(Console.run("keys", "revoke", keys.resolve("doomed-mig.pub").toString(), "--trust-dir", trust.toString()));
        MigrationReport refused = migrate("stayer");
        assertThat(refused.outcome()).isNotEqualTo(MigrationOutcome.COMMITTED);
        assertThat(refused.detail()).contains("is revoked");
        assertThat(((Reply.Bulk) cluster.client().call("stayer", "PING")).text()).as("still served at home").startsWith("s:PING:");
    }

    private static MigrationReport migrate(String name) throws Exception {
        return NodeControl.migrate(cluster.controlAddress("n1"), "",
                new MigrationRequest(name, "n2", MigrationMode.STOP_AND_COPY, 50, 30, 2, false, "", ""), p -> { },
                Duration.ofSeconds(60));
    }

    private static ProcessSpec spec(String name, String hash, String className) {
        return new ProcessSpec(name, "", hash, className, PROCESS_MEMORY_BYTES, Map.of());
    }
}
