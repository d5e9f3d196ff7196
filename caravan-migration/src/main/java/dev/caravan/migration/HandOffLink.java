package dev.caravan.migration;

import dev.caravan.wire.resp.SessionLinkConnection;
import dev.caravan.wire.security.TransportSecurity;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * How a source node reaches a moved process's new data endpoint to hand its sessions off (queued
 * and parked batches, closed-client notices): a {@link dev.caravan.wire.resp.SessionLink}
 * authenticated by the cluster token. On a plaintext node it goes to the data endpoint's
 * plaintext port; on a TLS node ({@code caravan node --tls DIR}) over mutual TLS 1.3 with the
 * node's identity to the endpoint's RESP-over-TLS front (the port the destination named in its
 * {@code MIG_BEGIN} reply), and never in plaintext: a destination without such a port cannot be
 * handed sessions ({@link #open()} fails and the callers answer {@code -MOVED}).
 *
 * <p>Immutable and thread-safe; each {@link #open()} dials a new connection the caller closes.
 *
 * @param security the source node's transport
 * @param token    the cluster token ("" when none)
 * @param data     the destination's plaintext data endpoint (what {@code -MOVED} names)
 * @param tlsPort  the destination's RESP-over-TLS port on {@code data}'s host; 0 when it has none
 */
public record HandOffLink(TransportSecurity security, String token, InetSocketAddress data, int tlsPort) {
    /** A plaintext link to {@code data} (a plaintext node). */
    public static HandOffLink plaintext(InetSocketAddress data, String token) {
        return new HandOffLink(TransportSecurity.plaintext(), token, data, 0);
    }

    /** Where {@link #open()} dials: the TLS front on a TLS node, else the plaintext data endpoint; null when it cannot. */
    public InetSocketAddress target() {
        if (!security.isTls()) {
            return data;
        }
        return tlsPort > 0 ? new InetSocketAddress(data.getHostString(), tlsPort) : null;
    }

    /**
     * Opens a session link to the destination.
     *
     * @throws IOException when it cannot be reached or refuses the link, or when this node runs TLS
     *                     and the destination has no TLS port (no plaintext fallback)
     */
    public SessionLinkConnection open() throws IOException {
        if (!security.isTls()) {
            return SessionLinkConnection.open(data, token);
        }
        InetSocketAddress tls = target();
        if (tls == null) {
            throw new IOException("the data endpoint " + data.getHostString() + ":" + data.getPort()
                    + " has no RESP-over-TLS port; a TLS node hands no session off in plaintext");
        }
        return SessionLinkConnection.openTls(security, tls, token, System::nanoTime);
    }

    @Override
    public String toString() {
        InetSocketAddress t = target();
        return t == null ? data + " (no TLS port)" : (security.isTls() ? "tls://" : "") + t.getHostString() + ":" + t.getPort();
    }
}
