package dev.caravan.wire.security;

import dev.caravan.wire.ErrorCode;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/**
 * How a Caravan link is carried: plaintext, or TLS 1.3 with certificates on both sides from the
 * cluster's CA (mutual TLS). One instance serves every port and link of a process; it is
 * immutable and thread-safe.
 *
 * <p><b>Identity directory</b> ({@link #mutualTls(Path)}, {@code $CARAVAN_TLS}, {@code --tls DIR}),
 * as {@code caravan certs issue} writes it:
 * <pre>
 * DIR/ca.crt        the cluster CA's certificate (PEM): the only issuer trusted
 * DIR/identity.crt  this member's certificate (PEM), optionally followed by its chain
 * DIR/identity.key  its private key (PEM, PKCS#8 unencrypted, EC P-256 or Ed25519), mode 0600
 * </pre>
 * The certificate's subject carries the {@link Identity}: {@code CN=name}, {@code O=caravan:ROLE}
 * and, for a tenant, {@code O=slice:SLICE}.
 *
 * <p>Clients verify the server's certificate against the CA and its subject alternative names
 * against the host they dialled (endpoint identification {@code HTTPS}); servers require a client
 * certificate from the same CA. A plaintext or foreign-CA peer fails the handshake and is never
 * served.
 */
public final class TransportSecurity {
    /** Environment variable naming the identity directory of a client or daemon. */
    public static final String ENV = "CARAVAN_TLS";
    public static final String CA_FILE = "ca.crt";
    public static final String CERT_FILE = "identity.crt";
    public static final String KEY_FILE = "identity.key";
    private static final String[] PROTOCOLS = {"TLSv1.3"};
    private static final TransportSecurity PLAINTEXT = new TransportSecurity(null, null, null);

    private final SSLContext context;
    private final Path directory;
    private final Identity own;

    private TransportSecurity(SSLContext context, Path directory, Identity own) {
        this.context = context;
        this.directory = directory;
        this.own = own;
    }

    /** No encryption, no certificates: identities come from the HELLO token. */
    public static TransportSecurity plaintext() {
        return PLAINTEXT;
    }

    /**
     * Mutual TLS with the identity in {@code directory} (layout in the class comment).
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT naming the missing or unreadable
     *                                           file and what to run to make it
     */
    public static TransportSecurity mutualTls(Path directory) {
        try {
            X509Certificate ca = certificates(directory.resolve(CA_FILE)).getFirst();
            List<X509Certificate> chain = certificates(directory.resolve(CERT_FILE));
            PrivateKey key = privateKey(directory.resolve(KEY_FILE), chain.getFirst().getPublicKey().getAlgorithm());
            char[] none = new char[0];
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("identity", key, none, chain.toArray(Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, none);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("cluster-ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLSv1.3");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return new TransportSecurity(context, directory, identityOf(chain.getFirst(), "certificate"));
        } catch (NoSuchFileException e) {
            throw ErrorCode.INVALID_ARGUMENT.exception("TLS identity directory " + directory + " has no " + e.getFile()
                    + ": make one with 'caravan certs issue NAME --role ROLE'");
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw ErrorCode.INVALID_ARGUMENT.exception("cannot use the TLS identity in " + directory + ": " + e.getMessage());
        }
    }

    /** {@code $CARAVAN_TLS} when set (mutual TLS), else plaintext. */
    public static TransportSecurity fromEnvironment() {
        String dir = System.getenv(ENV);
        return dir == null || dir.isBlank() ? PLAINTEXT : mutualTls(Path.of(dir));
    }

    public boolean isTls() {
        return context != null;
    }

    /** The identity directory, or null for plaintext. */
    public Path directory() {
        return directory;
    }

    /** The identity this side presents, or null for plaintext. */
    public Identity ownIdentity() {
        return own;
    }

    /** The TLS context, for NIO links that drive an {@link SSLEngine} themselves; null for plaintext. */
    public SSLContext context() {
        return context;
    }

    /** An unbound server socket: a TLS one that requires a client certificate, or a plain one. */
    public ServerSocket newServerSocket() throws IOException {
        if (context == null) {
            return new ServerSocket();
        }
        SSLServerSocket s = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        s.setEnabledProtocols(PROTOCOLS);
        s.setNeedClientAuth(true);
        return s;
    }

    /**
     * An unconnected client socket. For TLS the handshake runs at the first read or write, or
     * explicitly in {@link #handshake}; the server's certificate must name the host it is
     * connected to (a subject alternative name: DNS or IP).
     */
    public Socket newClientSocket() throws IOException {
        if (context == null) {
            return new Socket();
        }
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket();
        SSLParameters p = s.getSSLParameters();
        p.setProtocols(PROTOCOLS);
        p.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(p);
        return s;
    }

    /**
     * The server side of TLS over an accepted plain socket whose first bytes the server has
     * already read (to tell a TLS client from a plaintext one): {@code consumed} are replayed to
     * the TLS layer. Closing the returned socket closes {@code plain}. The handshake runs at the
     * first read or write, or in {@link #handshake}; a client certificate is required.
     */
    public SSLSocket serverSocketOver(Socket plain, byte[] consumed) throws IOException {
        if (context == null) {
            throw new IllegalStateException("plaintext transport has no TLS socket");
        }
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, new java.io.ByteArrayInputStream(consumed), true);
        s.setUseClientMode(false);
        s.setEnabledProtocols(PROTOCOLS);
        s.setNeedClientAuth(true);
        return s;
    }

