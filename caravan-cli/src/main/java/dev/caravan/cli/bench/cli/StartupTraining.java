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
 * usage error. A cluster cannot be assumed at build time; the classes {@code ps} needs to read a
 * real answer that the failed connect did not reach are loaded as usual.
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
            System.out.println("$ caravan " + String.join(" ", command));
            System.out.println("exit " + Main.run(command));
        }
    }

    /** A loopback port that was free a moment ago, so that nothing answers there. */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
