package dev.caravan.launch;

import dev.caravan.dashboard.Dashboard;
import dev.caravan.naming.NamingSpec;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.net.Hello;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The web dashboard daemon: the entry point of its JVM, and what {@code caravan dashboard} runs.
 * It finds the cluster through naming, serves the page on {@code --bind}:{@code --port}, prints
 * {@code dashboard http://HOST:PORT} and the ready line ({@code "role":"dashboard"}, {@code "address"}).
 * It reads the cluster token from {@code $CARAVAN_TOKEN}: with one, the page's actions need it
 * typed in; without, they are open (see {@link dev.caravan.dashboard.DashboardServer}).
 */
public final class DashboardMain {
    /** One line for {@code caravan --help}. */
    public static final String SUMMARY = "Serve the web dashboard: nodes, processes, live migrations and their response time, actions.";
    /** Where {@code caravan dashboard} serves unless told otherwise. */
    public static final int DEFAULT_PORT = 7480;
    /** The dashboard JVM's heap: it holds a few minutes of probe samples and the cluster's last state. */
    public static final String DEFAULT_HEAP = "256m";

    static final DaemonOptions OPTIONS = new DaemonOptions("caravan dashboard", SUMMARY)
            .value("--naming", "SPEC", null, NamingMain.NAMING_OPTION_HELP)
            .value("--bind", "ADDRESS", "127.0.0.1", "address to serve the page on")
            .value("--port", "PORT", String.valueOf(DEFAULT_PORT), "port to serve the page on; 0 picks a free one")
            .value(TlsOption.NAME, TlsOption.LABEL, null, "mutual TLS toward the cluster with the identity in DIR "
                    + "(an admin or operator one from 'caravan certs issue'); default: $CARAVAN_TLS, else plaintext")
            .flag(Daemon.EXIT_ON_STDIN_EOF, "exit when standard input closes (used by launchers)");

    private DashboardMain() {
    }

    public static void main(String[] args) {
        Daemon.main("caravan dashboard", args, DashboardMain::run);
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
        int port = options.intValue("--port");
        if (port < 0 || port > 65535) {
            throw new DaemonOptions.UsageException("--port: " + port + " is not a TCP port (0 picks a free one)");
        }
        String bind = options.required("--bind");
        NamingSpec naming = NamingMain.daemonSpec(options.value("--naming"));
        if (options.value(TlsOption.NAME) != null) {
            // The dashboard is a client of the cluster: every link it opens uses this identity.
            dev.caravan.wire.net.ClientTransport.use(TlsOption.parse(options));
        }
        Dashboard dashboard;
        try {
            dashboard = Dashboard.start(naming, Hello.tokenFromEnvironment(), new InetSocketAddress(bind, port));
        } catch (IOException e) {
            throw ErrorCode.UNAVAILABLE.exception("cannot serve the dashboard on " + bind + ":" + port + " (" + e.getMessage()
                    + "); pick another with --port, or --port 0 for a free one");
        }
        String address = dashboard.hostPort();
        System.out.println("dashboard http://" + address + "  (cluster at naming " + naming + ")");
        Daemon.announce("{\"role\":\"dashboard\",\"address\":\"" + address + "\"}");
        Daemon.runUntilStopped(options.flag(Daemon.EXIT_ON_STDIN_EOF), dashboard::close);
        return 0;
    }
}