    /** An engine for a NIO link: client mode verifies {@code peerHost}; server mode requires a client certificate. */
    public SSLEngine newEngine(boolean clientMode, String peerHost, int peerPort) {
        if (context == null) {
            throw new IllegalStateException("plaintext transport has no TLS engine");
        }
        SSLEngine e = clientMode ? context.createSSLEngine(peerHost, peerPort) : context.createSSLEngine();
        e.setUseClientMode(clientMode);
        SSLParameters p = e.getSSLParameters();
        p.setProtocols(PROTOCOLS);
        if (clientMode) {
            p.setEndpointIdentificationAlgorithm("HTTPS");
        } else {
            p.setNeedClientAuth(true);
        }
        e.setSSLParameters(p);
        return e;
    }

    /** Completes a TLS handshake within the socket's current read timeout; nothing for plaintext. */
    public void handshake(Socket socket) throws IOException {
        if (socket instanceof SSLSocket s) {
            s.startHandshake();
        }
    }

    /**
     * The identity a TLS peer proved with its certificate, or null for a plaintext socket.
     *
     * @throws SSLPeerUnverifiedException when the peer sent no certificate
     */
    public static Identity peerIdentity(Socket socket) throws SSLPeerUnverifiedException {
        if (!(socket instanceof SSLSocket s)) {
            return null;
        }
        Certificate[] chain = s.getSession().getPeerCertificates();
        return identityOf((X509Certificate) chain[0], "certificate");
    }

    /**
     * Reads {@code CN}, {@code O=caravan:ROLE} and {@code O=slice:SLICE} from a certificate's subject.
     *
     * @throws dev.caravan.wire.CaravanException UNAUTHENTICATED when the subject has no CN or no role
     */
    public static Identity identityOf(X509Certificate certificate, String via) {
        String name = null;
        Role role = null;
        String slice = Identity.NO_SLICE;
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                String value = String.valueOf(rdn.getValue());
                switch (rdn.getType().toUpperCase(java.util.Locale.ROOT)) {
                    case "CN" -> name = value;
                    case "O" -> {
                        if (value.startsWith("caravan:")) {
                            role = Role.parse(value.substring("caravan:".length()));
                        } else if (value.startsWith("slice:")) {
                            slice = value.substring("slice:".length());
                        }
                    }
                    default -> {
                    }
                }
            }
        } catch (InvalidNameException e) {
            throw ErrorCode.UNAUTHENTICATED.exception("certificate subject is not a name: " + e.getMessage());
        }
        if (name == null || role == null) {
            throw ErrorCode.UNAUTHENTICATED.exception("certificate " + certificate.getSubjectX500Principal()
                    + " carries no Caravan identity (CN and O=caravan:ROLE)");
        }
        return new Identity(name, role, slice, via);
    }

    private static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : all) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new GeneralSecurityException(file + " holds no certificate");
            }
            return out;
        }
    }

    private static PrivateKey privateKey(Path file, String algorithm) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new GeneralSecurityException(file + " is not an unencrypted PKCS#8 PEM private key");
        }
        String base64 = pem.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end).replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(base64);
        return KeyFactory.getInstance(algorithm.equals("EdDSA") ? "Ed25519" : algorithm)
                .generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    @Override
    public String toString() {
        return context == null ? "plaintext" : "mutual TLS as " + own + " from " + directory;
    }
}
