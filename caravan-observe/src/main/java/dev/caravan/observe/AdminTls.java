package dev.caravan.observe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.security.Identity;
import dev.caravan.wire.security.TransportSecurity;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;

/**
 * The admin ports' HTTPS on a TLS cluster, both ends. A daemon started with {@code --tls DIR}
 * serves its admin port ({@link ObserveServer}) as HTTPS, TLS 1.3 only, with the daemon's
 * {@link TransportSecurity#context()} and a client certificate from the cluster's CA
 * <em>required</em> at the handshake: a plaintext request or one without such a certificate never
 * reaches a route. The caller's {@link Identity} is read from its certificate
 * ({@link TransportSecurity#identityOf}). A client (the CLI, the dashboard) reads admin ports with
 * {@code https://} and its own identity when its transport is TLS, else {@code http://}.
 * Stateless; thread-safe.
 */
public final class AdminTls {
    private static final String[] PROTOCOLS = {"TLSv1.3"};

    private AdminTls() {
    }

    /** The server side: TLS 1.3, client certificate required (checked against the context's trusted CA). */
    public static HttpsConfigurator configurator(SSLContext context) {
        return new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = getSSLContext().getDefaultSSLParameters();
                p.setProtocols(PROTOCOLS);
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        };
    }

    /**
     * Who sent an exchange by its client certificate; null for a plaintext exchange or a
     * certificate without a Caravan identity (the handshake already required one from the CA).
     */
    public static Identity identity(HttpExchange exchange) {
        if (!(exchange instanceof HttpsExchange https)) {
            return null;
        }
        try {
            Certificate[] chain = https.getSSLSession().getPeerCertificates();
            return chain.length == 0 || !(chain[0] instanceof X509Certificate c) ? null
                    : TransportSecurity.identityOf(c, "certificate");
        } catch (SSLPeerUnverifiedException | CaravanException e) {
            return null;
        }
    }

    /**
     * A client of admin ports with {@code security}: for TLS, its certificate and trusted CA, TLS
     * 1.3 and the server's name checked against the host dialled; plain otherwise.
     */
    public static HttpClient client(TransportSecurity security, Duration connectTimeout) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(connectTimeout);
        if (security.isTls()) {
            SSLParameters p = new SSLParameters();
            p.setProtocols(PROTOCOLS);
            b.sslContext(security.context()).sslParameters(p);
        }
        return b.build();
    }

    /** {@code https://HOST:PORT/path?query} for a TLS transport, else {@code http://…}. */
    public static URI uri(TransportSecurity security, String hostPort, String pathAndQuery) {
        return URI.create(scheme(security) + "://" + hostPort + pathAndQuery);
    }

    /** {@code https} for a TLS transport, else {@code http}. */
    public static String scheme(TransportSecurity security) {
        return security.isTls() ? "https" : "http";
    }
}
