package dev.caravan.launch.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code ip}, {@code tc} and the like with a checked exit code. A command that fails, or does
 * not finish within {@link #TIMEOUT_SECONDS}, throws an {@link IOException} whose one-line message
 * holds the command and its stderr.
 */
final class NetCommands {
    static final long TIMEOUT_SECONDS = 20;

    private NetCommands() {
    }

    /** Runs {@code command}; returns its stdout. */
    static String run(String... command) throws IOException {
        return run(List.of(command));
    }

    /** Runs {@code command}; returns its stdout. */
    static String run(List<String> command) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new IOException("`" + String.join(" ", command) + "` could not start: " + e.getMessage(), e);
        }
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()),
                Thread::startVirtualThread);
        String out = readAll(p.getInputStream());
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("`" + String.join(" ", command) + "` did not finish in " + TIMEOUT_SECONDS + " s");
            }
            String stderr = err.get().strip().replace('\n', ' ');
            if (p.exitValue() != 0) {
                throw new IOException("`" + String.join(" ", command) + "` failed (exit " + p.exitValue() + "): "
                        + (stderr.isEmpty() ? out.strip().replace('\n', ' ') : stderr));
            }
            return out;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running `" + String.join(" ", command) + "`", e);
        } catch (ExecutionException e) {
            throw new IOException("`" + String.join(" ", command) + "`: " + e.getCause(), e.getCause());
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
