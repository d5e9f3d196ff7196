package dev.caravan.servers.model;

import dev.caravan.wire.ErrorCode;

import java.net.InetSocketAddress;

/**
 * How to run a server; validated on construction, before any thread starts.
 *
 * @param bind           address to listen on (port 0 picks a free one); {@code null} for an
 *                       adopt-only server that only serves {@link Server#adopt handed-over} connections
 * @param backlog        listen backlog
 * @param workers        pool size of {@link ServerModel#DISPATCHER_WORKER}
 * @param queueCapacity  bounded buffer between dispatcher and workers
 * @param loops          event loops of {@link ServerModel#HYBRID}
 * @param maxConnections connections served at once; more are closed on accept
 * @param name           prefix of thread names
 */
public record ServerOptions(InetSocketAddress bind, int backlog, int workers, int queueCapacity, int loops,
                            int maxConnections, String name) {
    public ServerOptions {
        check(backlog, "backlog");
        check(workers, "workers");
        check(queueCapacity, "queueCapacity");
        check(loops, "loops");
        check(maxConnections, "maxConnections");
        if (name == null || name.isBlank()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("server name is empty");
        }
    }

    private static void check(int v, String what) {
        if (v < 1) {
            throw ErrorCode.INVALID_ARGUMENT.exception(what + " must be positive, got " + v);
        }
    }

    /** 127.0.0.1 port 0, backlog 1024, 200 workers (Tomcat's default), one loop per core. */
    public static ServerOptions defaults() {
        return new ServerOptions(new InetSocketAddress("127.0.0.1", 0), 1024, 200, 1024,
                Runtime.getRuntime().availableProcessors(), 10_000, "server");
    }

    public ServerOptions withBind(InetSocketAddress a) {
        return new ServerOptions(a, backlog, workers, queueCapacity, loops, maxConnections, name);
    }

    /** No listener: serve only adopted connections. */
    public ServerOptions adoptOnly() {
        return withBind(null);
    }

    public ServerOptions withWorkers(int n) {
        return new ServerOptions(bind, backlog, n, queueCapacity, loops, maxConnections, name);
    }

    public ServerOptions withLoops(int n) {
        return new ServerOptions(bind, backlog, workers, queueCapacity, n, maxConnections, name);
    }

    public ServerOptions withName(String n) {
        return new ServerOptions(bind, backlog, workers, queueCapacity, loops, maxConnections, n);
    }

    public ServerOptions withMaxConnections(int n) {
        return new ServerOptions(bind, backlog, workers, queueCapacity, loops, n, name);
    }
}
