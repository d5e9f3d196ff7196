package dev.caravan.servers.endpoint;

import java.net.InetSocketAddress;

/**
 * Where a service was found and who said so.
 *
 * @param host   host to connect to
 * @param port   TCP port
 * @param source {@link Source#NAMING} (registered by the running server) or
 *               {@link Source#WELL_KNOWN} (the port table's convention; the server may not be there)
 */
public record Endpoint(String host, int port, Source source) {
    /** Where the answer came from. */
    public enum Source { NAMING, WELL_KNOWN }

    /** An unresolved-host socket address for connecting. */
    public InetSocketAddress address() {
        return new InetSocketAddress(host, port);
    }
}
