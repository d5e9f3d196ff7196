package dev.caravan.naming.zk;

import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.security.TransportSecurity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ZooKeeper's own TLS properties for a Caravan identity directory ({@code ca.crt},
 * {@code identity.crt}, {@code identity.key}; see {@link TransportSecurity}), for a client
 * ({@code ZKClientConfig}) or a server (system properties read by ZooKeeper's {@code X509Util}).
 * Source: ZooKeeper 3.9 administrator's guide, "Encryption, Authentication, Authorization Options",
 * and {@code org.apache.zookeeper.common.X509Util} / {@code PEMFileLoader}.
 *
 * <p><b>Files.</b> ZooKeeper 3.9 reads PEM key and trust stores ({@code .type=PEM}). The trust
 * store is {@code ca.crt} as it is. A PEM <i>key</i> store must be one file holding both the
 * private key and the certificate chain, which our identity keeps in two; so the key store is a
 * copy of {@code identity.key} followed by {@code identity.crt}, written once per JVM and
 * directory to a temporary file of mode 0600 (deleted when the JVM exits). Nothing else is
 * converted: ZooKeeper parses the unencrypted PKCS#8 EC key itself.
 *
 * <p><b>Threading.</b> Stateless apart from a cache of the key-store copies; thread-safe.
 */
public final class ZkTlsSettings {
    /** ZooKeeper's client switch for TLS ({@code ZKClientConfig.SECURE_CLIENT}). */
    public static final String CLIENT_SECURE = "zookeeper.client.secure";
    /** The client socket: TLS needs ZooKeeper's Netty socket (its NIO socket has no TLS). */
    public static final String CLIENT_SOCKET = "zookeeper.clientCnxnSocket";
    public static final String NETTY_CLIENT_SOCKET = "org.apache.zookeeper.ClientCnxnSocketNetty";
    /** The server's connection factory: TLS needs ZooKeeper's Netty factory. */
    public static final String SERVER_FACTORY = "zookeeper.serverCnxnFactory";
    public static final String NETTY_SERVER_FACTORY = "org.apache.zookeeper.server.NettyServerCnxnFactory";
    private static final Map<Path, Path> KEY_STORES = new ConcurrentHashMap<>();

    private ZkTlsSettings() {
    }

    /**
     * The properties a ZooKeeper client needs to talk TLS with {@code security}'s identity: none
     * for plaintext (ZooKeeper's default NIO socket, as before).
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT when the identity files cannot be read or copied
     */
    public static Map<String, String> client(TransportSecurity security) {
        if (!security.isTls()) {
            return Map.of();
        }
        Map<String, String> p = new LinkedHashMap<>();
        p.put(CLIENT_SECURE, "true");
        p.put(CLIENT_SOCKET, NETTY_CLIENT_SOCKET);
        p.putAll(stores(security.directory()));
        return p;
    }

    /**
     * The system properties a ZooKeeper server needs to serve its secure client port with
     * {@code directory}'s identity, a client certificate from the same CA required
     * ({@code ssl.clientAuth=need}), on ZooKeeper's Netty connection factory.
     */
    public static Map<String, String> server(Path directory) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(SERVER_FACTORY, NETTY_SERVER_FACTORY);
        p.putAll(stores(directory));
        p.put("zookeeper.ssl.clientAuth", "need");
        return p;
    }

    private static Map<String, String> stores(Path directory) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("zookeeper.ssl.protocol", "TLSv1.3");
        p.put("zookeeper.ssl.enabledProtocols", "TLSv1.3");
        p.put("zookeeper.ssl.keyStore.location", keyStore(directory).toString());
        p.put("zookeeper.ssl.keyStore.type", "PEM");
        p.put("zookeeper.ssl.trustStore.location", directory.resolve(TransportSecurity.CA_FILE).toAbsolutePath().toString());
        p.put("zookeeper.ssl.trustStore.type", "PEM");
        return p;
    }

    /** The one-file PEM key store (key, then certificate chain) for {@code directory}, made on first use. */
    private static Path keyStore(Path directory) {
        Path dir = directory.toAbsolutePath().normalize();
        return KEY_STORES.computeIfAbsent(dir, d -> {
            try {
                String key = Files.readString(d.resolve(TransportSecurity.KEY_FILE), StandardCharsets.US_ASCII);
                String chain = Files.readString(d.resolve(TransportSecurity.CERT_FILE), StandardCharsets.US_ASCII);
                Path file = Files.createTempFile("caravan-zk-identity-", ".pem",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                file.toFile().deleteOnExit();
                Files.writeString(file, key + (key.endsWith("\n") ? "" : "\n") + chain, StandardCharsets.US_ASCII);
                return file;
            } catch (IOException e) {
                throw ErrorCode.INVALID_ARGUMENT.exception("cannot use the TLS identity in " + d + " for ZooKeeper: " + e);
            }
        });
    }
}
