package dev.caravan.cli.commands;

import dev.caravan.cli.ClusterOptions;
import dev.caravan.core.time.Clock;
import dev.caravan.launch.Daemon;
import dev.caravan.naming.NamingService;
import dev.caravan.switching.dns.DnsServer;
import dev.caravan.switching.dns.DnsServerConfig;
import dev.caravan.switching.dns.Topology;
import dev.caravan.switching.dns.ZoneSnapshot;
import dev.caravan.switching.dns.ZoneWatcher;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code caravan dns}: the DNS dispatcher (see docs/switch.md, "DNS dispatch"). */
@Command(name = "dns", mixinStandardHelpOptions = true, subcommands = DnsCommand.Serve.class,
        description = "DNS dispatch: an authoritative DNS server for the cluster's zone that answers a service name "
                + "with the replica closest to the asking client.")
public final class DnsCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code caravan dns serve}: runs in the foreground until interrupted. */
    @Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
            description = {
                "Serve the cluster's zone over UDP and TCP on one port, in the foreground (Ctrl-C stops it).",
                "Names: <service>.<zone> A/AAAA (the closest replica of the processes labelled service=<service>),",
                "_<service>._tcp.<zone> SRV (every replica, closest first, with its data port),",
                "<process>.<zone> A/AAAA, switch.<zone> A/AAAA (every live switch: the front tier), and SOA/NS at the apex. Names outside the zone are REFUSED (no recursion).",
                "Try: dig @127.0.0.1 -p 5353 web.caravan.internal A +short"},
            footer = {"", "Topology file (--topology), one statement a line, '#' comments:",
                "  zone <zone-name> <node-id> [<node-id> ...]",
                "  <client subnet, e.g. 10.1.0.0/16> <node-id | zone:<zone-name> | same-host> [...]   (closest first;",
                "  same-host: a replica on the client's own address)",
                "The longest matching subnet applies; without a match every replica is equally close."})
    public static final class Serve implements Callable<Integer> {
        @Mixin
        ClusterOptions cluster;

        @Option(names = "--zone", paramLabel = "ZONE", defaultValue = DnsServerConfig.DEFAULT_ZONE,
                description = "the zone served (default: ${DEFAULT-VALUE})")
        String zone;

        @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + DnsServerConfig.DEFAULT_PORT, converter = dev.caravan.cli.options.PortConverter.class,
                description = "UDP and TCP port (default: ${DEFAULT-VALUE}, unprivileged; 0 picks a free one)")
        int port;

        @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
                description = "address to listen on (default: ${DEFAULT-VALUE})")
        String bind;

        @Option(names = "--topology", paramLabel = "FILE",
                description = "client subnets -> preferred nodes or zones (format below); default: all replicas equally close")
        Path topology;

        @Option(names = "--ttl", paramLabel = "SECONDS", defaultValue = "" + DnsServerConfig.DEFAULT_TTL_SECONDS,
                description = "TTL of every answer and of negative answers (default: ${DEFAULT-VALUE})")
        long ttlSeconds;

        @Option(names = "--rate-limit", paramLabel = "PER_SECOND", defaultValue = "" + DnsServerConfig.DEFAULT_RATE_PER_SECOND,
                description = "UDP answers per second per client address; more are dropped, every 2nd sent truncated "
                        + "(default: ${DEFAULT-VALUE})")
        int ratePerSecond;

        @Option(names = "--rate-burst", paramLabel = "N", defaultValue = "" + DnsServerConfig.DEFAULT_BURST,
                description = "UDP answers a quiet client may get at once (default: ${DEFAULT-VALUE})")
        int rateBurst;

        @Option(names = "--tcp-idle-timeout-ms", paramLabel = "MS", defaultValue = "" + DnsServerConfig.DEFAULT_TCP_IDLE_TIMEOUT_MS,
                description = "close a TCP connection idle this long (default: ${DEFAULT-VALUE})")
        long tcpIdleTimeoutMs;

        @Option(names = Daemon.EXIT_ON_STDIN_EOF, hidden = true, description = "exit when standard input closes (used by launchers)")
        boolean exitOnStdinEof;

        @Override
        public Integer call() throws Exception {
            if (port < 0 || port > 65535) {
                throw ErrorCode.INVALID_ARGUMENT.exception("--port " + port + " is outside 0..65535");
            }
            InetAddress address;
            try {
                address = InetAddress.getByName(bind);
            } catch (UnknownHostException e) {
                throw ErrorCode.INVALID_ARGUMENT.exception("--bind " + bind + " does not resolve; give an address such as 127.0.0.1");
            }
            DnsServerConfig config = new DnsServerConfig(DnsServerConfig.parseZone(zone), new InetSocketAddress(address, port),
                    ttlSeconds, topology == null ? Topology.NONE : Topology.load(topology), ratePerSecond, rateBurst,
                    tcpIdleTimeoutMs, DnsServerConfig.DEFAULT_MAX_TCP_CONNECTIONS);
            NamingService naming = cluster.naming("dns");
            ZoneWatcher watcher = null;
            DnsServer server = null;
            try {
                try {
                    watcher = ZoneWatcher.start(naming, config.zone(), 30_000);
                } catch (CaravanException e) {
                    throw e.code() == ErrorCode.UNAVAILABLE || e.code() == ErrorCode.TIMEOUT
                            ? e.code().exception("naming at " + cluster.namingSpec() + " does not answer ("
                                    + e.getMessage() + "); start it with 'caravan up' or 'caravan naming', or pass --naming")
                            : e;
                }
                server = DnsServer.start(config, watcher::current, Clock.system());
            } catch (RuntimeException e) {
                closeAll(e, watcher, naming);
                throw e;
            }
            ZoneSnapshot z = watcher.current();
            System.out.println("caravan dns: serving " + config.zone() + " on " + bind + ":" + server.port() + " (UDP and TCP), "
                    + z.services().size() + " services, " + z.processes().size() + " processes, ttl " + ttlSeconds + " s, "
                    + (topology == null ? "no topology" : "topology " + topology + " (" + config.topology().ruleCount() + " rules)"));
            // The launcher's ready line (ChildJvm): where it serves, so that a harness may start it as a daemon JVM.
            Daemon.announce("{\"role\":\"dns\",\"address\":\"" + bind + ":" + server.port() + "\",\"port\":\""
                    + server.port() + "\"}");
            DnsServer running = server;
            ZoneWatcher watching = watcher;
            Daemon.runUntilStopped(exitOnStdinEof, () -> closeAll(null, running, watching, naming));
            return 0;
        }

        private static void closeAll(Exception failure, AutoCloseable... all) {
            for (AutoCloseable c : all) {
                if (c == null) {
                    continue;
                }
                try {
                    c.close();
                } catch (Exception e) {
                    if (failure != null) {
                        failure.addSuppressed(e);
                    }
                }
            }
        }
    }
}
