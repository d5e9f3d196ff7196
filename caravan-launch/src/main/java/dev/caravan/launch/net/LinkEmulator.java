package dev.caravan.launch.net;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The user-space link emulator ({@code link_emulator.py}, a resource of this package) relaying
 * frames between two interfaces of the root namespace with a one-way delay in both directions.
 * It is a child process of this JVM whose stdin stays open: it exits when {@link #close()} closes
 * it, or when this JVM dies. The kernel here has no netem, hence user space.
 *
 * <p>Not thread-safe; {@link TestHost} calls it under its own lock.
 */
final class LinkEmulator implements AutoCloseable {
    static final String PYTHON = "/usr/bin/python3";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    private static volatile Path script;

    private final Process process;
    private final OutputStream commands;

    private LinkEmulator(Process process) {
        this.process = process;
        this.commands = process.getOutputStream();
    }

    /** Starts relaying between {@code ifaceA} and {@code ifaceB}; returns once both sockets are bound. */
    static LinkEmulator start(String ifaceA, String ifaceB, Duration oneWay) throws IOException {
        List<String> cmd = List.of(PYTHON, script().toString(), ifaceA, ifaceB, Long.toString(micros(oneWay)));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        LinkEmulator emulator = new LinkEmulator(p);
        CompletableFuture<String> firstLine = new CompletableFuture<>();
        // A platform thread: a virtual one would pin a carrier in the blocking pipe read for the emulator's whole life,
        // and a few emulators starve every other virtual thread of the JVM on a small machine.
        Thread.ofPlatform().daemon(true).name("link-emulator-out").start(() -> pumpOutput(p.getInputStream(), firstLine));
        try {
            String line = firstLine.get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (!"ready".equals(line)) {
                emulator.close();
                throw new IOException("link emulator " + String.join(" ", cmd) + " did not start (exit "
                        + (p.isAlive() ? "none" : p.exitValue()) + "); its stderr is in this JVM's stderr");
            }
        } catch (InterruptedException e) {
            emulator.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the link emulator", e);
        } catch (ExecutionException | TimeoutException e) {
            emulator.close();
            throw new IOException("link emulator " + String.join(" ", cmd) + " not ready within " + READY_TIMEOUT, e);
        }
        return emulator;
    }

    /** Changes the delay for frames read from now on; frames already held keep their order. */
    void setDelay(Duration oneWay) throws IOException {
        commands.write(("delay " + micros(oneWay) + "\n").getBytes(StandardCharsets.US_ASCII));
        commands.flush();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        try {
            commands.close();
        } catch (IOException e) {
            // the emulator is gone already
        }
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static long micros(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("a delay cannot be negative: " + d);
        }
        return d.toNanos() / 1000;
    }

    /** Hands the first line to {@code firstLine}, then drains stdout so that the emulator never blocks on it. */
    private static void pumpOutput(InputStream in, CompletableFuture<String> firstLine) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            firstLine.complete(r.readLine());
            while (r.readLine() != null) {
                // nothing else is expected; keep the pipe empty
            }
        } catch (IOException e) {
            firstLine.complete(null);
        }
    }

    private static synchronized Path script() throws IOException {
        if (script == null) {
            Path tmp = Files.createTempFile("caravan-link-emulator-", ".py",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            tmp.toFile().deleteOnExit();
            try (InputStream in = LinkEmulator.class.getResourceAsStream("link_emulator.py")) {
                if (in == null) {
                    throw new IOException("resource dev/caravan/launch/net/link_emulator.py missing from the class path");
                }
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            script = tmp;
        }
        return script;
    }
}
