package dev.caravan.switching;

import java.net.InetSocketAddress;

/**
 * A running front end: a listening socket and the distributors behind it. Created by the switch
 * from a {@link FrontendSpec}; every implementation has a constructor or factory taking
 * {@code (FrontendSpec, SwitchContext)}, binds in it (a bind failure is a
 * {@link dev.caravan.wire.CaravanException} with code UNAVAILABLE naming the address), and
 * serves until closed.
 *
 * <p>Threading: {@link #close} may be called from any thread; idempotent; closes client
 * connections too.
 */
public interface Frontend extends AutoCloseable {
    FrontendSpec spec();

    /** Where it listens (the bound port when the spec asked for 0). */
    InetSocketAddress address();

    /** Connections open now from clients. */
    int clientConnections();

    /** Requests (content-aware) or connections (transport-level) dispatched so far. */
    long dispatched();

    /** Dispatches refused (no backend, queue full) so far. */
    long refused();

    /**
     * How this front end serves the clients of one of its backends, as {@code caravan switch backends}
     * shows it: by default its dispatch mode in lower case ({@code transport}, {@code content},
     * {@code process}); a handoff front end says {@code handoff} or {@code splice (<why>)}, for example
     * {@code splice (other host)} when the backend's node runs on another host. May ask naming; never blocks on a client.
     *
     * @param node the node the backend runs on now ("" when unknown)
     */
    default String backendMode(String backendId, String node) {
        return spec().mode().name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    void close();
}
