package dev.caravan.cli;

import dev.caravan.client.CaravanClient;
import dev.caravan.launch.NamingMain;
import dev.caravan.naming.NamingConnections;
import dev.caravan.naming.NamingService;
import dev.caravan.naming.NamingSpec;
import dev.caravan.wire.net.ClientTransport;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.security.TransportSecurity;
import picocli.CommandLine.Option;

import java.time.Duration;

/**
 * Options every client-side command shares: where naming is ({@code --naming}, else
 * {@code $CARAVAN_NAMING}, else 127.0.0.1:7400; Caravan's naming daemon or ZooKeeper), and the token.
 */
public final class ClusterOptions {
    @Option(names = "--naming", paramLabel = "SPEC", converter = dev.caravan.cli.options.NamingSpecConverter.class,
            description = "where naming is: HOST:PORT of Caravan's naming daemon or zk://HOST:PORT[,HOST:PORT...][/CHROOT] of "
                    + "ZooKeeper (default: $CARAVAN_NAMING or 127.0.0.1:" + NamingMain.DEFAULT_PORT + ")")
    String naming;

    /**
     * Where naming is.
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT when {@code $CARAVAN_NAMING} is not a naming spec
     */
    public NamingSpec namingSpec() {
        return NamingMain.spec(naming);
    }

    @Option(names = "--tls", paramLabel = "DIR",
            description = "mutual TLS with the identity in DIR, from 'caravan certs issue' (default: $" + TransportSecurity.ENV
                    + ", else plaintext)")
    java.nio.file.Path tls;

    /**
     * This command's transport: {@code --tls DIR}, else {@code $CARAVAN_TLS}, else plaintext; also
     * made the process's {@link ClientTransport}, so every link the command opens uses it.
     */
    public TransportSecurity security() {
        if (tls != null) {
            ClientTransport.use(TransportSecurity.mutualTls(tls));
            tls = null;
        }
        return ClientTransport.current();
    }

    public String token() {
        return Hello.tokenFromEnvironment();
    }

    /** A naming connection the caller closes; {@code who} names the command in the server's logs. */
    public NamingService naming(String who) {
        return NamingConnections.connect(namingSpec(), who, token(), Duration.ofSeconds(5), security());
    }

    public CaravanClient client() {
        security();
        return CaravanClient.connect(namingSpec(), token(), Duration.ofSeconds(10));
    }
}
