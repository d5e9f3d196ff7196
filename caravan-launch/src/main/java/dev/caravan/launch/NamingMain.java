package dev.caravan.launch;

import dev.caravan.naming.Watch;
import dev.caravan.observe.DaemonMetrics;
import dev.caravan.observe.EventKind;
import dev.caravan.observe.EventLog;
import dev.caravan.observe.LogLines;
import dev.caravan.observe.ObserveServer;
import dev.caravan.wire.CloseAll;

import dev.caravan.naming.LocalNamingService;
import dev.caravan.naming.NamingServer;
import dev.caravan.naming.NamingSpec;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.net.HostPort;

import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.List;

/**
 * The naming daemon (the endpoint daemon that maps names to endpoints under leases): the entry
 * point of its JVM, and what {@code caravan naming} runs with its arguments.
 */
public final class NamingMain {
    /** The port naming listens on, and where clients look for it, unless told otherwise. */
    public static final int DEFAULT_PORT = 7400;
    /** One line for {@code caravan --help}. */
    public static final String SUMMARY = "Run the naming service (name -> node, host:port, epoch; soft state under leases).";

    static final DaemonOptions OPTIONS = new DaemonOptions("caravan naming", SUMMARY)
            .value("--bind", "ADDRESS", "127.0.0.1", "address to listen on")
            .value("--port", "PORT", String.valueOf(DEFAULT_PORT), "port to listen on; 0 picks a free one")
            .value(TlsOption.NAME, TlsOption.LABEL, null, TlsOption.HELP)
            .value("--admin-port", "PORT", "0", "admin port (HTTP: /metrics for Prometheus, /events, /logs, /leases); 0 picks a "
                    + "free one, -1 opens none")
            .value("--tokens", "FILE", null, "tokens with roles (written by 'caravan tokens add'): viewers may look up and "
                    + "watch; only the cluster token (" + Hello.TOKEN_ENV + ", role node) may hold leases and register")
            .flag(Daemon.EXIT_ON_STDIN_EOF, "exit when standard input closes (used by launchers)");

    private NamingMain() {
    }

    public static void main(String[] args) {
        Daemon.main("caravan naming", args, NamingMain::run);
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
        String bind = options.required("--bind");
        int adminPort = options.intValue("--admin-port");
        if (adminPort < -1 || adminPort > 65535) {
            throw new DaemonOptions.UsageException("--admin-port: " + adminPort + " is not a TCP port (0 picks a free one, -1 opens none)");
        }
        dev.caravan.wire.security.TransportSecurity security = TlsOption.parse(options);
        dev.caravan.wire.security.TokenTable tokens;
        try {
            tokens = options.value("--tokens") == null ? dev.caravan.wire.security.TokenTable.empty()
                    : dev.caravan.wire.security.TokenTable.read(java.nio.file.Path.of(options.value("--tokens")));
        } catch (dev.caravan.wire.CaravanException e) {
            throw new DaemonOptions.UsageException("--tokens: " + e.getMessage());
        }
        LocalNamingService service = new LocalNamingService(InstantSource.system());
        NamingServer server = new NamingServer(service, new InetSocketAddress(bind, options.intValue("--port")),
                Hello.tokenFromEnvironment(), tokens, security);
        EventLog events = new EventLog("naming");
        DaemonMetrics metrics = new DaemonMetrics("naming", "naming");
        NamingMeters.register(metrics.registry(), service, server);
        Watch nodes = service.watch("node/", new NodeMembershipEvents(events));
        ObserveServer observe = adminPort < 0 ? null : ObserveServer.start(new InetSocketAddress(bind, adminPort),
                Hello.tokenFromEnvironment(), metrics, events, LogLines.shared(), security);
        if (observe != null) {
            observe.route("/leases", true, new LeasesRoute(service));
            if (!tokens.isEmpty()) {
                observe.authenticateWith(new dev.caravan.wire.security.TokenAuthenticator(Hello.tokenFromEnvironment(), tokens));
            }
        }
        String admin = observe == null ? "" : bind + ":" + observe.address().getPort();
        System.err.println("naming service listening on " + bind + ":" + server.port()
                + (observe == null ? "" : ", admin (metrics, events, logs) on " + dev.caravan.observe.AdminTls.scheme(security) + "://" + admin));
        events.publish(EventKind.DAEMON_STARTED, "naming", "naming service listening on " + bind + ":" + server.port());
        AdminEntry adminEntry = observe == null ? null : AdminEntry.register(service, bind, server.port(), admin);
        Daemon.announce("{\"role\":\"naming\",\"address\":\"" + bind + ":" + server.port() + "\",\"admin\":\"" + admin + "\"}");
        Daemon.runUntilStopped(options.flag(Daemon.EXIT_ON_STDIN_EOF), () -> {
            CloseAll all = new CloseAll();
            all.close(nodes);
            all.close(adminEntry);
            all.close(observe);
            all.run(metrics::close);
            all.close(server);
            all.throwIfFailed("closing the naming service");
        });
        return 0;
    }

    /** What a daemon's {@code --naming} option says of itself in {@code --help}. */
    public static final String NAMING_OPTION_HELP = "where naming is: HOST:PORT of Caravan's naming daemon, or zk://HOST:PORT[,HOST:PORT…][/CHROOT] "
            + "of a ZooKeeper ensemble (default: $CARAVAN_NAMING or 127.0.0.1:" + DEFAULT_PORT + ")";

    /** Where naming is: {@code explicit} if given, else {@code $CARAVAN_NAMING}, else 127.0.0.1:{@value #DEFAULT_PORT}. */
    public static InetSocketAddress address(String explicit) {
        return HostPort.parse(specText(explicit));
    }

    /**
     * Where naming is, as {@link NamingSpec#parse} reads it: {@code explicit} if given, else
     * {@code $CARAVAN_NAMING}, else 127.0.0.1:{@value #DEFAULT_PORT}.
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT, one line naming the accepted forms
     */
    public static NamingSpec spec(String explicit) {
        return NamingSpec.parse(specText(explicit));
    }

    /** As {@link #spec}, for a daemon's {@code --naming}: a bad spec is a usage error. */
    static NamingSpec daemonSpec(String explicit) {
        try {
            return spec(explicit);
        } catch (dev.caravan.wire.CaravanException e) {
            throw new DaemonOptions.UsageException("--naming: " + e.getMessage());
        }
    }

    private static String specText(String explicit) {
        String n = explicit != null ? explicit : System.getenv("CARAVAN_NAMING");
        return n != null && !n.isBlank() ? n : "127.0.0.1:" + DEFAULT_PORT;
    }
}
