package dev.caravan.wire.net;

import dev.caravan.wire.security.TransportSecurity;

import java.util.Objects;

/**
 * The transport of a <em>client</em> process's links (the CLI, the dashboard, the client
 * library): the one {@link #use} set (the CLI's {@code --tls DIR}, {@code caravan up --tls}), else
 * {@code $CARAVAN_TLS} ({@link TransportSecurity#fromEnvironment()}, read once), else plaintext.
 *
 * <p>Daemons do not use this: a daemon passes the transport of its {@code --tls} explicitly to
 * every server and client it makes, so two daemons in one JVM (tests) may differ.
 * Thread-safe.
 */
public final class ClientTransport {
    private static volatile TransportSecurity chosen;

    private ClientTransport() {
    }

    /**
     * This process's client transport.
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT when {@code $CARAVAN_TLS} names a
     *                                           directory without a usable identity (one line)
     */
    public static TransportSecurity current() {
        TransportSecurity s = chosen;
        if (s == null) {
            synchronized (ClientTransport.class) {
                s = chosen;
                if (s == null) {
                    s = TransportSecurity.fromEnvironment();
                    chosen = s;
                }
            }
        }
        return s;
    }

    /** Forgets {@link #use}: the next {@link #current} reads {@code $CARAVAN_TLS} again (a launcher that stopped its TLS cluster, tests). */
    public static void reset() {
        chosen = null;
    }

    /** Uses {@code security} for every later client link of this process, instead of {@code $CARAVAN_TLS}. */
    public static void use(TransportSecurity security) {
        chosen = Objects.requireNonNull(security, "security");
    }
}
