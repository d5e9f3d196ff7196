package dev.caravan.cli.bench.cli;

import dev.caravan.cli.Main;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;

/**
 * The training run of the CLI's ahead-of-time class cache (JEP 483/514): the {@code caravan}
 * launcher runs this class once after each build with {@code -XX:AOTCacheOutput}, and every later
 * {@code caravan} command starts with the classes these commands loaded and linked already
 * parsed and linked. It runs what people type most: the help pages, {@code ps} and {@code nodes}
 * (with and without {@code --json}) against an address where no cluster answers, a call, and a
 * usage error; then the common commands against a one-node cluster it starts for the purpose (child
 * JVMs in a temporary directory), so that reading real answers is trained too.
 *
 * <p>Single-threaded; the commands print to this JVM's stdout and stderr (the launcher keeps them
 * in {@code caravan-cli/target/caravan-cli.aot.log}). Always exits 0: a command's exit code is not
 * what is trained.
 */
public final class StartupTraining {
    private StartupTraining() {
    }

    public static void main(String[] args) throws IOException {
        String nowhere = "127.0.0.1:" + closedPort();
        List<String[]> commands = List.of(
                new String[] {"--help"},
                new String[] {"--version"},
                new String[] {"help", "ps"},
                new String[] {"ps", "--help"},
                new String[] {"ps", "--naming", nowhere},
                new String[] {"ps", "--json", "--naming", nowhere},
                new String[] {"nodes", "--naming", nowhere},
                new String[] {"call", "--naming", nowhere, "kv1", "PING"},
                new String[] {"migrate", "--help"},
                new String[] {"deploy", "--help"},
                new String[] {"ps", "--no-such-option"},
                new String[] {"frobnicate"});
        for (String[] command : commands) {
            run(command);
        }
        trainAgainstACluster();
    }

    private static void run(String... command) {
        System.out.println("$ caravan " + String.join(" ", command));
        System.out.println("exit " + Main.run(command));
    }

    /**
     * The same commands against a one-node cluster with a switch (child JVMs, a temporary directory), so
     * that what reading a real answer loads — the client's replies, the switch's admin JSON, the admin
     * ports' events and logs — is in the cache too. Best effort: without it the cache still covers the rest.
     */
    private static void trainAgainstACluster() {
        java.nio.file.Path dir = null;
        try {
            dir = java.nio.file.Files.createTempDirectory("caravan-training");
            try (dev.caravan.launch.LocalCluster cluster = dev.caravan.launch.LocalCluster.builder().allowUnsigned().nodes(1).switches(1)
                    .dashboards(0).namingPort(0).workDir(dir).start()) {
                String naming = cluster.namingAddress().getHostString() + ":" + cluster.namingAddress().getPort();
                run("deploy", "--naming", naming, "--sample", "kv", "--name", "training", "--memory", "4m");
                run("ps", "--naming", naming);
                run("ps", "--json", "--naming", naming);
                run("nodes", "--naming", naming);
                run("nodes", "--json", "--naming", naming);
                run("call", "--naming", naming, "training", "SET", "k", "v");
                run("call", "--json", "--naming", naming, "training", "GET", "k");
                run("describe", "--naming", naming, "training");
                run("events", "--naming", naming);
                run("logs", "--naming", naming, "training");
                run("stop", "--naming", naming, "training");
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            System.out.println("no cluster to train against: " + e);
        } finally {
            if (dir != null) {
                deleteQuietly(dir);
            }
        }
    }

    private static void deleteQuietly(java.nio.file.Path dir) {
        try (java.util.stream.Stream<java.nio.file.Path> paths = java.nio.file.Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.out.println("could not delete " + dir + ": " + e);
        }
    }

    /** A loopback port that was free a moment ago, so that nothing answers there. */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
