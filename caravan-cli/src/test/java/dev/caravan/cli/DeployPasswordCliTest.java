package dev.caravan.cli;

import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.node.CheckpointFormat;
import dev.caravan.wire.node.ProcessSpec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code caravan deploy --password-file | --password-env}: only the password's SHA-256 reaches
 * the node, under {@code auth.password.sha256}; it moves with the process through migration,
 * clone, checkpoint and restore; neither it nor the password shows in ps or the daemons' logs.
 */
@Tag("slow")
class DeployPasswordCliTest {
    private static final String PASSWORD = "correct horse battery";
    /** {@code printf 'correct horse battery' | sha256sum}. */
    private static final String SHA256 = "9028ea0d15decaa35b2da21c0290af3b1a5ba0a30a591906f89b5074e209ea72";

    @TempDir
    Path dir;

    /** The spec recorded in a checkpoint of {@code name}. */
    private ProcessSpec checkpointedSpec(String name, String naming) throws IOException {
        Path to = Files.createDirectories(dir.resolve("ck-" + name));
        Console.Result ck = Console.run("checkpoint", name, "--to", to.toString(), "--naming", naming);
        assertThat(ck.exitCode()).as(ck.err()).isZero();
        Path file;
        try (Stream<Path> s = Files.list(to)) {
            file = s.filter(p -> p.toString().endsWith(".ckpt")).findFirst().orElseThrow();
        }
        AtomicReference<ProcessSpec> spec = new AtomicReference<>();
        try (InputStream in = Files.newInputStream(file)) {
            CheckpointFormat.read(in, new CheckpointFormat.Visitor() {
                @Override
                public void onHeader(CheckpointFormat.Header header) {
                    spec.set(header.spec());
                }

                @Override
                public void onPage(long page, byte[] content) {
                }

                @Override
                public void onState(int version, byte[] state) {
                }
            });
        }
        return spec.get();
    }

    @Test
    void shouldStoreOnlyTheHashAndMoveItWithTheProcessEverywhere() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), PASSWORD + "\n");
        String hash = SHA256;
        try (CaravanCluster c = CaravanCluster.aCluster().withNodes(2).start()) {
            String naming = c.namingHostPort();
            Console.Result both = Console.run("deploy", "--sample", "kv", "--name", "p", "--password-file", pw.toString(),
                    "--password-env", "HOME", "--naming", naming);
            assertThat(both.exitCode()).isNotZero();
            assertThat(both.errLines()).containsExactly("caravan: give --password-file or --password-env, not both [INVALID_ARGUMENT]");
            Console.Result set = Console.run("deploy", "--sample", "kv", "--name", "p", "--set", "auth.password.sha256=x",
                    "--naming", naming);
            assertThat(set.exitCode()).isNotZero();
            assertThat(set.errLines()).hasSize(1);

            Console.Result deploy = Console.run("deploy", "--sample", "kv", "--name", "p", "--node", "n1",
                    "--password-file", pw.toString(), "--naming", naming);
            assertThat(deploy.exitCode()).as(deploy.err()).isZero();
            assertThat(checkpointedSpec("p", naming).config()).containsEntry("auth.password.sha256", hash);

            Console.Result moved = Console.run("migrate", "p", "--to", "n2", "--mode", "pre-copy", "--naming", naming);
            assertThat(moved.exitCode()).as(moved.err()).isZero();
            assertThat(checkpointedSpec("p", naming).config()).as("after a migration").containsEntry("auth.password.sha256", hash);

            assertThat(Console.run("clone", "p", "--to", "n1", "--name", "p2", "--naming", naming).exitCode()).isZero();
            ProcessSpec cloned = checkpointedSpec("p2", naming);
            assertThat(cloned.config()).as("a clone").containsEntry("auth.password.sha256", hash);

            Path ckpt;
            try (Stream<Path> s = Files.list(dir.resolve("ck-p2"))) {
                ckpt = s.findFirst().orElseThrow();
            }
            Console.Result restored = Console.run("restore", ckpt.toString(), "--node", "n2", "--name", "p3", "--naming", naming);
            assertThat(restored.exitCode()).as(restored.err()).isZero();
            assertThat(checkpointedSpec("p3", naming).config()).as("a restore").containsEntry("auth.password.sha256", hash);

            List<String> shown = List.of(deploy.out(), deploy.err(), moved.out(),
                    Console.run("ps", "--naming", naming).out(), Console.run("ps", "--json", "--naming", naming).out());
            for (String out : shown) {
                assertThat(out).doesNotContain(PASSWORD).doesNotContain(hash);
            }
            try (Stream<Path> logs = Files.walk(c.workDir().resolve("logs"))) {
                for (Path log : logs.filter(Files::isRegularFile).toList()) {
                    String text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
                    assertThat(text).as(log.toString()).doesNotContain(PASSWORD).doesNotContain(hash);
                }
            }
        }
    }
}
