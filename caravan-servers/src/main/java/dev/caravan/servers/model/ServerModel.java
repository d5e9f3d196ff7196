package dev.caravan.servers.model;

import dev.caravan.servers.protocol.Protocol;
import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;

/**
 * The chapter's server architectures, each able to host any {@link Protocol}:
 *
 * <table>
 * <caption>models</caption>
 * <tr><th>model</th><th>threads</th><th>a blocking handler…</th></tr>
 * <tr><td>{@link #ITERATIVE}</td><td>one; serves one connection to its end, then accepts the next</td><td>stalls everyone</td></tr>
 * <tr><td>{@link #THREAD_PER_REQUEST}</td><td>a platform reader per connection, a new platform thread per request batch</td><td>blocks only its request</td></tr>
 * <tr><td>{@link #DISPATCHER_WORKER}</td><td>one dispatcher (selector) → bounded buffer → fixed pool of platform workers</td><td>holds one worker</td></tr>
 * <tr><td>{@link #VIRTUAL_THREADS}</td><td>one platform acceptor, one virtual thread per connection</td><td>unmounts the virtual thread</td></tr>
 * <tr><td>{@link #EVENT_LOOP}</td><td>one selector thread; a per-connection state machine</td><td>stalls everyone</td></tr>
 * <tr><td>{@link #HYBRID}</td><td>one event loop per core; loop 0 also accepts</td><td>stalls its loop</td></tr>
 * <tr><td>{@link #PROCESS_THREAD}</td><td>none of its own while its owner lends one: one event loop driven by the
 * owner's thread (on a node, the process's own thread: redis-server's layout); its own loop thread otherwise</td>
 * <td>stalls everyone; batches the protocol answers later ({@link dev.caravan.servers.protocol.AsyncProtocol}) do not</td></tr>
 * </table>
 */
public enum ServerModel {
    ITERATIVE,
    THREAD_PER_REQUEST,
    DISPATCHER_WORKER,
    VIRTUAL_THREADS,
    EVENT_LOOP,
    HYBRID,
    PROCESS_THREAD;

    /** The command-line name: {@code event-loop}, {@code virtual-threads}, … */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses a command-line name (case-insensitive; '-' or '_'). */
    public static ServerModel parse(String s) {
        String n = s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (ServerModel m : values()) {
            if (m.name().equals(n)) {
                return m;
            }
        }
        throw ErrorCode.INVALID_ARGUMENT.exception("unknown server model '" + s + "'; one of "
                + Arrays.stream(values()).map(ServerModel::cliName).toList());
    }

    /**
     * Starts a server of this model for {@code protocol}. Configuration is validated and the
     * port bound before any thread starts; a failed start leaves nothing running.
     *
     * @throws UncheckedIOException when the port cannot be bound
     */
    public <Q, R> Server start(Protocol<Q, R> protocol, ServerOptions options) {
        try {
            return switch (this) {
                case ITERATIVE -> new IterativeServer(protocol, options);
                case THREAD_PER_REQUEST -> new ThreadPerRequestServer(protocol, options);
                case DISPATCHER_WORKER -> LoopServer.dispatcherWorker(protocol, options);
                case VIRTUAL_THREADS -> new VirtualThreadServer(protocol, options);
                case EVENT_LOOP -> LoopServer.eventLoop(protocol, options);
                case HYBRID -> LoopServer.hybrid(protocol, options);
                case PROCESS_THREAD -> DrivenLoopServer.withOwnThread(protocol, options);
            };
        } catch (IOException e) {
            throw new UncheckedIOException(cliName() + " server for " + protocol.name() + " could not start: " + e.getMessage(), e);
        }
    }

    /** {@link #start(Protocol, ServerOptions)} with {@link ServerOptions#defaults()} on 127.0.0.1, port 0. */
    public <Q, R> Server start(Protocol<Q, R> protocol) {
        return start(protocol, ServerOptions.defaults());
    }
}
