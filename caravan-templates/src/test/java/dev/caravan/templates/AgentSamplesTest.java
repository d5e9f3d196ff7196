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

import static org.assertj.core.api.Assertions.assertThat;

class AgentSamplesTest {
    @TempDir
    Path tmp;

    @Test
    void shouldCompileTheSearchAgentAgainstTheProcessApiWithoutWarnings() throws Exception {
        Path src = tmp.resolve("src/agents/SearchAgent.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, AgentSamples.searchAgentSource());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-d",
                    Files.createDirectories(tmp.resolve("classes")).toString(), "-Xlint:all", "-Werror", "-proc:none");
            boolean ok = javac.getTask(null, files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(List.of(src))).call();
            assertThat(diagnostics.getDiagnostics()).isEmpty();
            assertThat(ok).isTrue();
        }
        assertThat(tmp.resolve("classes/agents/SearchAgent.class")).exists();
    }
}
