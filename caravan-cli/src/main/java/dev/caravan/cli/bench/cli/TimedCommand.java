package dev.caravan.cli.bench.cli;

import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One command line of {@code caravan bench cli}, run as a child process again and again, each run
 * timed from {@link ProcessBuilder#start()} to the child's exit (wall clock, milliseconds). Its
 * output goes to files and is checked after every run against what the command must print, so a
 * fast failure is never reported as a fast command.
 *
 * @param name      what the table and the JSON call it
 * @param argv      the command line
 * @param exitCode  the exit code it must end with
 * @param check     what its stdout and stderr must satisfy (a one-line description in {@code checkText})
 * @param checkText the check, for the error message when a run fails it
 * @param reference   the name of the reference command it is compared with, or null when it is one
 * @param environment variables set in its environment on top of this JVM's (e.g. the cluster token)
 */
public record TimedCommand(String name, List<String> argv, int exitCode, Predicate<Output> check, String checkText,
                           String reference, Map<String, String> environment) {
    /** A bound on one run; a command that takes longer is a failure, not a sample. */
    static final long RUN_TIMEOUT_SECONDS = 60;

    /** Standard output and standard error of one run. */
    public record Output(String out, String err) {
        /** The non-blank lines of standard error. */
        public List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    public TimedCommand {
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
    }

    /** A command run in this JVM's environment as it is. */
    public TimedCommand(String name, List<String> argv, int exitCode, Predicate<Output> check, String checkText,
                        String reference) {
        this(name, argv, exitCode, check, checkText, reference, Map.of());
    }

    /**
     * Runs the command once in {@code workDir} (its output in {@code workDir/<name>-<index>.out|err}).
     *
     * @return the wall time in nanoseconds
     * @throws dev.caravan.wire.CaravanException INTERNAL when the run times out, ends with another
     *         exit code or fails its check (the message quotes its stderr)
     */
    public long runOnce(Path workDir, int index) throws IOException, InterruptedException {
        String file = name.replaceAll("[^A-Za-z0-9]+", "-") + "-" + index;
        Path out = workDir.resolve(file + ".out");
        Path err = workDir.resolve(file + ".err");
        ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().putAll(environment);
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw ErrorCode.INTERNAL.exception("'" + String.join(" ", argv) + "' did not finish in " + RUN_TIMEOUT_SECONDS + " s");
        }
        long elapsedNs = System.nanoTime() - t0;
        Output o = new Output(Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        if (p.exitValue() != exitCode || !check.test(o)) {
            List<String> errLines = new ArrayList<>(o.errLines());
            throw ErrorCode.INTERNAL.exception("'" + String.join(" ", argv) + "' exited " + p.exitValue() + " (expected " + exitCode
                    + ", and " + checkText + "); stderr: " + (errLines.isEmpty() ? "(empty)" : String.join(" | ", errLines)));
        }
        return elapsedNs;
    }
}
