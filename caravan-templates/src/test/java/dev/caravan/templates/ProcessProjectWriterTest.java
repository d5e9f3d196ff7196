package dev.caravan.templates;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The generated project: its files, no placeholder left, its sources compiling warning-free against the process
 * API (the real Maven build of a generated project runs in caravan-system-tests), and the refusals.
 */
class ProcessProjectWriterTest {
    @TempDir
    Path tmp;

    @Test
    void shouldWriteAProjectWhoseSourcesCompileWithEveryLintWarningAnError() throws Exception {
        Path dir = tmp.resolve("hit-board");
        List<Path> files = ProcessProjectWriter.write(ProcessProject.of("hit-board", "org.acme.board"), dir, tmp);

        assertThat(files).map(Path::toString).contains("pom.xml", "README.md", ".gitignore",
                "src/main/java/org/acme/board/HitBoardProcess.java", "src/main/java/org/acme/board/HitBoardState.java",
                "src/main/java/org/acme/board/HitBoardStateCodec.java",
                "src/test/java/org/acme/board/HitBoardProcessTest.java");
        for (Path f : files) {
            assertThat(Files.readString(dir.resolve(f))).as(f.toString()).doesNotContain("{{");
        }
        String pom = Files.readString(dir.resolve("pom.xml"));
        assertThat(pom).contains("<artifactId>hit-board</artifactId>", "<groupId>org.acme.board</groupId>",
                "<version>" + ProcessProjectWriter.caravanVersion() + "</version>", "<artifactId>caravan-core</artifactId>",
                "<artifactId>caravan-wire</artifactId>");
        assertThat(ProcessProjectWriter.caravanVersion()).as("filtered from the build").matches("[0-9][0-9A-Za-z.-]*");
        assertThat(Files.readString(dir.resolve("README.md"))).contains(
                "./caravan deploy $P/target/hit-board.jar --name hit-board --class org.acme.board.HitBoardProcess",
                "P=" + dir, "./caravan migrate hit-board --to n2", "./caravan clone hit-board",
                "./caravan checkpoint hit-board", "./caravan logs hit-board",
                "export JAVA_HOME=\"$(./caravan java-home)\"");
        assertThat(Files.readString(dir.resolve("README.md"))).as("logs through caravan logs, not a node's file")
                .doesNotContain(".caravan/logs/");

        List<String> errors = compile(dir);
        assertThat(errors).as("javac -Xlint:all -Werror on the generated sources").isEmpty();
    }

    @Test
    void shouldDeriveClassNamesAndADefaultPackageFromTheName() {
        ProcessProject p = ProcessProject.of("tally2-board-x", null);

        assertThat(p.classStem()).isEqualTo("Tally2BoardX");
        assertThat(p.packageName()).isEqualTo("com.example.tally2boardx");
        assertThat(p.processClass()).isEqualTo("com.example.tally2boardx.Tally2BoardXProcess");
    }

    @Test
    void shouldRefuseInvalidNamesAndPackagesWithOneLine() {
        for (String bad : new String[] {"", "Board", "9lives", "a--b", "a-", "a_b", "a.b", "x".repeat(41)}) {
            assertThatThrownBy(() -> ProcessProject.of(bad, null)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("invalid process name").hasMessageNotContaining("\n");
        }
        for (String bad : new String[] {"com..x", "com.class", "1com", "com.ex-ample", ""}) {
            assertThatThrownBy(() -> ProcessProject.of("board", bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("invalid package");
        }
    }

    @Test
    void shouldRefuseANonEmptyDirectoryAndWriteNothingThere() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("taken"));
        Files.writeString(dir.resolve("notes.txt"), "mine");

        assertThatThrownBy(() -> ProcessProjectWriter.write(ProcessProject.of("board", null), dir, tmp))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exists and is not empty");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).containsExactly(dir.resolve("notes.txt"));
        }
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertThatThrownBy(() -> ProcessProjectWriter.write(ProcessProject.of("board", null), file, tmp))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a directory");
    }

    @Test
    void shouldWriteIntoAnEmptyExistingDirectory() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("empty"));

        assertThat(ProcessProjectWriter.write(ProcessProject.of("board", null), dir, tmp)).isNotEmpty();
        assertThat(dir.resolve("pom.xml")).exists();
    }

    @Test
    void shouldFailOnAPlaceholderWithoutValue() {
        assertThatThrownBy(() -> ProcessProjectWriter.render("a {{nope}} b", java.util.Map.of()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("{{nope}}");
    }

    /** Compiles every .java file under {@code dir} (main and test) with this JVM's class path; returns the diagnostics. */
    private List<String> compile(Path dir) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<Path> sources;
        try (Stream<Path> walk = Files.walk(dir)) {
            sources = walk.filter(p -> p.toString().endsWith(".java")).toList();
        }
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-d",
                    Files.createDirectories(tmp.resolve("classes")).toString(), "-Xlint:all", "-Werror", "-proc:none");
            javac.getTask(null, files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(sources)).call();
        }
        return diagnostics.getDiagnostics().stream().map(Object::toString).toList();
    }
}
