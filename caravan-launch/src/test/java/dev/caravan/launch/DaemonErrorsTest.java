package dev.caravan.launch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A daemon run by hand ({@code caravan naming}, {@code caravan node}) answers a port mistake with
 * one line and an exit code, never a stack trace: a port in use (BindException) and a port out of
 * range (what the JDK refuses) are the user's to fix.
 */
class DaemonErrorsTest {
    private record Run(int code, String err) {
    }

    private static Run run(Class<?> main, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the daemon exits").isTrue();
        return new Run(p.exitValue(), err);
    }

    private static void assertOneLine(Run r) {
        assertThat(r.err.strip().lines()).as(r.err).hasSize(1);
        assertThat(r.err).doesNotContain("\tat ").doesNotContain("Exception in thread");
    }

    @Test
    void shouldSayInOneLineThatTheNamingPortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run r = run(NamingMain.class, "--port", String.valueOf(taken.getLocalPort()));
            assertOneLine(r);
            assertThat(r.code).isEqualTo(1);
            assertThat(r.err).startsWith("caravan naming: cannot listen: ").contains("choose another port");
        }
    }

    @Test
    void shouldSayInOneLineThatTheAdminPortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run r = run(NamingMain.class, "--port", "0", "--admin-port", String.valueOf(taken.getLocalPort()));
            assertOneLine(r);
            assertThat(r.code).isEqualTo(1);
            assertThat(r.err).contains("cannot listen");
        }
    }

    @Test
    void shouldRefuseAPortOutOfRangeAsBadUsage() throws Exception {
        Run naming = run(NamingMain.class, "--port", "99999");
        assertOneLine(naming);
        assertThat(naming.code).isEqualTo(2);
        assertThat(naming.err).contains("99999");
        Run node = run(NodeMain.class, "--id", "n1", "--port", "99999", "--naming", "127.0.0.1:1");
        assertOneLine(node);
        assertThat(node.code).isEqualTo(2);
        assertThat(node.err).contains("99999");
    }
}
