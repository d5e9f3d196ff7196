package dev.caravan.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code caravan} launcher script, run by bash on a copy of it in a temporary tree: a fake
 * {@code mvnw} that only logs that it was called, one module with one source file, and this
 * build's jar and lib/ (an integration test: it runs after {@code package}).
 */
class LauncherIT {
    private static final Path PROJECT = Path.of("").toAbsolutePath().getParent();
    private static final Path TARGET = Path.of("target").toAbsolutePath();

    @TempDir
    Path home;
    private Path source;
    private Path stamp;
    private Path buildLog;

    record Run(int exitCode, String out, String err) {
    }

    @BeforeEach
    void copyTheLauncherAndTheBuild() throws IOException {
        Files.copy(PROJECT.resolve("caravan"), home.resolve("caravan"));
        buildLog = home.resolve("builds.log");
        Files.writeString(home.resolve("mvnw"), "#!/usr/bin/env bash\necho \"$*\" >> '" + buildLog + "'\n");
        home.resolve("mvnw").toFile().setExecutable(true);
        Files.writeString(home.resolve("pom.xml"), "<project/>\n");
        source = home.resolve("m/src/main/java/A.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "class A {}\n");
        Path target = Files.createDirectories(home.resolve("caravan-cli/target"));
        Files.copy(TARGET.resolve("caravan-cli.jar"), target.resolve("caravan-cli.jar"));
        Path lib = Files.createDirectories(target.resolve("lib"));
        try (Stream<Path> jars = Files.list(TARGET.resolve("lib"))) {
            for (Path jar : jars.toList()) {
                Files.copy(jar, lib.resolve(jar.getFileName()));
            }
        }
        stamp = target.resolve("caravan-cli.built");
        Files.writeString(stamp, "");
        Instant past = Instant.now().minusSeconds(60);
        try (Stream<Path> all = Files.walk(home)) {
            for (Path p : all.toList()) {
                Files.setLastModifiedTime(p, FileTime.from(past));
            }
        }
        Files.setLastModifiedTime(stamp, FileTime.from(past.plusSeconds(10)));
    }

    private Run caravan(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("bash", home.resolve("caravan").toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(home.resolve("out.txt").toFile())
                .redirectError(home.resolve("err.txt").toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("CARAVAN_JAVA_OPTS");
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the launcher finishes").isTrue();
        return new Run(p.exitValue(), Files.readString(home.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(home.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    private long builds() throws IOException {
        return Files.exists(buildLog) ? Files.readAllLines(buildLog).size() : 0;
    }

    @Test
    void shouldRebuildAfterASourceEditAndOnlyThen() throws Exception {
        Map<String, String> noCache = Map.of("CARAVAN_AOT", "off");
        Run first = caravan(noCache, "--version");
        assertThat(first.out()).isEqualTo("caravan 0.1.0\n");
        assertThat(builds()).as("built sources, no build").isZero();

        Files.writeString(home.resolve("m/README.md"), "not a source\n");
        Files.createDirectories(home.resolve("m/src/test/java"));
        Files.writeString(home.resolve("m/src/test/java/ATest.java"), "class ATest {}\n");
        caravan(noCache, "--version");
        assertThat(builds()).as("files outside src/main and the POMs do not count").isZero();

        Files.writeString(source, "class A { int edited; }\n");
        Run edited = caravan(noCache, "--version");
        assertThat(builds()).as("an edited source is built").isEqualTo(1);
        assertThat(edited.err()).contains("caravan: building");
        assertThat(edited.out()).isEqualTo("caravan 0.1.0\n");
        assertThat(Files.getLastModifiedTime(stamp).toInstant()).isAfterOrEqualTo(Files.getLastModifiedTime(source).toInstant());

        caravan(noCache, "--version");
        assertThat(builds()).as("built once, then up to date").isEqualTo(1);

        Files.delete(source);
        caravan(noCache, "--version");
        assertThat(builds()).as("a deleted source is a change").isEqualTo(2);

        Files.writeString(home.resolve("pom.xml"), "<project><!-- edited --></project>\n");
        caravan(noCache, "--version");
        assertThat(builds()).as("an edited POM is a change").isEqualTo(3);
    }

    @Test
    void shouldPrintNothingExtraWhetherTheStartupCacheIsMissingUsedOrBroken() throws Exception {
        Path cache = home.resolve("caravan-cli/target/caravan-cli.aot");
        Run missing = caravan(Map.of(), "--help");
        assertThat(missing.exitCode()).isZero();
        assertThat(missing.err()).isEmpty();
        assertThat(missing.out()).startsWith("Usage: caravan");
        assertThat(cache).as("the cache is built when missing").isNotEmptyFile();

        Run used = caravan(Map.of("CARAVAN_JAVA_OPTS", "-Xlog:class+load"), "--version");
        assertThat(used.out()).as("our classes come from the cache").contains("dev.caravan.cli.Main source: shared objects file");

        String nowhere = "127.0.0.1:" + closedPort();
        Run ps = caravan(Map.of(), "ps", "--naming", nowhere);
        assertThat(ps.exitCode()).isEqualTo(1);
        assertThat(ps.out()).isEmpty();
        assertThat(ps.err().lines().filter(l -> !l.isBlank()).toList()).hasSize(1);

        Files.write(cache, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        Run broken = caravan(Map.of(), "--help");
        assertThat(broken.exitCode()).isZero();
        assertThat(broken.err()).isEmpty();
        assertThat(broken.out()).startsWith("Usage: caravan").doesNotContain("[aot]", "[cds]");
    }

    @Test
    void shouldPrintTheJdkItFoundWithoutBuildingOrStartingAJvm() throws Exception {
        Path jdk17 = home.resolve("jdk-17");
        for (String tool : new String[] {"java", "javac"}) {
            Path exe = Files.createDirectories(jdk17.resolve("bin")).resolve(tool);
            Files.writeString(exe, "#!/usr/bin/env bash\necho 'a JVM started' > '" + home.resolve("jvm-started") + "'\n");
            exe.toFile().setExecutable(true);
        }
        Files.writeString(jdk17.resolve("release"), "JAVA_VERSION=\"17.0.12\"\n");
        Files.writeString(source, "class A { int edited; }\n");

        Run run = caravan(Map.of("JAVA_HOME", jdk17.toString()), "java-home");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out().lines().toList()).as("one line: a directory").hasSize(1);
        Path found = Path.of(run.out().strip());
        assertThat(found).as("not the JDK 17 in JAVA_HOME").isNotEqualTo(jdk17);
        assertThat(found.resolve("bin/java")).isExecutable();
        assertThat(found.resolve("bin/javac")).isExecutable();
        String release = Files.readString(found.resolve("release"));
        int feature = Integer.parseInt(release.replaceAll("(?s).*JAVA_VERSION=\"([0-9]+).*", "$1"));
        assertThat(feature).as("the JDK's feature version").isGreaterThanOrEqualTo(25);
        assertThat(builds()).as("answered before building").isZero();
        assertThat(home.resolve("jvm-started")).doesNotExist();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
