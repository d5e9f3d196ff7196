package dev.caravan.launch;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.NamingConnections;
import dev.caravan.naming.NamingService;
import dev.caravan.naming.NamingSpec;
import dev.caravan.naming.Watch;
import dev.caravan.observe.DaemonMetrics;
import dev.caravan.observe.EventKind;
import dev.caravan.observe.EventLog;
import dev.caravan.observe.LogLines;
import dev.caravan.observe.ObserveServer;
import dev.caravan.switching.Frontend;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.switching.SwitchDaemon;
import dev.caravan.switching.config.SwitchConfig;
import dev.caravan.switching.config.SwitchConfigFile;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.CloseAll;
import dev.caravan.wire.net.Hello;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The switch daemon, the cluster's front end: the entry point of its JVM, and what
 * {@code caravan switch serve} runs. Options and the config file are checked entirely before
 * anything starts. When serving it prints {@code admin HOST:PORT}, one
 * {@code frontend NAME HOST:PORT PROTOCOL MODE} line per front end, and the ready line
 * ({@code "role":"switch"}, {@code "id"}, {@code "admin"}).
 */
public final class SwitchMain {
    /** One line for {@code caravan --help}. */
    public static final String SUMMARY = "Run a switch: the cluster's front end, dispatching clients to processes wherever they run.";
    /** The switch JVM's default heap: it holds connections and buffers, no process data. */
    public static final String DEFAULT_HEAP = "512m";

    static final DaemonOptions OPTIONS = new DaemonOptions("caravan switch serve", SUMMARY)
            .value("--id", "ID", "s1", "switch id, unique in the cluster (naming entry switch/ID)")
            .value("--naming", "SPEC", null, NamingMain.NAMING_OPTION_HELP)
            .value("--config", "FILE", null, "front ends to run from the start (JSON, see docs/switch.md; default: none); shared with"
                    + " every switch of the cluster when newer than naming's versions")
            .value("--bind", "ADDRESS", "127.0.0.1", "address of the admin API and the automatic front ends")
            .value(TlsOption.NAME, TlsOption.LABEL, null, TlsOption.HELP)
            .value("--admin-port", "PORT", "0", "admin API port; 0 picks a free one")
            .value("--metrics-port", "PORT", "0", "observation port (HTTP: /metrics for Prometheus, /events, /logs); 0 picks a"
                    + " free one, -1 opens none")
            .value("--state-dir", "DIR", null, "what survives a restart: the automatic front ends' ports (default: .caravan/switches/ID)")
            .value("--lease-ms", "MS", "3000", "naming lease; the switch's entries vanish this long after it dies")
            .flag("--no-process-fronts", "no automatic front ends (one per RESP process, one per HTTP service)")
            .value("--process-grace-ms", "MS", String.valueOf(SwitchConfig.DEFAULT_PROCESS_GRACE_MS),
                    "how long a process (a service) may be gone from naming before its front end closes")
            .value("--heap", "SIZE", DEFAULT_HEAP, "Java heap of the switch's JVM (applied by 'caravan switch serve')")
            .repeatable("--jvm-option", "OPTION", "an extra option for the switch's JVM; repeatable (applied by 'caravan switch serve')")
            .flag(Daemon.EXIT_ON_STDIN_EOF, "exit when standard input closes (used by launchers)");

    private SwitchMain() {
    }

    public static void main(String[] args) {
        Daemon.main("caravan switch serve", args, SwitchMain::run);
    }

    /**
     * {@code jvm} plus what the switch's Netty data plane wants: on Java 25 Netty uses
     * {@code sun.misc.Unsafe} only when allowed, and without it allocates a buffer object per header
     * line parsed (13% of the switch's allocations, measured with JFR under wrk).
     */
    public static List<String> withDataPlaneOptions(List<String> jvm) {
        List<String> out = new java.util.ArrayList<>(jvm);
        out.addFirst("--sun-misc-unsafe-memory-access=allow");
        return out;
    }

    /**
     * What {@code caravan switch serve} runs: the switch in a JVM of its own, in the foreground;
     * returns its exit code. Options and the config file are checked here first, so a bad command
     * line starts no JVM.
     *
     * @throws DaemonOptions.UsageException if {@code args} do not fit the options
     */
    public static int runInDaemonJvm(List<String> args) throws Exception {
        DaemonOptions.Parsed options = OPTIONS.parse(args);
        if (options.helpRequested()) {
            System.out.print(OPTIONS.usage());
            return 0;
        }
        config(options);
        TlsOption.parse(options);
        List<String> jvm = withDataPlaneOptions(DaemonJvm.options(options.required("--heap"), options.values("--jvm-option")));
        return ForegroundJvm.run(jvm, SwitchMain.class, NodeMain.withoutJvmSettings(args));
    }

