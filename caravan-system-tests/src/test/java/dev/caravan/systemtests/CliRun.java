package dev.caravan.systemtests;

import dev.caravan.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the {@code caravan} CLI in this JVM with its output captured. One run at a time per JVM. */
final class CliRun {
    /** Exit code and what the command printed. */
    record Result(int exitCode, String out, String err) {
    }

    private CliRun() {
    }

    static synchronized Result run(String... args) {
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
