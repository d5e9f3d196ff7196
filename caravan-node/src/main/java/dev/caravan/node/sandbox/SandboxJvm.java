package dev.caravan.node.sandbox;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One sandbox JVM, a child of the host node's JVM: started with {@link SandboxMain}, the host's
 * class path, {@code -Xmx}, {@code -XX:+ExitOnOutOfMemoryError}; its stdout and stderr go to
 * {@code <log>}. Its stdin pipe is held open and never written: the sandbox exits when it closes,
 * so it ends with its host even when the host is killed with SIGKILL (no orphan JVMs).
 *
 * <p>The output is read on a thread of its own: {@link SandboxMain#READY} completes
 * {@link #ready()} with the sandbox's control port; a line of the JVM's "Terminating due to
 * java.lang.OutOfMemoryError" marks the end as an OOM. When the output ends and the process has
 * exited, {@code onEnded} gets the {@link Ending}, once.
 */
final class SandboxJvm {
    /** How a sandbox ended: its exit code (or -1), whether the JVM ran out of memory, and its last output lines. */
    record Ending(int exitCode, boolean outOfMemory, List<String> lastLines) {
        /** "OOM (exit 3)", "exit 3", "killed by signal 9 (exit 137)". */
        String cause() {
            if (outOfMemory) {
                return "OOM (exit " + exitCode + ")";
            }
            if (exitCode > 128 && exitCode < 160) {
                return "killed by signal " + (exitCode - 128) + " (exit " + exitCode + ")";
            }
            if (exitCode == SandboxMain.EXIT_RUNAWAY) {
                return "runaway handler (exit " + exitCode + ")";
            }
            return "exit " + exitCode;
        }
    }

    private static final int KEPT_LINES = 8;
    /** What the JVM prints when -XX:+ExitOnOutOfMemoryError ends it (then it exits with 3, as System.exit(3) would). */
    static final String OOM_REPORT = "Terminating due to java.lang.OutOfMemoryError";

    private final Process process;
    private final CompletableFuture<Integer> ready = new CompletableFuture<>();
    private final CompletableFuture<Ending> ended = new CompletableFuture<>();
    private volatile boolean outOfMemory;

    private final Consumer<Ending> onEnded;

    private SandboxJvm(Process process, Consumer<Ending> onEnded) {
        this.process = process;
        this.onEnded = onEnded;
    }

    /** Starts the JVM with {@code command} and {@code environment} added to this JVM's; its output is appended to {@code log}. */
    static SandboxJvm start(List<String> command, java.util.Map<String, String> environment, Path log, Consumer<Ending> onEnded)
            throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(environment);
        Process p = pb.start();
        SandboxJvm jvm = new SandboxJvm(p, onEnded);
        Thread.ofPlatform().daemon(true).name("sandbox-" + p.pid() + "-out").start(() -> jvm.pump(log));
        return jvm;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Completes with the sandbox's control port once it serves; exceptionally if it ends first. */
    CompletableFuture<Integer> ready() {
        return ready;
    }

    /** Completes once the sandbox has ended, its output is read and {@code onEnded} has returned. */
    CompletableFuture<Ending> ended() {
        return ended;
    }

    /** Closes the sandbox's stdin: it stops its processes and exits. */
    void askToStop() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // Already closed: the sandbox is going anyway.
        }
    }

    /** Kills the JVM (SIGKILL). */
    void kill() {
        process.destroyForcibly();
    }

    private void pump(Path log) {
        List<String> last = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                     StandardOpenOption.APPEND)) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith(SandboxMain.READY)) {
                    ready.complete(Integer.parseInt(line.substring(SandboxMain.READY.length()).trim()));
                }
                if (line.startsWith(OOM_REPORT)) {
                    outOfMemory = true;
                }
                last.add(line);
                if (last.size() > KEPT_LINES) {
                    last.removeFirst();
                }
                out.write(line);
                out.write('\n');
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            last.add("(reading the sandbox's output failed: " + e + ")");
        }
        int code;
        try {
            code = process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = -1;
        }
        Ending ending = new Ending(code, outOfMemory, List.copyOf(last));
        ready.completeExceptionally(new IllegalStateException("the sandbox ended (" + ending.cause() + ") before it served"
                + (last.isEmpty() ? "" : ": " + last.getLast())));
        try {
            onEnded.accept(ending);
        } finally {
            ended.complete(ending);
        }
    }
}
