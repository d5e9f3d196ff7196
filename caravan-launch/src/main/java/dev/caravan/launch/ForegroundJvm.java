package dev.caravan.launch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a daemon's entry point in a new JVM in the foreground: what {@code caravan node} does so
 * that the node gets {@link DaemonJvm}'s settings (heap, collector, full JIT) whatever JVM the
 * command line itself runs in. The daemon writes to this terminal; stopping this JVM (Ctrl-C,
 * SIGTERM) stops the daemon cleanly first, and the daemon exits by itself if this JVM dies
 * ({@value Daemon#EXIT_ON_STDIN_EOF} on a pipe this JVM keeps open).
 */
public final class ForegroundJvm {
    private static final long STOP_GRACE_MS = 30_000;

    private ForegroundJvm() {
    }

    /**
     * Runs {@code mainClass} with {@code args} in a child JVM started with {@code jvmOptions} and
     * this JVM's class path, until it exits; returns its exit code.
     */
    public static int run(List<String> jvmOptions, Class<?> mainClass, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ChildJvm.javaBinary());
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
        // Piped and copied rather than inherited, so that whatever this JVM's System.out and
        // System.err are (a terminal, or a caller capturing them) receives the daemon's lines.
        Process child = new ProcessBuilder(cmd).start();
        Thread out = copy(child.getInputStream(), System.out, "foreground-daemon-stdout");
        Thread err = copy(child.getErrorStream(), System.err, "foreground-daemon-stderr");
        Thread hook = new Thread(() -> stop(child), "foreground-daemon-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        int code = child.waitFor();
        out.join();
        err.join();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyStopping) {
            // This JVM is shutting down: the hook is running or has run.
        }
        return code;
    }

    private static Thread copy(java.io.InputStream from, java.io.PrintStream to, String name) {
        return Thread.ofPlatform().daemon().name(name).start(() -> {
            byte[] buf = new byte[8192];
            try (from) {
                for (int n; (n = from.read(buf)) >= 0; ) {
                    to.write(buf, 0, n);
                    to.flush();
                }
            } catch (IOException ended) {
                // The daemon is gone; nothing more to copy.
            }
        });
    }

    /** Asks the daemon to stop (SIGTERM: clean shutdown), kills it if it does not within the grace time. */
    private static void stop(Process child) {
        child.destroy();
        try {
            if (!child.waitFor(STOP_GRACE_MS, TimeUnit.MILLISECONDS)) {
                child.destroyForcibly();
            }
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
