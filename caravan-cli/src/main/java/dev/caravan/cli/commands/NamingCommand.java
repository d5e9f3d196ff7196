package dev.caravan.cli.commands;

import dev.caravan.cli.ClusterOptions;
import dev.caravan.cli.Daemon;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.naming.NamingServer;
import dev.caravan.wire.net.Hello;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.concurrent.Callable;

/** {@code caravan naming}: the endpoint daemon that maps names to endpoints under leases. */
@Command(name = "naming", mixinStandardHelpOptions = true,
        description = "Run the naming service (name -> node, host:port, epoch; soft state under leases).")
public final class NamingCommand implements Callable<Integer> {
    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "address to listen on (default: ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--port", defaultValue = "" + ClusterOptions.DEFAULT_NAMING_PORT,
            description = "port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--exit-on-stdin-eof", description = "exit when standard input closes (used by launchers)")
    boolean exitOnStdinEof;

    @Override
    public Integer call() throws Exception {
        LocalNamingService service = new LocalNamingService(InstantSource.system());
        NamingServer server = new NamingServer(service, new InetSocketAddress(bind, port), Hello.tokenFromEnvironment());
        System.err.println("naming service listening on " + bind + ":" + server.port());
        Daemon.announce("{\"role\":\"naming\",\"address\":\"" + bind + ":" + server.port() + "\"}");
        Daemon.runUntilStopped(exitOnStdinEof, server::close);
        return 0;
    }
}
