package dev.caravan.launch;

import dev.caravan.wire.CaravanException;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * What the daemons ({@link NamingMain}, {@link NodeMain}) share: the exit codes of their
 * {@code main}, the ready line their launcher waits for, clean shutdown on SIGINT/SIGTERM, and
 * optionally exiting when standard input closes — which is how a child JVM notices that its
 * launcher died, so that no orphan is left behind.
 */
public final class Daemon {
    /** Prefix of the one stdout line that says a daemon is serving; the rest is JSON. */
    public static final String READY_PREFIX = "CARAVAN-READY ";
    /** The flag every daemon takes; {@link ChildJvm} passes it and keeps the daemon's stdin open. */
    public static final String EXIT_ON_STDIN_EOF = "--exit-on-stdin-eof";

    private Daemon() {
    }

    /** A daemon's body: runs until the daemon is asked to stop and returns its exit code. */
    @FunctionalInterface
    public interface Body {
        int run(List<String> args) throws Exception;
    }

    /**
     * Runs a daemon as a JVM's {@code main} and exits the JVM: 0 after a clean stop, 1 on a Caravan
     * error, 2 on bad usage, 130 if interrupted — the codes of the {@code caravan} command.
     * Logging is set up first ({@link LogSetup}).
     */
    public static void main(String command, String[] args, Body body) {
        LogSetup.configure();
        int code;
        try {
            code = body.run(List.of(args));
        } catch (DaemonOptions.UsageException e) {
            System.err.println(command + ": " + e.getMessage() + " (see --help)");
            code = 2;
        } catch (CaravanException e) {
            System.err.println(command + ": " + e.getMessage() + " [" + e.code() + "]");
            code = 1;
        } catch (InterruptedException e) {
            code = 130;
        } catch (java.net.BindException e) {
            System.err.println(command + ": cannot listen: " + e.getMessage() + "; another process holds a port given by an "
                    + "option (--port, --admin-port, ...): choose another port, or 0 for any free one");
            code = 1;
        } catch (IllegalArgumentException e) {
            // What the JDK says of a value no check caught first, e.g. "port out of range:99999".
            System.err.println(command + ": " + e.getMessage() + " (see --help)");
            code = 2;
        } catch (Exception e) {
            System.err.println(command + ": unexpected failure: " + e + "; this is a bug: " + traceFile(command, e));
            code = 1;
        }
        System.exit(code);
    }

    /** Writes the trace to {@code $TMPDIR/<command>-<pid>.trace} (and to the log with CARAVAN_LOG=debug); says where. */
    private static String traceFile(String command, Throwable t) {
        java.io.StringWriter trace = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(trace));
        System.getLogger(Daemon.class.getName()).log(System.Logger.Level.DEBUG, trace.toString());
        java.nio.file.Path file = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"),
                command.replace(' ', '-') + "-" + ProcessHandle.current().pid() + ".trace");
        try {
            java.nio.file.Files.writeString(file, trace.toString());
            return "the full trace is in " + file;
        } catch (java.io.IOException | RuntimeException e) {
            return "run with CARAVAN_LOG=debug to see the trace";
        }
    }

    /** Prints the ready line. */
    public static void announce(String json) {
        System.out.println(READY_PREFIX + json);
        System.out.flush();
    }

    /**
     * Blocks until the JVM is asked to stop (signal, or stdin EOF when {@code exitOnStdinEof}),
     * then runs {@code shutdown} once.
     */
    public static void runUntilStopped(boolean exitOnStdinEof, Runnable shutdown) throws InterruptedException {
        runUntilStopped(exitOnStdinEof, why -> shutdown.run());
    }

    /**
     * As {@link #runUntilStopped(boolean, Runnable)}, telling {@code shutdown} what asked the daemon
     * to stop, as it reads after "node n1 ": {@code got SIGTERM}, {@code got SIGINT},
     * {@code lost its launcher (standard input closed)} or {@code was asked to stop}.
     */
    public static void runUntilStopped(boolean exitOnStdinEof, java.util.function.Consumer<String> shutdown)
            throws InterruptedException {
        StopSignals.install();
        java.util.concurrent.atomic.AtomicReference<String> why = new java.util.concurrent.atomic.AtomicReference<>();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shutdown-hook");
        Runtime.getRuntime().addShutdownHook(hook);
        if (exitOnStdinEof) {
            Thread.ofPlatform().daemon(true).name("stdin-watch").start(() -> {
                InputStream in = System.in;
                byte[] sink = new byte[256];
                try {
                    while (in.read(sink) >= 0) {
                        // Launcher keeps the pipe open; data on it is ignored.
                    }
                } catch (IOException ignored) {
                    // A broken pipe means the same as EOF: the launcher is gone.
                }
                why.compareAndSet(null, "lost its launcher (standard input closed)");
                stop.countDown();
            });
        }
        try {
            stop.await();
        } finally {
            try {
                String signal = StopSignals.received();
                shutdown.accept(!signal.isEmpty() ? "got " + signal : why.get() != null ? why.get() : "was asked to stop");
            } finally {
                done.countDown();
            }
        }
    }
}
