package dev.caravan.launch;

import dev.caravan.launch.zk.FourLetterWords;
import dev.caravan.naming.zk.ZkTlsSettings;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.security.TransportSecurity;
import org.apache.zookeeper.server.ServerConfig;
import org.apache.zookeeper.server.ZooKeeperServerMain;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;
import org.apache.zookeeper.server.quorum.QuorumPeerMain;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A ZooKeeper server for development and tests: the entry point of its JVM, and what
 * {@code caravan zookeeper} runs. It runs ZooKeeper's own server ({@link ZooKeeperServerMain}
 * standalone, {@link QuorumPeerMain} as a member of an ensemble given by {@code --id} and
 * {@code --ensemble}), configured from options instead of a {@code zoo.cfg}; prints
 * {@code zookeeper zk://HOST:PORT} and the ready line ({@code "role":"zookeeper"}, {@code "id"},
 * {@code "address"}: the client port, {@code "spec"}: what {@code --naming} takes) once the client
 * port answers {@code ruok}. An ensemble member is ready before the ensemble has a quorum: the
 * launcher starts all members, then waits for {@code srvr} to say leader or follower
 * ({@link FourLetterWords#mode}).
 *
 * <p>With {@code --tls DIR} the client port is ZooKeeper's {@code secureClientPort} only (TLS on
 * ZooKeeper's Netty factory, a client certificate from the CA in {@code DIR/ca.crt} required;
 * {@link ZkTlsSettings#server}); the quorum and election links of an ensemble stay plaintext.
 *
 * <p>Not for production: no authentication without {@code --tls}, the admin server (Jetty) off, four-letter words
 * {@value #FOUR_LETTER_WORDS} on. ZooKeeper clamps session timeouts to 2..20 × {@code --tick-ms},
 * and Caravan's leases are ZooKeeper sessions: the default 500 ms tick admits leases of 1..10 s.
 */
public final class ZooKeeperMain {
    /** One line for {@code caravan --help}. */
    public static final String SUMMARY = "Run a ZooKeeper server for development (standalone, or one member of an ensemble).";
    /** ZooKeeper's usual client port. */
    public static final int DEFAULT_PORT = 2181;
    /** The four-letter words the server answers (ZooKeeper's {@code zookeeper.4lw.commands.whitelist}). */
    public static final String FOUR_LETTER_WORDS = "srvr,stat,ruok";
    /** The ZooKeeper JVM's heap: a development ensemble holds a few thousand znodes. */
    public static final String DEFAULT_HEAP = "256m";

    static final DaemonOptions OPTIONS = new DaemonOptions("caravan zookeeper", SUMMARY)
            .value("--bind", "ADDRESS", "127.0.0.1", "address of the client port (and of this member's quorum ports)")
            .value("--port", "PORT", String.valueOf(DEFAULT_PORT), "client port; 0 picks a free one")
            .value("--data-dir", "DIR", null, "snapshots and transaction log (default: .caravan/zookeeper, or "
                    + ".caravan/zookeeper/ID in an ensemble)")
            .value("--tick-ms", "MS", "500", "ZooKeeper's tickTime: sessions (Caravan's leases) may last 2..20 ticks")
            .value("--id", "N", null, "this member's id in --ensemble, 1..255 (only with --ensemble)")
            .value("--ensemble", "HOST:PEER:ELECTION,...", null, "the ensemble's members in id order (the first is id 1): "
                    + "each member's quorum and leader-election ports; every member gets the same list (default: standalone)")
            .value("--tls", "DIR", null, "serve only a TLS client port (ZooKeeper's secureClientPort) with this identity "
                    + "directory (ca.crt, identity.crt, identity.key), a client certificate from the same CA required")
            .flag(Daemon.EXIT_ON_STDIN_EOF, "exit when standard input closes (used by launchers)");

    private ZooKeeperMain() {
    }

    public static void main(String[] args) {
        Daemon.main("caravan zookeeper", args, ZooKeeperMain::run);
    }

    /**
     * Serves until the JVM is asked to stop; returns the exit code.
     *
     * @throws DaemonOptions.UsageException if {@code args} do not fit the options
     */
    public static int run(List<String> args) throws Exception {
        DaemonOptions.Parsed options = OPTIONS.parse(args);
        if (options.helpRequested()) {
            System.out.print(OPTIONS.usage());
            return 0;
        }
        Config config = config(options);
        // Read by ZooKeeper when its classes load: set before any of them does.
        System.setProperty("zookeeper.4lw.commands.whitelist", FOUR_LETTER_WORDS);
        System.setProperty("zookeeper.admin.enableServer", "false");
        if (config.tls() != null) {
            ZkTlsSettings.server(config.tls()).forEach(System::setProperty);
        }
        QuorumPeerConfig peerConfig = config.peerConfig();
        Runnable stop;
        Thread server;
        if (config.ensemble().isEmpty()) {
            ServerConfig serverConfig = new ServerConfig();
            serverConfig.readFrom(peerConfig);
            Standalone main = new Standalone();
            stop = main::close;
            server = serve(() -> main.runFromConfig(serverConfig));
        } else {
            QuorumPeerMain main = new QuorumPeerMain();
            stop = main::close;
            server = serve(() -> main.runFromConfig(peerConfig));
        }
        InetSocketAddress client = new InetSocketAddress(config.bind(), config.port());
        awaitServing(client, server, config.tls() == null ? TransportSecurity.plaintext() : TransportSecurity.mutualTls(config.tls()));
        String address = config.bind() + ":" + config.port();
        System.out.println("zookeeper zk://" + address + (config.ensemble().isEmpty() ? "" : "  (member " + config.id() + " of "
                + config.ensemble().size() + ")") + "  data " + config.dataDir().toAbsolutePath());
        Daemon.announce("{\"role\":\"zookeeper\",\"id\":\"" + config.id() + "\",\"address\":\"" + address + "\",\"spec\":\"zk://"
                + address + "\"}");
        Daemon.runUntilStopped(options.flag(Daemon.EXIT_ON_STDIN_EOF), stop);
        return 0;
    }

    /** ZooKeeper's standalone server, with its {@code close} reachable from the stopping thread. */
    private static final class Standalone extends ZooKeeperServerMain {
    }

    @FunctionalInterface
    private interface ServerBody {
        void run() throws Exception;
    }

    /** Runs ZooKeeper on a thread of its own; if it fails, the daemon exits: half a ZooKeeper is worse than none. */
    private static Thread serve(ServerBody body) {
        return Thread.ofPlatform().name("zookeeper").start(() -> {
            try {
                body.run();
            } catch (Exception e) {
                System.err.println("caravan zookeeper: the server failed: " + e);
                System.exit(1);
            }
        });
    }

    private static void awaitServing(InetSocketAddress client, Thread server, TransportSecurity security) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                if (FourLetterWords.ask(client, "ruok", Duration.ofSeconds(1), security).startsWith("imok")) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            if (!server.isAlive()) {
                throw ErrorCode.UNAVAILABLE.exception("ZooKeeper stopped before it served on " + client);
            }
            Thread.sleep(50); // polling the client port: ZooKeeper has no start callback for a quorum member
        }
        throw ErrorCode.TIMEOUT.exception("ZooKeeper did not serve on " + client + " within 60 s");
    }

    /** The checked command line. */
    record Config(String bind, int port, Path dataDir, int tickMs, int id, List<String> ensemble, Path tls) {
        /** ZooKeeper's configuration, as a {@code zoo.cfg} would give it; writes the member's {@code myid}. */
        QuorumPeerConfig peerConfig() throws IOException {
            Files.createDirectories(dataDir);
            Properties p = new Properties();
            p.setProperty("tickTime", String.valueOf(tickMs));
            p.setProperty("dataDir", dataDir.toAbsolutePath().toString());
            // With --tls the only client port is the secure one: a plaintext client finds nothing to talk to.
            p.setProperty(tls == null ? "clientPort" : "secureClientPort", String.valueOf(port));
            p.setProperty(tls == null ? "clientPortAddress" : "secureClientPortAddress", bind);
            // Every client of a loopback cluster comes from one address: no per-address connection cap.
            p.setProperty("maxClientCnxns", "0");
            p.setProperty("admin.enableServer", "false");
            if (!ensemble.isEmpty()) {
                p.setProperty("initLimit", "10");
                p.setProperty("syncLimit", "5");
                for (int i = 0; i < ensemble.size(); i++) {
                    p.setProperty("server." + (i + 1), ensemble.get(i));
                }
                Files.writeString(dataDir.resolve("myid"), id + "\n", StandardCharsets.US_ASCII);
            }
            QuorumPeerConfig c = new QuorumPeerConfig();
            try {
                c.parseProperties(p);
            } catch (QuorumPeerConfig.ConfigException e) {
                throw new DaemonOptions.UsageException("ZooKeeper refused the configuration: " + e.getMessage());
            }
            return c;
        }
    }

    static Config config(DaemonOptions.Parsed options) throws IOException {
        String bind = options.required("--bind");
        int port = options.intValue("--port");
        if (port < 0 || port > 65535) {
            throw new DaemonOptions.UsageException("--port: " + port + " is not a TCP port (0 picks a free one)");
        }
        int tickMs = options.intValue("--tick-ms");
        if (tickMs < 10 || tickMs > 60_000) {
            throw new DaemonOptions.UsageException("--tick-ms: " + tickMs + " is outside 10..60000");
        }
        List<String> ensemble = ensemble(options.value("--ensemble"));
        String idText = options.value("--id");
        if (ensemble.isEmpty() != (idText == null)) {
            throw new DaemonOptions.UsageException("--id and --ensemble go together: a member of an ensemble needs both");
        }
        int id = idText == null ? 0 : options.intValue("--id");
        if (!ensemble.isEmpty() && (id < 1 || id > ensemble.size())) {
            throw new DaemonOptions.UsageException("--id: " + id + " is not a member of the ensemble (1.." + ensemble.size() + ")");
        }
        String dir = options.value("--data-dir");
        Path dataDir = dir != null ? Path.of(dir) : id == 0 ? Path.of(".caravan", "zookeeper")
                : Path.of(".caravan", "zookeeper", String.valueOf(id));
        if (port == 0) {
            // ZooKeeper's server does not report a port it picked: pick one here, free now.
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(bind))) {
                port = s.getLocalPort();
            }
        }
        String tlsText = options.value("--tls");
        Path tls = tlsText == null ? null : Path.of(tlsText).toAbsolutePath();
        if (tls != null) {
            try {
                TransportSecurity.mutualTls(tls); // reads and checks the identity now: one line if it is unusable
            } catch (dev.caravan.wire.CaravanException e) {
                throw new DaemonOptions.UsageException("--tls: " + e.getMessage());
            }
        }
        return new Config(bind, port, dataDir, tickMs, id, ensemble, tls);
    }

    private static List<String> ensemble(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        for (String member : text.split(",", -1)) {
            String[] parts = member.trim().split(":", -1);
            if (parts.length != 3 || parts[0].isEmpty() || !isPort(parts[1]) || !isPort(parts[2])) {
                throw new DaemonOptions.UsageException("--ensemble: '" + member + "' is not HOST:PEER_PORT:ELECTION_PORT");
            }
            out.add(member.trim());
        }
        if (out.size() > 255) {
            throw new DaemonOptions.UsageException("--ensemble: at most 255 members");
        }
        return out;
    }

    private static boolean isPort(String s) {
        if (!s.matches("\\d{1,5}")) {
            return false;
        }
        int p = Integer.parseInt(s);
        return p >= 1 && p <= 65535;
    }
}