    /**
     * Runs a switch until the JVM is asked to stop; returns the exit code.
     *
     * @throws DaemonOptions.UsageException if {@code args} do not fit the options
     */
    public static int run(List<String> args) throws Exception {
        DaemonOptions.Parsed options = OPTIONS.parse(args);
        if (options.helpRequested()) {
            System.out.print(OPTIONS.usage());
            return 0;
        }
        SwitchConfig config = config(options);
        NamingSpec spec = NamingMain.daemonSpec(options.value("--naming"));
        dev.caravan.wire.security.TransportSecurity security = TlsOption.parse(options);
        NamingService naming = NamingConnections.connect(spec, "switch/" + config.id(), config.token(), Duration.ofSeconds(5),
                security);
        SwitchDaemon daemon;
        try {
            daemon = SwitchDaemon.start(config, configEpochMs(options), naming, Clock.system(), security);
        } catch (Exception e) {
            try {
                naming.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        DaemonMetrics metrics = new DaemonMetrics("switch", config.id());
        EventLog events = new EventLog("switch/" + config.id());
        ObserveServer observe;
        SwitchEvents switchEvents;
        Watch membership;
        String metricsAt;
        try {
            observe = openObserve(options, config, daemon, metrics, events, security);
            metricsAt = observe == null ? "" : config.bindHost() + ":" + observe.address().getPort();
            if (observe != null) {
                // Clients (caravan events, logs) find the observation port in naming, as they find every node's.
                daemon.announce("metrics", metricsAt);
            }
            switchEvents = observe == null ? null : new SwitchEvents(daemon, events).start();
            // ZooKeeper has no naming daemon to say which nodes joined and left: the switch says it.
            membership = observe == null || !spec.isZooKeeper() ? null : NodeMembershipEvents.follow(naming, events);
        } catch (IOException | RuntimeException e) {
            CloseAll.closeAll("closing switch " + config.id(), metrics, daemon, naming);
            throw e;
        }
        System.out.println("admin " + daemon.adminHostPort());
        if (observe != null) {
            System.out.println("metrics " + dev.caravan.observe.AdminTls.scheme(security) + "://" + metricsAt + "/metrics");
        }
        for (Frontend f : daemon.frontends()) {
            System.out.println(frontendLine(f));
        }
        Daemon.announce("{\"role\":\"switch\",\"id\":\"" + config.id() + "\",\"admin\":\"" + daemon.adminHostPort()
                + "\",\"metrics\":\"" + metricsAt + "\"}");
        Daemon.runUntilStopped(options.flag(Daemon.EXIT_ON_STDIN_EOF),
                () -> CloseAll.closeAll("closing switch " + config.id(), membership, switchEvents, observe, metrics, daemon, naming));
        return 0;
    }

    /**
     * The switch's observation port: an {@link ObserveServer} of its own rather than routes on the
     * admin API's server, whose two request threads a watcher's event stream would hold.
     */
    private static ObserveServer openObserve(DaemonOptions.Parsed options, SwitchConfig config, SwitchDaemon daemon,
                                             DaemonMetrics metrics, EventLog events,
                                             dev.caravan.wire.security.TransportSecurity security) throws IOException {
        int port = options.intValue("--metrics-port");
        if (port < -1 || port > 65535) {
            throw new DaemonOptions.UsageException("--metrics-port: " + port + " is not a TCP port (0 picks a free one, -1 opens none)");
        }
        SwitchMeters meters = new SwitchMeters(metrics.registry(), daemon);
        metrics.beforeScrape(meters::sync);
        if (port < 0) {
            return null;
        }
        ObserveServer observe = ObserveServer.start(new InetSocketAddress(config.bindHost(), port), config.token(), metrics, events,
                LogLines.shared(), security);
        events.publish(EventKind.DAEMON_STARTED, "switch/" + config.id(), "switch " + config.id() + " serving its admin API on "
                + daemon.adminHostPort());
        return observe;
    }

    /** {@code frontend NAME HOST:PORT PROTOCOL MODE}, as the switch prints it when it starts. */
    static String frontendLine(Frontend f) {
        FrontendSpec s = f.spec();
        return "frontend " + s.name() + " " + f.address().getHostString() + ":" + f.address().getPort() + " "
                + s.protocol().name().toLowerCase(Locale.ROOT) + " " + s.mode().name().toLowerCase(Locale.ROOT);
    }

    /**
     * The version of the config file's front ends in the cluster's shared configuration: the file's
     * modification time in ms (-1, the switch's start, without a file).
     */
    static long configEpochMs(DaemonOptions.Parsed options) {
        String file = options.value("--config");
        if (file == null) {
            return -1;
        }
        try {
            return java.nio.file.Files.getLastModifiedTime(Path.of(file)).toMillis();
        } catch (IOException e) {
            throw new DaemonOptions.UsageException(file + ": cannot be read: " + e.getMessage());
        }
    }

    static SwitchConfig config(DaemonOptions.Parsed options) {
        String id = options.required("--id");
        String stateDir = options.value("--state-dir");
        String file = options.value("--config");
        List<FrontendSpec> frontends = file == null ? List.of() : SwitchConfigFile.load(Path.of(file));
        try {
            return new SwitchConfig(id, options.required("--bind"), options.intValue("--admin-port"),
                    stateDir != null ? Path.of(stateDir) : Path.of(".caravan", "switches", id), options.longValue("--lease-ms"),
                    !options.flag("--no-process-fronts"), options.longValue("--process-grace-ms"), Hello.tokenFromEnvironment(),
                    frontends);
        } catch (CaravanException e) {
            throw new DaemonOptions.UsageException(e.getMessage());
        }
    }
}
