package dev.caravan.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code caravan deploy} checks every option and its jars before it pushes anything. No cluster runs
 * here: a deploy that got as far as pushing would fail with "cannot reach" naming instead of its refusal.
 */
class DeployChecksFirstTest {
    /** A naming address nobody listens on: pushing would need it. */
    private static final String NAMING = "127.0.0.1:1";

    @TempDir
    static Path dir;
    static Path service;
    static Path client;
    static Path clientWithoutManifestClass;
    static Path garbage;

    @BeforeAll
    static void jars() throws IOException {
        service = jar("service.jar", null, "ledger/LedgerProcess.class");
        client = jar("client.jar", "ledger.client.LedgerClient", "ledger/client/LedgerClient.class");
        clientWithoutManifestClass = jar("plain-client.jar", null, "ledger/client/LedgerClient.class");
        garbage = dir.resolve("garbage.jar");
        Files.writeString(garbage, "not a jar at all");
    }

    private static Path jar(String name, String clientClass, String entry) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (clientClass != null) {
            m.getMainAttributes().putValue("Caravan-Client-Class", clientClass);
        }
        Path p = dir.resolve(name);
        try (OutputStream f = Files.newOutputStream(p); JarOutputStream j = new JarOutputStream(f, m)) {
            j.putNextEntry(new JarEntry(entry));
            j.write(new byte[] {(byte) 0xCA, (byte) 0xFE});
            j.closeEntry();
        }
        return p;
    }

    private static Console.Result deploy(String... more) {
        String[] args = new String[more.length + 3];
        args[0] = "deploy";
        System.arraycopy(more, 0, args, 1, more.length);
        args[more.length + 1] = "--naming";
        args[more.length + 2] = NAMING;
        return Console.run(args);
    }

    private static void assertRefusedBeforePushing(Console.Result r, int exit, String says) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(exit);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.errLines().getFirst()).startsWith("caravan: ").contains(says).doesNotContain("cannot reach");
        assertThat(r.out()).doesNotContain("pushed").isEmpty();
    }

    @Test
    void shouldRefuseAJarWithoutClassAsAUsageError() {
        assertRefusedBeforePushing(deploy(service.toString(), "--name", "x"), 2, "a JAR needs --class CLASS");
    }

    @Test
    void shouldRefuseAClientJarWithoutAManifestClass() {
        assertRefusedBeforePushing(deploy(service.toString(), "--name", "x", "--class", "ledger.LedgerProcess", "--client-bundle",
                clientWithoutManifestClass.toString()), 1, "give --client-class CLASS");
    }

    @Test
    void shouldRefuseAGarbageClientBundle() {
        assertRefusedBeforePushing(deploy(service.toString(), "--name", "x", "--class", "ledger.LedgerProcess", "--client-bundle",
                garbage.toString()), 1, "is not a jar file");
    }

    @Test
    void shouldRefuseAGarbageJar() {
        assertRefusedBeforePushing(deploy(garbage.toString(), "--name", "x", "--class", "ledger.LedgerProcess"), 1,
                "is not a jar file");
    }

    @Test
    void shouldRefuseAClientClassTheClientJarDoesNotHold() {
        assertRefusedBeforePushing(deploy(service.toString(), "--name", "x", "--class", "ledger.LedgerProcess", "--client-bundle",
                client.toString(), "--client-class", "ledger.client.Nope"), 1, "no class ledger.client.Nope (--client-class) in");
    }

    @Test
    void shouldRefuseABadMemoryOrNameAsAUsageError() {
        assertRefusedBeforePushing(deploy(service.toString(), "--name", "x", "--class", "A", "--memory", "lots"), 2,
                "'lots' is not a size");
        assertRefusedBeforePushing(deploy(service.toString(), "--name", "x/y", "--class", "A"), 2, "process name 'x/y'");
    }

    @Test
    void shouldGoOnToTheClusterWhenEveryOptionIsRight() {
        Console.Result r = deploy(service.toString(), "--name", "x", "--class", "ledger.LedgerProcess", "--client-bundle",
                client.toString());

        // Past every check: only now is the cluster asked (and nobody listens).
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("cannot reach " + NAMING);
    }
}
