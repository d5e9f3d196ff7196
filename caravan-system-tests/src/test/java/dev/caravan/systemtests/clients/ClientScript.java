package dev.caravan.systemtests.clients;

import dev.caravan.systemtests.clients.ClientTestBed.Target;
import dev.caravan.wire.node.MigrationMode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A client script in {@code clients/}: its interpreter, its file, and the migration mode its across-the-move run
 * uses (so that the three scripts and two Java clients together cover every mode). {@link #run} starts it with
 * {@code HOST PORT [--password P] [--hold]} and collects its output lines (stdout and stderr).
 */
enum ClientScript {
    REDIS_PY("redis-py", MigrationMode.STOP_AND_COPY, "/usr/bin/python3", "python/redis_py_check.py"),
    NODE_REDIS("node-redis", MigrationMode.HYBRID, "node", "node/node-redis-check.js"),
    IOREDIS("ioredis", MigrationMode.PRE_COPY, "node", "node/ioredis-check.js");

    /** Longer than any script needs: every check has a deadline of its own (10 s). */
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);

    private final String label;
    private final MigrationMode migrationMode;
    private final String interpreter;
    private final String file;

    ClientScript(String label, MigrationMode migrationMode, String interpreter, String file) {
        this.label = label;
        this.migrationMode = migrationMode;
        this.interpreter = interpreter;
        this.file = file;
    }

    MigrationMode migrationMode() {
        return migrationMode;
    }

    /** What a script printed and how it exited. */
    record Run(int exitCode, List<String> lines) {
        String output() {
            return String.join("\n", lines);
        }
    }

    /**
     * Runs the script against {@code target}. With {@code hold}, waits for its "HOLD" line, runs {@code move} while the
     * script keeps its connection (and a write loop) open, then lets it finish.
     */
    Run run(Target target, boolean hold, Runnable move) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(interpreter, file, target.host(), Integer.toString(target.port())));
        if (target.password() != null) {
            cmd.addAll(List.of("--password", target.password()));
        }
        if (hold) {
            cmd.add("--hold");
        }
        Process p = new ProcessBuilder(cmd).directory(ClientScriptsTest.clientsDir().toFile()).redirectErrorStream(true)
                .start();
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Thread reader = Thread.ofVirtual().name(label + "-output").start(() -> readLines(p, lines));
        try (OutputStream stdin = p.getOutputStream()) {
            if (hold) {
                await().atMost(RUN_TIMEOUT).until(() -> lines.contains("HOLD") || !p.isAlive());
                if (p.isAlive()) {
                    move.run();
                }
                stdin.write('\n');
            }
        } catch (IOException ignored) {
            // The script already exited; its output says why.
        } finally {
            if (!p.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                lines.add("FAIL script did not finish within " + RUN_TIMEOUT.toSeconds() + " s");
            }
            reader.join(Duration.ofSeconds(10));
        }
        return new Run(p.exitValue(), List.copyOf(lines));
    }

    private static void readLines(Process p, List<String> into) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                into.add(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails, saying how to install it, when an interpreter or a client library is missing. */
    static void assertInstalled() throws IOException, InterruptedException {
        Path clients = ClientScriptsTest.clientsDir();
        Process py = new ProcessBuilder("/usr/bin/python3", "-c", "import redis").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!py.waitFor(30, TimeUnit.SECONDS) || py.exitValue() != 0) {
            throw new AssertionError("redis-py is missing: install Debian's python3-redis (apt-get install python3-redis; "
                    + "./caravan test installs it)");
        }
        for (String module : List.of("redis", "ioredis")) {
            if (!Files.isRegularFile(clients.resolve("node/node_modules/" + module + "/package.json"))) {
                throw new AssertionError("the npm package " + module + " is missing: run 'npm ci' in " + clients.resolve("node")
                        + " (./caravan test does it)");
            }
        }
        try {
            Process node = new ProcessBuilder("node", "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!node.waitFor(30, TimeUnit.SECONDS) || node.exitValue() != 0) {
                throw new AssertionError("'node --version' failed: install Node.js 20 or newer");
            }
        } catch (IOException e) {
            throw new AssertionError("Node.js is not on PATH: install Node.js 20 or newer (node-redis 6 needs it)", e);
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
