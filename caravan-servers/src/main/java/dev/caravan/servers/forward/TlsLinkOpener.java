package dev.caravan.servers.forward;

import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingService;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.resp.SessionLinkConnection;
import dev.caravan.wire.security.TransportSecurity;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Session links over mutual TLS, for a forwarder whose daemon runs with {@code --tls DIR}: each
 * link goes to the RESP-over-TLS port the process's node publishes beside its data endpoint
 * (naming's {@code process/<name>} attribute {@value #TLS_PORT_ATTRIBUTE}, {@code caravan node
 * --resp-tls}), with the daemon's identity; the link's hello still carries the cluster token.
 *
 * <p>Where the forwarder wants to go (naming's entry, or the address a {@code -MOVED} names) is a
 * data endpoint's plaintext address; its TLS port is read from naming's entry for that address.
 * When naming does not show that address yet (a MOVED ahead of naming) or the entry has no TLS
 * port, the dial fails with an {@link IOException} and the forwarder tries again within its
 * deadline: a TLS forwarder never falls back to plaintext.
 *
 * <p>Threading: the opener is thread-safe (one naming lookup per new link).
 */
public final class TlsLinkOpener {
    /** Naming's attribute of a process entry that holds its RESP-over-TLS port (set by the node). */
    public static final String TLS_PORT_ATTRIBUTE = "tls-port";

    private TlsLinkOpener() {
    }

    /** The opener for {@code process}'s forwarder: null (plaintext links) when {@code security} is plaintext. */
    public static ProcessForwarder.LinkOpener over(TransportSecurity security, NamingService naming, String process, String token,
                                                   LongSupplier nanoClock) {
        if (!security.isTls()) {
            return null;
        }
        return at -> SessionLinkConnection.openTls(security, tlsAddress(naming, process, at), token, nanoClock);
    }

    private static InetSocketAddress tlsAddress(NamingService naming, String process, InetSocketAddress at) throws IOException {
        Optional<NamingEntry> entry;
        try {
            entry = naming.lookup("process/" + process);
        } catch (CaravanException e) {
            throw new IOException("naming unreachable for process " + process + "'s TLS port: " + e.getMessage(), e);
        }
        NamingEntry e = entry.orElseThrow(() -> new IOException("process " + process + " is not registered"));
        if (e.port() != at.getPort() || !e.host().equals(at.getHostString())) {
            throw new IOException("naming shows process " + process + " at " + e.host() + ":" + e.port() + ", not "
                    + at.getHostString() + ":" + at.getPort() + " yet");
        }
        String port = e.attributes().get(TLS_PORT_ATTRIBUTE);
        if (port == null || port.isEmpty()) {
            throw new IOException("process " + process + " has no RESP-over-TLS port (start its node with --tls DIR --resp-tls)");
        }
        try {
            return new InetSocketAddress(e.host(), Integer.parseInt(port));
        } catch (IllegalArgumentException bad) {
            throw new IOException("process " + process + " has a bad " + TLS_PORT_ATTRIBUTE + " '" + port + "'", bad);
        }
    }
}
