package dev.caravan.systemtests.faults;

import dev.caravan.testsupport.CaravanCluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * Keeps a cluster's daemon logs when a fault test fails (the cluster deletes its work directory
 * on close): copied to {@code target/fault-logs/<case>}, and the failure says where.
 */
final class KeptLogs {
    /** A test body that may throw anything. */
    interface Body {
        void run() throws Exception;
    }

    private KeptLogs() {
    }

    /** {@link #onFailure(CaravanCluster, HostLink, String, Body)} with nothing to say about the network. */
    static void onFailure(CaravanCluster cluster, String caseName, Body body) throws Exception {
        onFailure(cluster, null, caseName, body);
    }

    /**
     * Runs {@code body}; if it fails, copies the logs of {@code cluster}, thread dumps of its node
     * JVMs and what {@code fault} says of the network, and adds their place to the failure.
     */
    static void onFailure(CaravanCluster cluster, HostLink fault, String caseName, Body body) throws Exception {
        try {
            body.run();
        } catch (Exception | AssertionError e) {
            Path to = Path.of("target", "fault-logs", caseName.replaceAll("[^A-Za-z0-9_.-]+", "_")).toAbsolutePath();
            try {
                copy(cluster.workDir().resolve("logs"), to);
                if (fault != null) {
                    Files.writeString(to.resolve("network.txt"), fault.diagnose());
                }
                for (String node : cluster.local().nodeIds()) {
                    Files.writeString(to.resolve(node + ".threads.txt"), threadDump(cluster.node(node).pid()));
                }
                e.addSuppressed(new IllegalStateException("daemon logs kept in " + to));
            } catch (IOException | UncheckedIOException copying) {
                e.addSuppressed(copying);
            }
            throw e;
        }
    }

    /** {@code jcmd PID Thread.print}, or why not. */
    private static String threadDump(long pid) {
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid),
                    "Thread.print").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "jcmd failed: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
