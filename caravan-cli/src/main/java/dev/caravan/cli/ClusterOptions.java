package dev.caravan.cli;

import dev.caravan.client.CaravanClient;
import dev.caravan.wire.net.HostPort;
import dev.caravan.wire.net.Hello;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.time.Duration;

/** Options every client-side command shares: where naming is, and the token. */
public final class ClusterOptions {
    /** The naming port {@code caravan naming} and {@code caravan up} use unless told otherwise. */
    public static final int DEFAULT_NAMING_PORT = 7400;

    @Option(names = "--naming", paramLabel = "HOST:PORT",
            description = "naming service address (default: $CARAVAN_NAMING or 127.0.0.1:" + DEFAULT_NAMING_PORT + ")")
    String naming;

    public InetSocketAddress namingAddress() {
        String n = naming != null ? naming : System.getenv("CARAVAN_NAMING");
        return HostPort.parse(n != null && !n.isBlank() ? n : "127.0.0.1:" + DEFAULT_NAMING_PORT);
    }

    public String token() {
        return Hello.tokenFromEnvironment();
    }

    public CaravanClient client() {
        return CaravanClient.connect(namingAddress(), token(), Duration.ofSeconds(10));
    }
}
