package dev.caravan.launch;

import dev.caravan.wire.ErrorCode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One daemon ({@link NamingMain}, {@link NodeMain}, or any main that follows {@link Daemon}'s
 * contract) running in its own JVM, started from this JVM's class path. Its stdout and stderr go
 * to a log file; the launcher waits for its ready line. It is started with
 * {@value Daemon#EXIT_ON_STDIN_EOF} and its stdin pipe is kept open, so it exits by itself if this
 * JVM dies, even by {@code kill -9}.
 */
public final class ChildJvm implements AutoCloseable {
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":\"([^\"]*)\"");

    private final String name;
    private final Process process;
    private final Path log;
    private final CompletableFuture<String> ready = new CompletableFuture<>();

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code mainClass} with {@code args} in a new JVM.
     *
     * @param jvmOptions options for the child JVM (heap size and the like)
     * @param mainClass  a daemon's entry point: prints {@link Daemon#READY_PREFIX} when serving and takes
     *                   {@value Daemon#EXIT_ON_STDIN_EOF}
     */
    public static ChildJvm start(String name, List<String> jvmOptions, Class<?> mainClass, List<String> args, Path logDir)
            throws IOException {
        return start(name, List.of(), jvmOptions, mainClass, args, logDir);
    }

    /**
     * As {@link #start(String, List, Class, List, Path)}, with {@code commandPrefix} before the
     * {@code java} command: for example {@code ip netns exec h2}, which runs the JVM inside a test
     * host's network namespace. The prefix must exec the JVM (not fork it), so that {@link #pid()},
     * {@link #kill()} and the stdin pipe reach the JVM itself.
     */
    public static ChildJvm start(String name, List<String> commandPrefix, List<String> jvmOptions, Class<?> mainClass,
                                 List<String> args, Path logDir) throws IOException {
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        List<String> cmd = new ArrayList<>(commandPrefix);
        cmd.add(javaBinary());
        // TCP handoff: a node wraps passed client sockets in JDK channels, a switch finds their descriptors.
        cmd.add(dev.caravan.servers.handoff.SocketDescriptors.ADD_OPENS);
        // junixsocket (handoff) and Netty's epoll (the switch) load native code: allowed, so the JDK prints no warning.
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(args);
        cmd.add(Daemon.EXIT_ON_STDIN_EOF);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Process p = pb.start();
        ChildJvm child = new ChildJvm(name, p, log);
        Thread.ofPlatform().daemon(true).name("child-" + name + "-out").start(child::pumpOutput);
        return child;
    }

    static String javaBinary() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private void pumpOutput() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintStream out = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                out.println(line);
                if (line.startsWith(Daemon.READY_PREFIX)) {
                    ready.complete(line.substring(Daemon.READY_PREFIX.length()));
                }
            }
        } catch (IOException e) {
            ready.completeExceptionally(e);
        } finally {
            ready.completeExceptionally(new IOException(name + " exited with code " + exitCodeOrUnknown() + " before it was ready; see " + log));
        }
    }

    private String exitCodeOrUnknown() {
        try {
            return process.waitFor(1, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    /** Waits for the ready line and returns the value of {@code field} in it. */
    public String awaitReady(String field, long timeoutMs) throws InterruptedException {
        String json;
        try {
            json = ready.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw ErrorCode.UNAVAILABLE.exception(e.getCause().getMessage() + "\n" + tail(20));
        } catch (TimeoutException e) {
            throw ErrorCode.TIMEOUT.exception(name + " was not ready within " + timeoutMs + " ms; see " + log + "\n" + tail(20));
        }
        Matcher m = FIELD.matcher(json);
        while (m.find()) {
            if (m.group(1).equals(field)) {
                return m.group(2);
            }
        }
        throw ErrorCode.MALFORMED.exception(name + " ready line lacks " + field + ": " + json);
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** The last lines of the log, for error messages. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Completes with the JVM's exit code when it has exited, however it ended (128 + signal when killed by one). */
    public java.util.concurrent.CompletableFuture<Integer> exited() {
        return process.onExit().thenApply(Process::exitValue);
    }

    /** Kills the JVM at once (SIGKILL), as a crash would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Asks the JVM to stop (SIGTERM: clean shutdown); kills it after {@code graceMs}. */
    public void stop(long graceMs) throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        // SIGTERM through the handle: Process.destroy() would also close our end of its output pipe,
        // and the lines it logs while stopping (where it drained its processes) would be lost.
        process.toHandle().destroy();
        if (!process.waitFor(graceMs, TimeUnit.MILLISECONDS)) {
            kill();
        }
    }

    @Override
    public void close() {
        try {
            stop(10_000);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
