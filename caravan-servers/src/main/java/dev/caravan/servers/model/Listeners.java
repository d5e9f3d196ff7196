package dev.caravan.servers.model;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;

/** Listener plumbing shared by the models. */
final class Listeners {
    private static final System.Logger LOG = System.getLogger(Listeners.class.getName());

    private Listeners() {
    }

    /** Binds the listener of {@code options}, or returns null for an adopt-only server. */
    static ServerSocketChannel open(ServerOptions options) throws IOException {
        if (options.bind() == null) {
            return null;
        }
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(options.bind(), options.backlog());
            return ch;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    static InetSocketAddress address(ServerSocketChannel ch) {
        if (ch == null) {
            return null;
        }
        try {
            return (InetSocketAddress) ch.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    static void acceptFailed(Object server, IOException e, boolean closed) {
        if (!closed) {
            LOG.log(System.Logger.Level.WARNING, server.getClass().getSimpleName() + ": accept failed: " + e);
        }
    }

    /** Joins a model thread for a bounded time; a thread stuck past it is reported, not waited for. */
    static void join(Thread t) {
        try {
            t.join(5_000);
            if (t.isAlive()) {
                LOG.log(System.Logger.Level.WARNING, t.getName() + " did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
