package dev.caravan.systemtests.hosts;

import dev.caravan.core.time.Clock;
import dev.caravan.launch.Daemon;
import dev.caravan.naming.RemoteNamingService;
import dev.caravan.switching.dns.DnsServer;
import dev.caravan.switching.dns.DnsServerConfig;
import dev.caravan.switching.dns.Topology;
import dev.caravan.switching.dns.ZoneWatcher;
import dev.caravan.wire.net.HostPort;
import dev.caravan.wire.net.Hello;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The DNS dispatcher as {@code caravan dns serve} wires it (naming → {@link ZoneWatcher} →
 * {@link DnsServer} with a {@link Topology} file), in a JVM of its own that a test starts inside a
 * test host (the system tests do not depend on the CLI module). Arguments: {@code NAMING BIND
 * TOPOLOGY_FILE [--exit-on-stdin-eof]}; port 0 (a free one); TTL 1 s so that tests see changes
 * quickly. Prints {@code CARAVAN-READY {"port":"P"}} when serving.
 */
public final class DnsDispatcherMain {
    private DnsDispatcherMain() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress namingAddress = HostPort.parse(args[0]);
        InetAddress bind = InetAddress.getByName(args[1]);
        DnsServerConfig config = DnsServerConfig.of(DnsServerConfig.DEFAULT_ZONE, new InetSocketAddress(bind, 0), 1,
                Topology.load(Path.of(args[2])));
        RemoteNamingService naming = new RemoteNamingService(namingAddress, new Hello("dns", ""), Duration.ofSeconds(5));
        ZoneWatcher watcher = ZoneWatcher.start(naming, config.zone(), 30_000);
        DnsServer server = DnsServer.start(config, watcher::current, Clock.system());
        Daemon.announce("{\"port\":\"" + server.port() + "\"}");
        Daemon.runUntilStopped(args.length > 3 && args[3].equals(Daemon.EXIT_ON_STDIN_EOF), () -> {
            server.close();
            watcher.close();
            naming.close();
        });
    }
}
