package dev.caravan.cli;

import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.BindException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

class CliFailuresTest {
    private record Printed(int exitCode, String err) {
        java.util.List<String> lines() {
            return err.lines().toList();
        }
    }

    private static Printed report(Throwable t) {
        StringWriter text = new StringWriter();
        int code = CliFailures.report(t, "caravan checkpoint", new PrintWriter(text, true));
        return new Printed(code, text.toString());
    }

    @Test
    void shouldPrintABugAsOneLineAndItsTraceToAFile() throws Exception {
        Printed p = report(new IllegalStateException("ring index -1"));

        assertThat(p.exitCode()).isEqualTo(1);
        assertThat(p.lines()).hasSize(1);
        assertThat(p.lines().getFirst()).startsWith("caravan: caravan checkpoint failed: IllegalStateException: ring index -1"
                + " — this is a bug; the full trace is in ");
        Path trace = Path.of(p.lines().getFirst().substring(p.lines().getFirst().lastIndexOf(" in ") + 4));
        assertThat(Files.readString(trace)).contains("java.lang.IllegalStateException: ring index -1")
                .contains("at dev.caravan.cli.CliFailuresTest");
        Files.delete(trace);
    }

    @Test
    void shouldNameTheFileOfAnIoFailureOfTheUsersMaking() {
        assertThat(report(new NoSuchFileException("/proc/nope/x.ckpt")).lines())
                .containsExactly("caravan: cannot use /proc/nope/x.ckpt: no such file or directory; check the path");
        assertThat(report(new java.io.UncheckedIOException(new AccessDeniedException("/root/x"))).lines())
                .containsExactly("caravan: cannot use /root/x: permission denied; choose a path you may write or read");
        assertThat(report(new BindException("Address already in use")).lines().getFirst())
                .startsWith("caravan: cannot listen: address already in use;");
    }

    @Test
    void shouldPrintACaravanErrorWithItsCodeAndUnwrapCompletions() {
        Printed p = report(new CompletionException(ErrorCode.NOT_FOUND.exception("no process named x")));

        assertThat(p.exitCode()).isEqualTo(1);
        assertThat(p.lines()).containsExactly("caravan: no process named x [NOT_FOUND]");
    }

    @Test
    void shouldExitWith130WhenInterrupted() {
        Printed p = report(new InterruptedException());

        assertThat(p.exitCode()).isEqualTo(130);
        assertThat(p.err()).isEmpty();
    }
}
