package dev.caravan.cli;

import dev.caravan.client.CaravanClient;
import dev.caravan.launch.NamingMain;
import dev.caravan.wire.net.Hello;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.time.Duration;

/** Options every client-side command shares: where naming is, and the token. */
public final class ClusterOptions {
    @Option(names = "--naming", paramLabel = "HOST:PORT", converter = dev.caravan.cli.options.HostPortConverter.class,
            description = "naming service address (default: $CARAVAN_NAMING or 127.0.0.1:" + NamingMain.DEFAULT_PORT + ")")
    String naming;

    public InetSocketAddress namingAddress() {
        return NamingMain.address(naming);
    }

    public String token() {
        return Hello.tokenFromEnvironment();
    }

    public CaravanClient client() {
        return CaravanClient.connect(namingAddress(), token(), Duration.ofSeconds(10));
    }
}
