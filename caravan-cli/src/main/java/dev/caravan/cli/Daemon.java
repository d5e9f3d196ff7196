package dev.caravan.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;

/**
 * What the long-running commands ({@code naming}, {@code node}) share: the ready line their
 * launcher waits for, clean shutdown on SIGINT/SIGTERM, and optionally exiting when standard
 * input closes — which is how a child JVM notices that its launcher died, so that no orphan is
 * left behind.
 */
public final class Daemon {
    /** Prefix of the one stdout line that says a daemon is serving; the rest is JSON. */
    public static final String READY_PREFIX = "CARAVAN-READY ";

    private Daemon() {
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
                stop.countDown();
            });
        }
        try {
            stop.await();
        } finally {
            try {
                shutdown.run();
            } finally {
                done.countDown();
            }
        }
    }
}
