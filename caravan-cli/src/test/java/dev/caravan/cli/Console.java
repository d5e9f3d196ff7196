package dev.caravan.cli;

import dev.caravan.launch.LogSetup;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Runs the CLI in-process with System.out and System.err captured, and echoes each run to the
 * real stdout for the test log. One run at a time per JVM. Shared with caravan-system-tests
 * (this module's test-jar).
 */
public final class Console {
    /** Exit code and captured output of one CLI run. */
    public record Result(int exitCode, String out, String err) {
        /** The non-blank lines of standard error. */
        public List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    private Console() {
    }

    public static synchronized Result run(String... args) {
        // Configure logging before swapping the streams, so the log handler keeps the real stderr.
        LogSetup.configure();
        PrintStream realOut = System.out;
        PrintStream realErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            code = Main.run(args);
        } finally {
            System.setOut(realOut);
            System.setErr(realErr);
        }
        Result r = new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        realOut.println("$ caravan " + String.join(" ", args) + "  -> exit " + code + "\n" + r.out() + r.err());
        return r;
    }
}
